// A model whose scales are absurd (a weight scale of 3.4e38) needs a
// requantization scale TFLite's kernels do not define (2^30 or more: a shift
// by 31 bits or more). It is refused by name, before anything runs, instead
// of the simulation and the reference each computing something.
#include <catch2/catch.hpp>

#include <fstream>
#include <string>

#include <onnx/onnx_pb.h>

#include "tests/support/kiln_cli.h"
#include "tests/support/test_paths.h"

using kiln::test::run_kiln;
using kiln::test::slurp;
using kiln::test::TempDir;

TEST_CASE("kiln run: a weight scale of 3.4e38 is refused naming the op and the scale", "[cli]") {
  onnx::ModelProto m;
  REQUIRE(m.ParseFromString(slurp(kiln::test::source_dir() + "/workloads/resnet8.onnx")));
  bool edited = false;
  for (auto& t : *m.mutable_graph()->mutable_initializer()) {
    if (t.name() != "conv0_w_scale") continue;
    REQUIRE(t.data_type() == onnx::TensorProto::FLOAT);
    std::string raw = t.raw_data();
    if (raw.empty()) {
      REQUIRE(t.float_data_size() > 3);
      t.set_float_data(3, 3.4e38f);
    } else {
      const float huge = 3.4e38f;
      REQUIRE(raw.size() >= 16);
      raw.replace(12, 4, reinterpret_cast<const char*>(&huge), 4);
      t.set_raw_data(raw);
    }
    edited = true;
  }
  REQUIRE(edited);
  TempDir dir;
  std::ofstream(dir.file("absurd.onnx"), std::ios::binary) << m.SerializeAsString();
  const auto r = run_kiln("run " + dir.file("absurd.onnx") + " --seed 1");
  INFO(r.all());
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("kiln: error: " + dir.file("absurd.onnx") + ": node ") == 0);
  CHECK(r.err.find("): requantization scale ") != std::string::npos);
  CHECK(r.err.find("is 2^30 or more; TFLite's kernels define scales below 2^30") != std::string::npos);
  CHECK(r.err.find('\n') == r.err.size() - 1);
}
