// Float input and output at a model's edges (QUANTIZE from float32 in,
// DEQUANTIZE to float32 out): `kiln run --input` takes a float32 .npy and
// `--output` writes one, bit-exact with the reference interpreter, whose own
// float output `kiln reference` writes; a wrong dtype or a non-finite value
// is a located error.
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

const std::string kModel = kiln::test::data_path("models/tflite/float_io_conv.tflite");  // 1x6x6x3 -> 1x6x6x4

std::vector<uint8_t> floats(const std::vector<float>& xs) {
  std::vector<uint8_t> b(xs.size() * 4);
  std::memcpy(b.data(), xs.data(), b.size());  // the host is little-endian, as the .npy says
  return b;
}

// The data of a .npy kiln wrote (version 1.0: 10-byte preamble, then the header).
std::string npy_data(const std::string& bytes) {
  const size_t header = size_t(uint8_t(bytes[8])) | size_t(uint8_t(bytes[9])) << 8;
  return bytes.substr(10 + header);
}

}  // namespace

TEST_CASE("run: a float32 input and output at the model's edges, equal to kiln reference", "[run]") {
  TempDir dir;
  std::vector<float> x(108);
  for (size_t i = 0; i < x.size(); ++i) x[i] = std::sin(float(i)) * 3.0f;
  kiln::test::write_npy_by_hand(dir.file("in.npy"), "<f4", "(1, 6, 6, 3)", floats(x));
  const CliRun run = run_kiln("run " + kModel + " --input " + dir.file("in.npy") + " --output " + dir.file("out.npy"));
  INFO(run.all());
  REQUIRE(run.exit_code == 0);
  CHECK(run.out.find("quantize") != std::string::npos);    // the edges are layers on the MCU
  CHECK(run.out.find("dequantize") != std::string::npos);
  CHECK(run.out.find("outputs match the reference interpreter bit for bit") != std::string::npos);
  const std::string out = slurp(dir.file("out.npy"));
  CHECK(out.find("'descr': '<f4'") != std::string::npos);
  CHECK(out.find("'shape': (1, 6, 6, 4)") != std::string::npos);
  REQUIRE(npy_data(out).size() == 144 * 4);

  const CliRun ref =
      run_kiln("reference " + kModel + " --input " + dir.file("in.npy") + " --output " + dir.file("ref.npy"));
  INFO(ref.all());
  REQUIRE(ref.exit_code == 0);
  CHECK(npy_data(slurp(dir.file("ref.npy"))) == npy_data(out));
  // A ReLU network's float output: no negative values, and not all zero.
  std::vector<float> y(144);
  std::memcpy(y.data(), npy_data(out).data(), 144 * 4);
  size_t positive = 0;
  for (float v : y) {
    CHECK(v >= 0.0f);
    positive += v > 0.0f;
  }
  CHECK(positive > 20);
}

TEST_CASE("run: a float input must be a finite float32 .npy", "[run]") {
  TempDir dir;
  kiln::test::write_npy_by_hand(dir.file("int8.npy"), "|i1", "(1, 6, 6, 3)", std::vector<uint8_t>(108));
  CliRun r = run_kiln("run " + kModel + " --input " + dir.file("int8.npy"));
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("int8.npy: input 'input_float' needs 108 float32 ('<f4') elements (shape 1x6x6x3), the file has "
                   "dtype |i1") != std::string::npos);
  std::vector<float> x(108, 0.5f);
  x[17] = std::nanf("");
  kiln::test::write_npy_by_hand(dir.file("nan.npy"), "<f4", "(1, 6, 6, 3)", floats(x));
  r = run_kiln("run " + kModel + " --input " + dir.file("nan.npy"));
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("nan.npy: input 'input_float' element 17 is nan: a float input must be finite") !=
        std::string::npos);
  // Random inputs from a seed span the QUANTIZE's range and repeat exactly.
  r = run_kiln("run " + kModel + " --seed 7 --output " + dir.file("a.npy"));
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("input: random float32 over the input's quantized range from seed 7") != std::string::npos);
  REQUIRE(run_kiln("run " + kModel + " --seed 7 --output " + dir.file("b.npy")).exit_code == 0);
  CHECK(slurp(dir.file("a.npy")) == slurp(dir.file("b.npy")));
}
