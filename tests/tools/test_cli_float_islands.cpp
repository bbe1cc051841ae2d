// Float islands end to end: `kiln run` on ONNX models whose float operators
// are no QDQ node unit, with float32 .npy inputs, equals the reference
// interpreter bit for bit, writes float32 outputs where the model's output
// is a float operator's, and says which layers computed in float.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/kiln_cli.h"
#include "tests/support/npy_by_hand.h"
#include "tests/support/test_paths.h"

using kiln::test::CliRun;
using kiln::test::run_kiln;
using kiln::test::slurp;
using kiln::test::TempDir;

namespace {

void write_floats(const std::string& path, size_t n, const std::string& shape) {
  std::vector<float> x(n);
  for (size_t i = 0; i < n; ++i) x[i] = 0.9f * std::sin(float(i) * 0.7f);
  std::vector<uint8_t> bytes(n * 4);
  std::memcpy(bytes.data(), x.data(), bytes.size());
  kiln::test::write_npy_by_hand(path, "<f4", shape, bytes);
}

std::string npy_data(const std::string& bytes) {
  const size_t header = size_t(uint8_t(bytes[8])) | size_t(uint8_t(bytes[9])) << 8;
  return bytes.substr(10 + header);
}

}  // namespace

TEST_CASE("run: a QOperator model's float Softmax into a float output runs as float kernels", "[run]") {
  // QLinearAdd -> DequantizeLinear -> Softmax over the channels -> float32 output [1, 6, 2, 3] (NHWC 1x2x3x6).
  const std::string model = kiln::test::data_path("models/onnx/qoperator_float_softmax_output.onnx");
  TempDir dir;
  write_floats(dir.file("in.npy"), 36, "(1, 2, 3, 6)");
  const CliRun run = run_kiln("run " + model + " --input " + dir.file("in.npy") + " --output " + dir.file("out.npy") +
                              " --report " + dir.file("report.json"));
  INFO(run.all());
  REQUIRE(run.exit_code == 0);
  CHECK(run.out.find("outputs match the reference interpreter bit for bit") != std::string::npos);
  // The table's math column (there is a float layer): float for the softmax, int8 for the QLinearAdd.
  CHECK(run.out.find(" math ") != std::string::npos);
  CHECK(run.out.find("float_softmax     mcu  float") != std::string::npos);
  CHECK(run.out.find("add               mcu  int8") != std::string::npos);
  // An int8 model's table has no such column: as it always was.
  const CliRun int8 = run_kiln("run " + kiln::test::data_path("models/onnx/qdq_clip.onnx") + " --seed 2");
  INFO(int8.all());
  REQUIRE(int8.exit_code == 0);
  CHECK(int8.out.find(" math ") == std::string::npos);
  CHECK(int8.out.find(" unit       MACs ") != std::string::npos);
  const auto report = nlohmann::json::parse(slurp(dir.file("report.json")));
  bool softmax = false;
  for (const auto& l : report["layers"]) {
    CHECK(l["float"].get<bool>() == (l["op"] == "float_softmax"));  // dequantize converts at the island's edge
    softmax = softmax || l["op"] == "float_softmax";
  }
  CHECK(softmax);
  // float32 probabilities: each pixel's six channels sum to one.
  const std::string out = slurp(dir.file("out.npy"));
  CHECK(out.find("'descr': '<f4'") != std::string::npos);
  CHECK(out.find("'shape': (1, 2, 3, 6)") != std::string::npos);
  const std::string data = npy_data(out);
  REQUIRE(data.size() == 36 * 4);
  std::vector<float> p(36);
  std::memcpy(p.data(), data.data(), data.size());
  for (size_t pixel = 0; pixel < 6; ++pixel) {
    float sum = 0;
    for (size_t c = 0; c < 6; ++c) {
      CHECK(p[pixel * 6 + c] > 0.0f);
      sum += p[pixel * 6 + c];
    }
    CHECK(sum == Approx(1.0f).epsilon(1e-6));
  }
}

TEST_CASE("run: a float chain Add -> Relu -> Mul equals kiln reference bit for bit", "[run]") {
  const std::string model = kiln::test::data_path("models/onnx/qdq_float_chain_add_relu_mul.onnx");
  TempDir dir;
  write_floats(dir.file("in.npy"), 144, "(1, 6, 6, 4)");
  const std::string in = " --input " + dir.file("in.npy");
  const CliRun run = run_kiln("run " + model + in + " --output " + dir.file("run.npy"));
  INFO(run.all());
  REQUIRE(run.exit_code == 0);
  CHECK(run.out.find("bit for bit") != std::string::npos);
  for (const char* kernel : {"float_binary", "float_unary"}) CHECK(run.out.find(kernel) != std::string::npos);
  const CliRun ref = run_kiln("reference " + model + in + " --output " + dir.file("ref.npy"));
  INFO(ref.all());
  REQUIRE(ref.exit_code == 0);
  CHECK(npy_data(slurp(dir.file("ref.npy"))) == npy_data(slurp(dir.file("run.npy"))));
  // The MCU-only strategy runs the same island.
  const CliRun mcu = run_kiln("run " + model + in + " --mcu-only");
  INFO(mcu.all());
  CHECK(mcu.exit_code == 0);
  CHECK(mcu.out.find("bit for bit") != std::string::npos);
}
