// PAD and PADV2 on configs/soc/default-vector.yaml: the partition places them
// on the vector unit (vpad) by cost, and `kiln run` finds the simulated
// outputs bit for bit the reference interpreter's, for the generated TFLite
// and ONNX models and for a pad larger than the scratchpad slots, which runs
// in chunks of rows.
#include <catch2/catch.hpp>

#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "tests/compiler/tflite_builder.h"
#include "tests/support/kiln_cli.h"
#include "tests/support/test_paths.h"

using kiln::test::CliRun;
using kiln::test::run_kiln;
using kiln::test::TempDir;

namespace {

struct PadLayer {
  std::string unit, tiling;
};

// Runs the model on the SoC with a report; the run must match the reference.
// Returns where its one PAD layer ran, and how.
PadLayer run_pad_model(const std::string& model, const std::string& soc) {
  TempDir dir;
  const CliRun r = run_kiln("run " + model + " --soc " + soc + " --seed 5 --report " + dir.file("r.json"));
  INFO(r.all());
  REQUIRE(r.exit_code == 0);
  CHECK(r.all().find("outputs match the reference interpreter bit for bit") != std::string::npos);
  const auto j = nlohmann::json::parse(kiln::test::slurp(dir.file("r.json")));
  PadLayer out;
  size_t pads = 0;
  for (const auto& l : j["layers"])
    if (l["op"] == "pad") {
      ++pads;
      out.unit = l["unit"].get<std::string>();
      out.tiling = l["tiling"].get<std::string>();
    }
  CHECK(pads == 1);
  return out;
}

}  // namespace

TEST_CASE("vector unit: PAD and PADV2 models run on it bit for bit", "[run]") {
  for (const char* model : {"tflite/pad_hw.tflite", "tflite/padv2_constant.tflite", "onnx/qdq_pad.onnx"}) {
    INFO(model);
    const std::string path = kiln::test::data_path(std::string("models/") + model);
    CHECK(run_pad_model(path, kiln::test::config_path("default-vector")).unit == "vector");
    // Without the unit the MCU's pad kernel runs it.
    CHECK(run_pad_model(path, kiln::test::config_path("default")).unit == "mcu");
  }
}

// 40 x 30 pixels of 16 channels padded to 45 x 35: 25,200 output bytes, more
// than an 8 KiB output slot, so the layer runs as chunks of input rows, the
// first with the rows of padding above, the last with those below; PADV2's
// constant is not the zero point.
TEST_CASE("vector unit: a pad larger than a slot runs in chunks of rows, bit for bit", "[run]") {
  kiln::test::TfliteBuilder b;
  const int x = b.int8("x", {1, 40, 30, 16}, 0.05f, -3);
  const int pads = b.const_int32("paddings", {4, 2}, {0, 0, 3, 2, 1, 4, 0, 0});
  // The constant in the output's quantization, as TFLite Micro requires.
  const int value = b.tensor({"value", {}, tflite::TensorType_INT8, {0.05f}, {-3}, 0, {uint8_t(17)}});
  const int y = b.int8("y", {1, 45, 35, 16}, 0.05f, -3);
  b.op(tflite::BuiltinOperator_PADV2, {x, pads, value}, {y});
  TempDir dir;
  const std::string model = dir.file("pad.tflite");
  {
    const std::vector<uint8_t> bytes = b.finish({x}, {y});
    std::ofstream(model, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), long(bytes.size()));
  }
  const PadLayer layer = run_pad_model(model, kiln::test::config_path("default-vector"));
  CHECK(layer.unit == "vector");
  // 8 KiB output slot / (35 * 16 bytes a row) = 14 rows, less the 5 of padding: 9 input rows a chunk.
  CHECK(layer.tiling == "vector: 5 chunk(s) of 9 rows");
}
