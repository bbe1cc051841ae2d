// Models with several inputs and outputs: `kiln run` and `kiln reference`
// take --input and --output repeatedly, in the model's order, and agree with
// each other bit for bit; a wrong count names the model's inputs.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "tests/support/kiln_cli.h"
#include "tests/support/npy_by_hand.h"
#include "tests/support/test_paths.h"

using kiln::test::CliRun;
using kiln::test::run_kiln;
using kiln::test::slurp;
using kiln::test::TempDir;

namespace {

// Float inputs 'input' and 'other' (1x4x6x6, NHWC 1x6x6x4); outputs 'sum' (1x6x6x4) and 'features' (1x6x6x3).
const std::string kModel = kiln::test::data_path("models/onnx/qdq_two_inputs_two_outputs.onnx");

void write_floats(const std::string& path, float phase) {
  std::vector<float> x(144);
  for (size_t i = 0; i < x.size(); ++i) x[i] = std::sin(float(i) * 0.3f + phase);
  std::vector<uint8_t> bytes(x.size() * 4);
  std::memcpy(bytes.data(), x.data(), bytes.size());
  kiln::test::write_npy_by_hand(path, "<f4", "(1, 6, 6, 4)", bytes);
}

std::string npy_data(const std::string& bytes) {
  const size_t header = size_t(uint8_t(bytes[8])) | size_t(uint8_t(bytes[9])) << 8;
  return bytes.substr(10 + header);
}

}  // namespace

TEST_CASE("run: --input and --output repeat in the model's order, equal to kiln reference", "[run]") {
  TempDir dir;
  write_floats(dir.file("a.npy"), 0.0f);
  write_floats(dir.file("b.npy"), 1.0f);
  const std::string ins = " --input " + dir.file("a.npy") + " --input " + dir.file("b.npy");
  const CliRun run =
      run_kiln("run " + kModel + ins + " --output " + dir.file("sum.npy") + " --output " + dir.file("features.npy"));
  INFO(run.all());
  REQUIRE(run.exit_code == 0);
  CHECK(run.out.find("outputs match the reference interpreter bit for bit") != std::string::npos);
  const std::string sum = slurp(dir.file("sum.npy")), features = slurp(dir.file("features.npy"));
  CHECK(sum.find("'shape': (1, 6, 6, 4)") != std::string::npos);
  CHECK(features.find("'shape': (1, 6, 6, 3)") != std::string::npos);
  const CliRun ref = run_kiln("reference " + kModel + ins + " --output " + dir.file("rs.npy") + " --output " +
                              dir.file("rf.npy"));
  INFO(ref.all());
  REQUIRE(ref.exit_code == 0);
  CHECK(npy_data(slurp(dir.file("rs.npy"))) == npy_data(sum));
  CHECK(npy_data(slurp(dir.file("rf.npy"))) == npy_data(features));
  // Swapped inputs give other features (a convolution of the first input only): the order matters.
  REQUIRE(run_kiln("reference " + kModel + " --input " + dir.file("b.npy") + " --input " + dir.file("a.npy") +
                   " --output " + dir.file("ss.npy") + " --output " + dir.file("sf.npy"))
              .exit_code == 0);
  CHECK(npy_data(slurp(dir.file("sf.npy"))) != npy_data(features));
  // Random inputs for both, from a seed.
  const CliRun random = run_kiln("run " + kModel + " --seed 4");
  INFO(random.all());
  CHECK(random.exit_code == 0);
  CHECK(random.out.find("bit for bit") != std::string::npos);
}

TEST_CASE("run: a wrong number of --input or --output files is one error naming the model's inputs", "[run]") {
  TempDir dir;
  write_floats(dir.file("a.npy"), 0.0f);
  CliRun r = run_kiln("run " + kModel + " --input " + dir.file("a.npy"));
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("--input given 1 time(s), the model has 2 input(s): 'input', 'other'") != std::string::npos);
  const std::string two = " --input " + dir.file("a.npy") + " --input " + dir.file("a.npy");
  r = run_kiln("run " + kModel + two + " --output " + dir.file("1.npy") + " --output " + dir.file("2.npy") +
               " --output " + dir.file("3.npy"));
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("--output given 3 times, the model has 2 output(s)") != std::string::npos);
  r = run_kiln("reference " + kModel + " --input " + dir.file("a.npy") + " --output " + dir.file("1.npy"));
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("the model has 2 input(s); 1 --input given") != std::string::npos);
}
