#include <catch2/catch.hpp>

#include <cmath>
#include <random>

#include "kernels/softmax.h"
#include "tests/kernels/oracle.h"

#if __has_include(<gemmlowp/fixedpoint/fixedpoint.h>)
#include <gemmlowp/fixedpoint/fixedpoint.h>
#define KILN_HAVE_GEMMLOWP 1
#endif

using namespace kiln;

TEST_CASE("softmax: scaling parameters as TFLite computes them", "[kernels]") {
  int32_t m = 0;
  int s = 0;
  // beta 1, input scale 0.1: 0.1 * 2^26 = 6710886.4 = 0.8 * 2^23.
  kernels::preprocess_softmax_scaling(1.0, 0.1, 5, &m, &s);
  CHECK(s == 23);
  CHECK(m == 1717986918);  // round(0.8 * 2^31)
  // radius = floor(31 * 2^26 / 2^23) = 248.
  CHECK(kernels::calculate_input_radius(5, 23) == 248);
  const auto p = kernels::make_softmax_params(1.0, 0.1, 2, 10);
  CHECK(p.diff_min == -248);
  CHECK(p.beta_mult == m);
  CHECK(p.beta_shift == 23);
  // A product not above one is refused, as TFLite's check does.
  CHECK_THROWS_WITH(kernels::preprocess_softmax_scaling(1.0, 1e-9, 5, &m, &s), Catch::Contains("softmax:"));
  // A huge product is capped at 2^31 - 1 = (2^31 - 1) * 2^(31 - 31), as
  // TFLite's unclamped QuantizeMultiplier gives it; the radius is then 0.
  kernels::preprocess_softmax_scaling(1e6, 1.0, 5, &m, &s);
  CHECK(m == INT32_MAX);
  CHECK(s == 31);
  CHECK(kernels::calculate_input_radius(5, 31) == 0);
}

TEST_CASE("softmax: one element, two equal elements, hand computed", "[kernels]") {
  auto p = kernels::make_softmax_params(1.0, 0.1, 1, 1);
  int8_t in1 = 33, out1 = 0;
  // exp(0) = 1 -> sum 1 -> quotient 256/256 -> 256 - 128 = 128, saturated to 127.
  kernels::softmax(p, &in1, &out1);
  CHECK(out1 == 127);
  p.depth = 2;
  const int8_t in2[2] = {-5, -5};
  int8_t out2[2] = {};
  // 0.5 each: 128 - 128 = 0.
  kernels::softmax(p, in2, out2);
  CHECK(out2[0] == 0);
  CHECK(out2[1] == 0);
}

TEST_CASE("softmax: differences below diff_min give -128 and leave the sum", "[kernels]") {
  // input scale 1, beta 1: 2^26 = 0.5 * 2^27, shift 27; radius = floor(31 * 2^26 / 2^27) = 15.
  CHECK(kernels::make_softmax_params(1.0, 1.0, 1, 3).diff_min == -15);
  // Scale 0.1 with diff_min narrowed to -10 (any value within the radius is valid).
  auto p = kernels::make_softmax_params(1.0, 0.1, 1, 4);
  p.diff_min = -10;
  const int8_t in[4] = {50, 45, 40, 39};  // differences 0, -5, -10 kept; -11 dropped
  int8_t out[4] = {};
  kernels::softmax(p, in, out);
  // Kept: e^0, e^-0.5, e^-1 sum to 1.97441; probabilities 0.50648, 0.30719, 0.18633;
  // times 256 minus 128: 1.66, -49.36, -80.30. Had -11 counted, the first would be -17.
  CHECK(std::abs(out[0] - 1.66) <= 1.0);
  CHECK(std::abs(out[1] + 49.36) <= 1.0);
  CHECK(std::abs(out[2] + 80.30) <= 1.0);
  CHECK(out[3] == -128);
}

TEST_CASE("softmax: close to the real softmax", "[kernels]") {
  std::mt19937 rng(31);
  for (double scale : {0.02, 0.0625, 0.15}) {
    const int rows = 8, depth = 10;
    const auto p = kernels::make_softmax_params(1.0, scale, rows, depth);
    const auto in = test::random_i8(rng, rows * depth, -100, 100);
    std::vector<int8_t> out(in.size());
    kernels::softmax(p, in.data(), out.data());
    for (int r = 0; r < rows; ++r) {
      double total = 0;
      for (int c = 0; c < depth; ++c) total += std::exp(scale * in[r * depth + c]);
      for (int c = 0; c < depth; ++c) {
        const double prob = std::exp(scale * in[r * depth + c]) / total;
        const double want = std::min(127.0, prob * 256 - 128);
        INFO("scale " << scale << " row " << r << " col " << c);
        REQUIRE(std::abs(out[r * depth + c] - want) <= 1.0);
      }
    }
  }
}

#ifdef KILN_HAVE_GEMMLOWP
namespace {
// TFLite's reference int8 softmax written with gemmlowp's own types.
std::vector<int8_t> softmax_with_gemmlowp(const kernels::SoftmaxParams& p, const std::vector<int8_t>& in) {
  using FD = gemmlowp::FixedPoint<int32_t, 5>;
  using FA = gemmlowp::FixedPoint<int32_t, 12>;
  using F0 = gemmlowp::FixedPoint<int32_t, 0>;
  std::vector<int8_t> out(in.size());
  for (int64_t r = 0; r < p.rows; ++r) {
    const int8_t* x = &in[r * p.depth];
    int max_v = -128;
    for (int c = 0; c < p.depth; ++c) max_v = std::max<int>(max_v, x[c]);
    auto scaled = [&](int c) {
      const int32_t d = x[c] - max_v;
      return FD::FromRaw(gemmlowp::SaturatingRoundingDoublingHighMul(d * (1 << p.beta_shift), p.beta_mult));
    };
    FA sum = FA::Zero();
    for (int c = 0; c < p.depth; ++c)
      if (x[c] - max_v >= p.diff_min) sum = sum + gemmlowp::Rescale<12>(gemmlowp::exp_on_negative_values(scaled(c)));
    const int headroom = __builtin_clz(uint32_t(sum.raw()));
    const int bits = 12 - headroom;
    const F0 scale = gemmlowp::one_over_one_plus_x_for_x_in_0_1(
        F0::FromRaw(int32_t((uint32_t(sum.raw()) << headroom) - (uint32_t(1) << 31))));
    for (int c = 0; c < p.depth; ++c) {
      if (x[c] - max_v < p.diff_min) {
        out[r * p.depth + c] = -128;
        continue;
      }
      const int32_t v =
          gemmlowp::RoundingDivideByPOT((scale * gemmlowp::exp_on_negative_values(scaled(c))).raw(), bits + 23);
      out[r * p.depth + c] = int8_t(std::min(127, std::max(-128, v - 128)));
    }
  }
  return out;
}
}  // namespace

TEST_CASE("softmax: bit-exact with the reference written on gemmlowp", "[kernels]") {
  std::mt19937 rng(37);
  for (double scale : {0.01, 0.05, 0.1, 0.25, 1.0}) {
    for (int depth : {2, 10, 100, 255}) {
      const int rows = 4;
      const auto p = kernels::make_softmax_params(1.0, scale, rows, depth);
      const auto in = test::random_i8(rng, size_t(rows) * depth);
      std::vector<int8_t> out(in.size());
      kernels::softmax(p, in.data(), out.data());
      INFO("scale " << scale << " depth " << depth);
      REQUIRE(out == softmax_with_gemmlowp(p, in));
    }
  }
}
#endif

TEST_CASE("softmax: long rows of equal values give -128 instead of aborting", "[kernels]") {
  // 4000 equal values: sum 4000, TFLite's exponent check would fail; the
  // exact quotient 256/4000 < 0.5 rounds to 0.
  auto p = kernels::make_softmax_params(1.0, 0.1, 1, 4000);
  std::vector<int8_t> in(4000, 7), out(4000);
  kernels::softmax(p, in.data(), out.data());
  CHECK(out.front() == -128);
  CHECK(out.back() == -128);
}

TEST_CASE("softmax: bad parameters throw", "[kernels]") {
  auto p = kernels::make_softmax_params(1.0, 0.1, 1, 4);
  int8_t in[4] = {}, out[4] = {};
  auto bad = p;
  bad.diff_min = 1;
  CHECK_THROWS_WITH(kernels::softmax(bad, in, out), Catch::Contains("softmax: diff_min:"));
  bad = p, bad.diff_min = -1000;  // beyond the radius 248 of this shift
  CHECK_THROWS_WITH(kernels::softmax(bad, in, out), Catch::Contains("softmax: diff_min:"));
  bad = p, bad.depth = 5000;
  CHECK_THROWS_WITH(kernels::softmax(bad, in, out), Catch::Contains("softmax: depth:"));
  bad = p, bad.beta_shift = -1;
  CHECK_THROWS_WITH(kernels::softmax(bad, in, out), Catch::Contains("softmax: beta_shift:"));
}
