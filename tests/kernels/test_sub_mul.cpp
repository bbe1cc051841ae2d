// SUB and MUL as TFLite Micro's int8 reference kernels compute them, checked
// by hand and against the int64 oracle (tests/kernels/oracle.h), with an
// operand repeating per channel or as a scalar.
#include <catch2/catch.hpp>

#include <random>
#include <vector>

#include "kernels/mul.h"
#include "kernels/prelu.h"
#include "kernels/squared_difference.h"
#include "kernels/requantize.h"
#include "kernels/sub.h"
#include "tests/kernels/oracle.h"

using namespace kiln;
using kernels::MulParams;
using kernels::SubParams;

namespace {
// Input scales 0.5 and 0.25, output scale 1.0 (as test_add.cpp's add).
SubParams half_quarter_one(int64_t count) {
  SubParams p;
  p.count = p.in1_count = p.in2_count = count;
  p.in1_mult = 1 << 30, p.in1_shift = 0;
  p.in2_mult = 1 << 30, p.in2_shift = -1;
  p.out_mult = 1 << 30, p.out_shift = -19;
  return p;
}
}  // namespace

TEST_CASE("sub: hand computed, rounding half away from zero", "[kernels]") {
  SubParams p = half_quarter_one(4);
  const std::vector<int8_t> a = {10, 3, -3, 1}, b = {8, 0, 0, -2};
  std::vector<int8_t> out(4);
  kernels::sub(p, a.data(), b.data(), out.data());
  // 10*0.5 - 8*0.25 = 3; 1.5 -> 2; -1.5 -> -2; 0.5 + 0.5 = 1.
  CHECK(out == std::vector<int8_t>{3, 2, -2, 1});
  // Swapped: the subtrahend is the second input.
  p.in1_shift = -1, p.in2_shift = 0;
  kernels::sub(p, b.data(), a.data(), out.data());
  // 8*0.25 - 10*0.5 = -3; -1.5 -> -2; 1.5 -> 2; -0.5 - 0.5 = -1.
  CHECK(out == std::vector<int8_t>{-3, -2, 2, -1});
}

TEST_CASE("sub: zero points, activation clamp and a per-channel second input", "[kernels]") {
  SubParams p = half_quarter_one(6);
  p.in2_count = 2, p.in1_zp = 10, p.in2_zp = -20, p.out_zp = 5;
  // Three pixels of two channels: b repeats every 2 elements.
  const std::vector<int8_t> a = {30, 30, 50, 50, -128, 127}, b = {-16, -24};
  std::vector<int8_t> out(6);
  kernels::sub(p, a.data(), b.data(), out.data());
  // (30-10)*0.5 - (-16+20)*0.25 = 9 -> 14; 10 - (-1) = 11 -> 16; 20 - 1 = 19 -> 24; 20 + 1 = 21 -> 26;
  // -69 - 1 = -70 -> -65; 58.5 + 1 = 59.5 -> 60 -> 65.
  CHECK(out == std::vector<int8_t>{14, 16, 24, 26, -65, 65});
  p.act_min = 0, p.act_max = 20;
  kernels::sub(p, a.data(), b.data(), out.data());
  CHECK(out == std::vector<int8_t>{14, 16, 20, 20, 0, 20});
}

TEST_CASE("sub: random parameters and a scalar first input agree with the int64 oracle", "[kernels]") {
  std::mt19937 rng(31);
  std::uniform_int_distribution<int> zp(-128, 127), shift(-31, 0), act(-128, 127);
  std::uniform_int_distribution<int32_t> mult(int32_t(1) << 30, INT32_MAX);
  for (int trial = 0; trial < 30; ++trial) {
    SubParams p;
    p.count = 240, p.in1_count = trial % 3 == 0 ? 1 : 240, p.in2_count = trial % 3 == 1 ? 8 : 240;
    p.in1_zp = zp(rng), p.in2_zp = zp(rng), p.out_zp = zp(rng);
    p.in1_mult = mult(rng), p.in2_mult = mult(rng), p.out_mult = mult(rng);
    p.in1_shift = shift(rng), p.in2_shift = shift(rng), p.out_shift = shift(rng);
    const int lo = act(rng), hi = act(rng);
    p.act_min = std::min(lo, hi), p.act_max = std::max(lo, hi);
    const auto a = test::random_i8(rng, size_t(p.in1_count)), b = test::random_i8(rng, size_t(p.in2_count));
    std::vector<int8_t> out(size_t(p.count));
    kernels::sub(p, a.data(), b.data(), out.data());
    for (int64_t i = 0; i < p.count; ++i) {
      const int64_t x = test::requant((a[size_t(i % p.in1_count)] - p.in1_zp) * (int64_t(1) << 20), p.in1_mult,
                                      p.in1_shift);
      const int64_t y = test::requant((b[size_t(i % p.in2_count)] - p.in2_zp) * (int64_t(1) << 20), p.in2_mult,
                                      p.in2_shift);
      REQUIRE(out[size_t(i)] == test::clamp8(test::requant(x - y, p.out_mult, p.out_shift) + p.out_zp, p.act_min,
                                             p.act_max));
    }
  }
}

TEST_CASE("mul: hand computed, with a multiplier above one", "[kernels]") {
  MulParams p;
  p.count = p.in1_count = p.in2_count = 4;
  // Scales 0.5 * 0.25 / 0.5 = 0.25 -> (2^30, -1): the rounding is the final
  // shift's, half away from zero.
  kernels::quantize_multiplier(0.25, &p.out_mult, &p.out_shift);
  const std::vector<int8_t> a = {6, -6, 5, 100}, b = {1, 1, -2, 100};
  std::vector<int8_t> out(4);
  kernels::mul(p, a.data(), b.data(), out.data());
  // 1.5 -> 2; -1.5 -> -2; -2.5 -> -3; 2500 saturates.
  CHECK(out == std::vector<int8_t>{2, -2, -3, 127});
  // 0.5 * 0.25 / 0.05 = 2.5: the shift is positive.
  kernels::quantize_multiplier(2.5, &p.out_mult, &p.out_shift);
  CHECK(p.out_shift == 2);
  p.in1_zp = 1, p.in2_zp = -1, p.out_zp = -10;
  kernels::mul(p, a.data(), b.data(), out.data());
  // (5*2)*2.5 = 25 -> 15; (-7*2)*2.5 = -35 -> -45; (4*-1)*2.5 = -10 -> -20; saturates.
  CHECK(out == std::vector<int8_t>{15, -45, -20, 127});
}

TEST_CASE("mul: a per-channel gate over every pixel agrees with the int64 oracle", "[kernels]") {
  std::mt19937 rng(32);
  MulParams p;
  p.count = 6 * 6 * 8, p.in1_count = p.count, p.in2_count = 8;
  p.in1_zp = 3, p.in2_zp = -128, p.out_zp = -5;
  kernels::quantize_multiplier(0.0078 * (1.0 / 256) / 0.0061, &p.out_mult, &p.out_shift);
  const auto x = test::random_i8(rng, size_t(p.count)), gate = test::random_i8(rng, 8);
  std::vector<int8_t> out(size_t(p.count));
  kernels::mul(p, x.data(), gate.data(), out.data());
  for (int64_t i = 0; i < p.count; ++i) {
    const int64_t product = int64_t(x[size_t(i)] - p.in1_zp) * (gate[size_t(i % 8)] - p.in2_zp);
    REQUIRE(out[size_t(i)] == test::clamp8(test::requant(product, p.out_mult, p.out_shift) + p.out_zp));
  }
  // The gate's channel c multiplies element i of channel i % 8 only: a gate
  // of zero points zeroes exactly its channel.
  std::vector<int8_t> zero_gate(8, 5);
  zero_gate[3] = -128;
  kernels::mul(p, x.data(), zero_gate.data(), out.data());
  for (int64_t i = 3; i < p.count; i += 8) REQUIRE(out[size_t(i)] == p.out_zp);
}

TEST_CASE("sub and mul: an operand that does not repeat whole, and other bad parameters, throw", "[kernels]") {
  int8_t x[6] = {}, out[6] = {};
  SubParams s = half_quarter_one(6);
  s.in2_count = 4;
  CHECK_THROWS_WITH(kernels::sub(s, x, x, out), Catch::Contains("sub: in2_count:"));
  s = half_quarter_one(6), s.in1_count = 0;
  CHECK_THROWS_WITH(kernels::sub(s, x, x, out), Catch::Contains("sub: in1_count:"));
  s = half_quarter_one(6), s.out_shift = 1;
  CHECK_THROWS_WITH(kernels::sub(s, x, x, out), Catch::Contains("sub: out_shift:"));
  MulParams m;
  m.count = 6, m.in1_count = 6, m.in2_count = 7, m.out_mult = 1 << 30;
  CHECK_THROWS_WITH(kernels::mul(m, x, x, out), Catch::Contains("mul: in2_count:"));
  m.in2_count = 3, m.in1_zp = 200;
  CHECK_THROWS_WITH(kernels::mul(m, x, x, out), Catch::Contains("mul: in1_zp:"));
}

TEST_CASE("prelu: the identity above zero, the slope per channel below it, as TFLite's two rescales", "[kernels]") {
  // s_in 0.1, s_alpha 0.01, s_out 0.1: x >= 0 stays x; below zero x * alpha * 0.01.
  kernels::PreluParams p;
  p.count = 4, p.alpha_count = 2, p.in_zp = -3, p.alpha_zp = 0, p.out_zp = 2;
  kernels::prelu_rescales(0.1, 0.01, 0.1, &p);
  CHECK(p.mult_identity == 1 << 30);
  CHECK(p.shift_identity == 1);
  const std::vector<int8_t> in = {-11, -11, 7, -15};  // x = -8, -8, 10, -12
  const std::vector<int8_t> alpha = {25, 50};         // slopes 0.25 and 0.5, one per channel
  std::vector<int8_t> out(4);
  kernels::prelu(p, in.data(), alpha.data(), out.data());
  CHECK(out == std::vector<int8_t>{0, -2, 12, -4});  // -2 + 2, -4 + 2, 10 + 2, -6 + 2

  // A scalar slope with a zero point, and a result past int8 clamped.
  p.alpha_count = 1, p.alpha_zp = 5;
  const std::vector<int8_t> scalar = {45};  // 40 steps of 0.01: 0.4
  const std::vector<int8_t> wide = {-128, 127, -13, -3};
  kernels::prelu_rescales(0.1, 0.01, 0.05, &p);  // the output scale halved: x >= 0 doubles
  kernels::prelu(p, wide.data(), scalar.data(), out.data());
  // -125 * 0.4 * 2 = -100 (+2); 130 * 2 = 260 clamps to 127; -10 * 0.8 = -8 (+2); 0 (+2).
  CHECK(out == std::vector<int8_t>{-98, 127, -6, 2});

  p.alpha_count = 3;
  CHECK_THROWS_WITH(kernels::validate(p), "prelu: alpha_count: 3 does not divide count 4 (an operand repeats whole)");
  p.alpha_count = 1, p.alpha_zp = 300;
  CHECK_THROWS_WITH(kernels::validate(p), Catch::StartsWith("prelu: alpha_zp:"));
}

TEST_CASE("squared_difference: TFLite's shifted, rescaled difference squared, worked by hand", "[kernels]") {
  // s1 = s2 = 0.1 and s_out = 0.5: both inputs rescale by 1/2 after the
  // left shift of 7 (x * 64), the square by 0.2^2 / (2^14 * 0.5).
  kernels::SquaredDifferenceParams p;
  p.count = 4, p.in1_count = 4, p.in2_count = 1, p.in1_zp = 1, p.in2_zp = -2, p.out_zp = -100;
  kernels::squared_difference_rescales(0.1, 0.1, 0.5, &p);
  CHECK(p.in1_mult == 1 << 30);
  CHECK(p.in1_shift == 0);
  const std::vector<int8_t> a = {1, 11, -9, 51}, b = {-2};  // a - 1: 0, 10, -10, 50 (reals 0, 1, -1, 5); b: 0
  std::vector<int8_t> out(4);
  kernels::squared_difference(p, a.data(), b.data(), out.data());
  // Squares 0, 1, 1, 25 in steps of 0.5: 0, 2, 2, 50, less 100.
  CHECK(out == std::vector<int8_t>{-100, -98, -98, -50});
  // Two scales: in2 at 0.2 (one step is two of in1's); (0.5 - 0.4)^2 = 0.01 rounds to 0 steps of 0.5, and a
  // square past int8 clamps.
  kernels::squared_difference_rescales(0.1, 0.2, 0.5, &p);
  const std::vector<int8_t> c = {6, 127, -128, 1}, d = {0};  // reals 0.5, 12.6, -12.9, 0 against 0.4
  p.in2_zp = -2;
  kernels::squared_difference(p, c.data(), d.data(), out.data());
  CHECK(out == std::vector<int8_t>{-100, 127, 127, -100});

  p.left_shift = 8;
  CHECK_THROWS_WITH(kernels::validate(p), "squared_difference: left_shift: must be in [0, 7], got 8");
}
