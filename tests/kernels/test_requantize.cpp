#include <catch2/catch.hpp>

#include <limits>
#include <random>

#include "kernels/requantize.h"
#include "tests/kernels/oracle.h"

using namespace kiln;

TEST_CASE("requantize: known values of multiply_by_quantized_multiplier", "[kernels]") {
  const int32_t half = 1 << 30;  // 0.5 in Q31
  // 3 * 0.5 = 1.5: the high multiply rounds the tie up to 2.
  CHECK(kernels::multiply_by_quantized_multiplier(3, half, 0) == 2);
  // -3 * 0.5 = -1.5: gemmlowp's high multiply rounds ties towards +infinity,
  // so TFLite gives -1 here (not -2).
  CHECK(kernels::multiply_by_quantized_multiplier(-3, half, 0) == -1);
  // -6 * 0.5 = -3 exactly, then / 2 = -1.5: the rounding shift goes away from zero.
  CHECK(kernels::multiply_by_quantized_multiplier(-6, half, -1) == -2);
  CHECK(kernels::multiply_by_quantized_multiplier(6, half, -1) == 2);
  // Double rounding: 5 * 0.5 = 2.5 -> 3, then 3 / 2 = 1.5 -> 2 (true value 1.25).
  CHECK(kernels::multiply_by_quantized_multiplier(5, half, -1) == 2);
  // -5 * 0.5 = -2.5 -> -2 (tie up), then -2 / 2 = -1 (true value -1.25).
  CHECK(kernels::multiply_by_quantized_multiplier(-5, half, -1) == -1);
  // A left shift: 100 * 2^3 * 0.5 = 400.
  CHECK(kernels::multiply_by_quantized_multiplier(100, half, 3) == 400);
  // 1000 * 0.75 / 2^4 = 46.875 -> 47
  CHECK(kernels::multiply_by_quantized_multiplier(1000, 3 << 29, -4) == 47);
  CHECK(kernels::multiply_by_quantized_multiplier(-1000, 3 << 29, -4) == -47);
  // The one saturating case of the high multiply.
  CHECK(kernels::saturating_rounding_doubling_high_mul(INT32_MIN, INT32_MIN) == INT32_MAX);
}

TEST_CASE("requantize: rounding_divide_by_pot rounds half away from zero", "[kernels]") {
  CHECK(kernels::rounding_divide_by_pot(3, 1) == 2);     // 1.5
  CHECK(kernels::rounding_divide_by_pot(-3, 1) == -2);   // -1.5
  CHECK(kernels::rounding_divide_by_pot(-5, 2) == -1);   // -1.25
  CHECK(kernels::rounding_divide_by_pot(-6, 2) == -2);   // -1.5
  CHECK(kernels::rounding_divide_by_pot(5, 2) == 1);     // 1.25
  CHECK(kernels::rounding_divide_by_pot(7, 0) == 7);
  CHECK(kernels::rounding_divide_by_pot(INT32_MAX, 31) == 1);
  CHECK(kernels::rounding_divide_by_pot(INT32_MIN, 31) == -1);
}

TEST_CASE("requantize: multiply_by_quantized_multiplier agrees with the int64 definition", "[kernels]") {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int32_t> acc(-(1 << 24), 1 << 24);
  std::uniform_int_distribution<int32_t> mult(1 << 30, INT32_MAX);
  std::uniform_int_distribution<int> shift(-31, 0);
  for (int i = 0; i < 20000; ++i) {
    const int32_t x = acc(rng), m = mult(rng);
    const int s = shift(rng);
    REQUIRE(kernels::multiply_by_quantized_multiplier(x, m, s) == test::requant(x, m, s));
  }
  for (int s = 1; s <= 6; ++s)
    for (int32_t x : {-12345, -1, 0, 1, 99999})
      REQUIRE(kernels::multiply_by_quantized_multiplier(x, 1518500250, s) == test::requant(x, 1518500250, s));
}

TEST_CASE("requantize: quantize_multiplier represents the scale", "[kernels]") {
  int32_t m = 0;
  int s = 0;
  kernels::quantize_multiplier(0.5, &m, &s);
  CHECK(m == (1 << 30));
  CHECK(s == 0);
  kernels::quantize_multiplier(0.75, &m, &s);  // 0.75 = 0.75 * 2^0
  CHECK(m == (3 << 29));
  CHECK(s == 0);
  kernels::quantize_multiplier(3.0, &m, &s);  // 0.75 * 2^2
  CHECK(m == (3 << 29));
  CHECK(s == 2);
  kernels::quantize_multiplier(1.0 / 1024, &m, &s);  // 0.5 * 2^-9
  CHECK(m == (1 << 30));
  CHECK(s == -9);
  kernels::quantize_multiplier(0.0, &m, &s);
  CHECK(m == 0);
}

TEST_CASE("requantize: near the int32 limits the zero point add wraps as TFLite's int32 add does", "[kernels]") {
  // An absurd scale saturates the multiplier (INT32_MAX, shift 30): 2 << 30
  // wraps to INT32_MIN, scaled to -(2^31 - 1); adding the zero point -128
  // wraps to 2^31 - 129, which clamps to act_max. The NPU's post-processing
  // unit computes the same (sim/post_process_unit.cpp).
  CHECK(kernels::multiply_by_quantized_multiplier(2, INT32_MAX, 30) == -INT32_MAX);
  CHECK(int(kernels::requantize_accumulator(2, INT32_MAX, 30, -128, -128, 127)) == 127);
  CHECK(int(kernels::add_zero_point_and_clamp(INT32_MAX, 127, -128, 127)) == -128);
  CHECK(int(kernels::add_zero_point_and_clamp(INT32_MIN, -128, -128, 127)) == 127);
  CHECK(int(kernels::add_zero_point_and_clamp(-5, 3, -128, 127)) == -2);
  CHECK(kernels::wrapping_add(INT32_MAX, 1) == INT32_MIN);
}
