#include <catch2/catch.hpp>

#include <random>

#include "kernels/add.h"
#include "kernels/requantize.h"
#include "tests/kernels/oracle.h"

using namespace kiln;
using kernels::AddParams;

namespace {
// Input scales 0.5 and 0.25, output scale 1.0, as TFLite's Prepare derives
// them: twice_max = 1.0; m1 = 0.5 -> (2^30, 0); m2 = 0.25 -> (2^30, -1);
// m_out = 1.0 / 2^20 -> (2^30, -19).
AddParams half_quarter_one() {
  AddParams p;
  p.left_shift = 20;
  p.in1_mult = 1 << 30, p.in1_shift = 0;
  p.in2_mult = 1 << 30, p.in2_shift = -1;
  p.out_mult = 1 << 30, p.out_shift = -19;
  return p;
}
}  // namespace

TEST_CASE("add: hand computed, with rounding half away from zero", "[kernels]") {
  AddParams p = half_quarter_one();
  const std::vector<int8_t> a = {10, 3, -3, 1}, b = {8, 0, 0, 2};
  p.count = 4;
  std::vector<int8_t> out(4);
  kernels::add(p, a.data(), b.data(), out.data());
  // 10*0.5 + 8*0.25 = 7; 1.5 -> 2; -1.5 -> -2; 0.5 + 0.5 = 1.
  CHECK(out == std::vector<int8_t>{7, 2, -2, 1});
}

TEST_CASE("add: zero points, saturation and activation clamp", "[kernels]") {
  AddParams p = half_quarter_one();
  p.count = 3, p.in1_zp = 10, p.in2_zp = -20, p.out_zp = 5;
  // (30-10)*0.5 + (-16+20)*0.25 = 11 -> 16; (127-10)*0.5 + (127+20)*0.25 = 95.25 -> 100;
  // (-128-10)*0.5 + (-128+20)*0.25 = -96 -> -91.
  const std::vector<int8_t> a = {30, 127, -128}, b = {-16, 127, -128};
  std::vector<int8_t> out(3);
  kernels::add(p, a.data(), b.data(), out.data());
  CHECK(out == std::vector<int8_t>{16, 100, -91});
  p.out_zp = 60;  // pushes the second past 127
  kernels::add(p, a.data(), b.data(), out.data());
  CHECK(out[1] == 127);
  p.out_zp = 5, p.act_min = 0, p.act_max = 50;
  kernels::add(p, a.data(), b.data(), out.data());
  CHECK(out == std::vector<int8_t>{16, 50, 0});
}

TEST_CASE("add: parameters from real scales agree with the int64 oracle", "[kernels]") {
  std::mt19937 rng(21);
  const double s1 = 0.0371, s2 = 0.0523, so = 0.0797;
  const double twice_max = 2 * std::max(s1, s2);
  AddParams p;
  p.left_shift = 20, p.in1_zp = -3, p.in2_zp = 17, p.out_zp = -9;
  kernels::quantize_multiplier(s1 / twice_max, &p.in1_mult, &p.in1_shift);
  kernels::quantize_multiplier(s2 / twice_max, &p.in2_mult, &p.in2_shift);
  kernels::quantize_multiplier(twice_max / ((1 << 20) * so), &p.out_mult, &p.out_shift);
  const auto a = test::random_i8(rng, 5000), b = test::random_i8(rng, 5000);
  p.count = 5000;
  std::vector<int8_t> out(5000);
  kernels::add(p, a.data(), b.data(), out.data());
  for (size_t i = 0; i < a.size(); ++i) {
    const int64_t x = test::requant((a[i] - p.in1_zp) * (int64_t(1) << 20), p.in1_mult, p.in1_shift);
    const int64_t y = test::requant((b[i] - p.in2_zp) * (int64_t(1) << 20), p.in2_mult, p.in2_shift);
    const int8_t want = test::clamp8(test::requant(x + y, p.out_mult, p.out_shift) + p.out_zp);
    REQUIRE(out[i] == want);
    // And within one step of the real-valued sum.
    const double real = s1 * (a[i] - p.in1_zp) + s2 * (b[i] - p.in2_zp);
    const double q = std::min(127.0, std::max(-128.0, real / so + p.out_zp));
    REQUIRE(std::abs(out[i] - q) <= 1.0);
  }
}

TEST_CASE("add: bad parameters throw", "[kernels]") {
  AddParams p = half_quarter_one();
  p.count = 1;
  int8_t x = 0, out = 0;
  p.in2_shift = 3;
  CHECK_THROWS_WITH(kernels::add(p, &x, &x, &out), Catch::Contains("add: in2_shift:"));
  p = half_quarter_one(), p.count = 1, p.left_shift = 31;
  CHECK_THROWS_WITH(kernels::add(p, &x, &x, &out), Catch::Contains("add: left_shift:"));
  p = half_quarter_one(), p.count = 0;
  CHECK_THROWS_WITH(kernels::add(p, &x, &x, &out), Catch::Contains("add: count:"));
}

TEST_CASE("add: a long tensor (rescaled through tables) equals the same elements added one at a time", "[kernels]") {
  std::mt19937 rng(5);
  std::uniform_int_distribution<int> zp(-128, 127), shift(-31, 0), left(0, 22), act(-128, 127);
  std::uniform_int_distribution<int32_t> mult(int32_t(1) << 30, INT32_MAX);
  for (int trial = 0; trial < 50; ++trial) {
    AddParams p;
    p.left_shift = left(rng);
    p.in1_zp = zp(rng), p.in2_zp = zp(rng), p.out_zp = zp(rng);
    p.in1_mult = mult(rng), p.in2_mult = mult(rng), p.out_mult = mult(rng);
    p.in1_shift = shift(rng), p.in2_shift = shift(rng), p.out_shift = shift(rng);
    const int lo = act(rng), hi = act(rng);
    p.act_min = std::min(lo, hi), p.act_max = std::max(lo, hi);
    const auto a = test::random_i8(rng, 1000), b = test::random_i8(rng, 1000);
    p.count = 1000;
    std::vector<int8_t> out(1000);
    kernels::add(p, a.data(), b.data(), out.data());
    AddParams one = p;
    one.count = 1;
    for (size_t i = 0; i < a.size(); ++i) {
      int8_t want = 0;
      kernels::add(one, &a[i], &b[i], &want);
      REQUIRE(out[i] == want);
    }
  }
}
