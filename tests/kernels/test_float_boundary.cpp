// The float edges (kernels/float_boundary.h) against TFLite's reference
// arithmetic: QUANTIZE rounds half away from zero in float and clamps,
// DEQUANTIZE scales; float operands are little-endian bytes.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "arch/error.h"
#include "kernels/float_boundary.h"

using namespace kiln;

namespace {

std::vector<uint8_t> le_bytes(const std::vector<float>& xs) {
  std::vector<uint8_t> b;
  for (float x : xs) {
    const uint32_t u = uint32_t(kernels::float_bits(x));
    for (int k = 0; k < 4; ++k) b.push_back(uint8_t(u >> (8 * k)));
  }
  return b;
}

std::vector<int8_t> quantize(const std::vector<float>& xs, float scale, int32_t zp,
                             int32_t rounding = kernels::kRoundHalfAwayFromZero) {
  kernels::QuantizeParams p;
  p.count = int64_t(xs.size()), p.out_zp = zp, p.scale_bits = kernels::float_bits(scale), p.rounding = rounding;
  std::vector<int8_t> out(xs.size());
  const auto in = le_bytes(xs);
  kernels::quantize(p, in.data(), out.data());
  return out;
}

}  // namespace

TEST_CASE("quantize: round half away from zero, then the zero point, then the int8 clamp", "[kernels]") {
  // x / 0.5 = 2.5, -2.5, 3.5, 0.5, -0.5: TfLiteRound gives 3, -3, 4, 1, -1 (half to even would give 2, -2, 4, 0, 0).
  CHECK(quantize({1.25f, -1.25f, 1.75f, 0.25f, -0.25f}, 0.5f, 0) == std::vector<int8_t>{3, -3, 4, 1, -1});
  CHECK(quantize({1.25f, -1.25f}, 0.5f, 10) == std::vector<int8_t>{13, 7});
  // The clamp, and the saturation of what TFLite leaves undefined.
  const float inf = std::numeric_limits<float>::infinity();
  CHECK(quantize({1000.0f, -1000.0f, 1e30f, -1e30f, inf, -inf}, 0.5f, 3) ==
        std::vector<int8_t>{127, -128, 127, -128, 127, -128});
  CHECK(quantize({std::nanf("")}, 0.5f, -9) == std::vector<int8_t>{-9});
}

TEST_CASE("quantize: half to even (ONNX QuantizeLinear) on ties only, the same clamp and saturation", "[kernels]") {
  const int32_t even = kernels::kRoundHalfToEven;
  // x / 0.5 = 2.5, -2.5, 3.5, 0.5, -0.5, 1.5, -1.5: ties go to the even neighbour.
  CHECK(quantize({1.25f, -1.25f, 1.75f, 0.25f, -0.25f, 0.75f, -0.75f}, 0.5f, 0, even) ==
        std::vector<int8_t>{2, -2, 4, 0, 0, 2, -2});
  // Not a tie: 2.6 -> 3, -2.4 -> -2, as round() gives.
  CHECK(quantize({1.3f, -1.2f}, 0.5f, 0, even) == std::vector<int8_t>{3, -2});
  CHECK(quantize({1000.0f, -1000.0f, std::nanf("")}, 0.5f, 3, even) == std::vector<int8_t>{127, -128, 3});
  // Large values, where every float is an integer, are unchanged.
  CHECK(quantize({100.5f}, 1.0f / 1024, -128, even) == std::vector<int8_t>{127});
}

TEST_CASE("dequantize: double(scale) * (q - zp), stored as little-endian float32", "[kernels]") {
  kernels::DequantizeParams p;
  p.count = 4, p.in_zp = -3, p.scale_bits = kernels::float_bits(0.1f);
  const std::vector<int8_t> q = {-3, -2, 127, -128};
  std::vector<uint8_t> out(16);
  kernels::dequantize(p, q.data(), out.data());
  const std::vector<float> expected = {0.0f, float(double(0.1f) * 1), float(double(0.1f) * 130),
                                       float(double(0.1f) * -125)};
  CHECK(out == le_bytes(expected));
  CHECK(out[12 + 3] == 0xC1);  // -12.5f = 0xC1480000: the sign and exponent byte is the last (little-endian)
}

TEST_CASE("quantize and dequantize refuse bad parameters", "[kernels]") {
  kernels::QuantizeParams q;
  q.count = 4, q.out_zp = 0, q.scale_bits = kernels::float_bits(0.0f);
  CHECK_THROWS_WITH(kernels::validate(q), Catch::Contains("quantize: scale_bits"));
  q.scale_bits = kernels::float_bits(std::nanf(""));
  CHECK_THROWS_AS(kernels::validate(q), Error);
  q.scale_bits = kernels::float_bits(0.5f), q.out_zp = 200;
  CHECK_THROWS_WITH(kernels::validate(q), Catch::Contains("quantize: out_zp"));
  q.out_zp = 0, q.rounding = 2;
  CHECK_THROWS_WITH(kernels::validate(q), Catch::Contains("quantize: rounding"));
  kernels::DequantizeParams d;
  d.count = 0, d.scale_bits = kernels::float_bits(0.5f);
  CHECK_THROWS_WITH(kernels::validate(d), Catch::Contains("dequantize: count"));
}
