#include <catch2/catch.hpp>

#include <cmath>
#include <random>

#include "kernels/fixed_point.h"

#if __has_include(<gemmlowp/fixedpoint/fixedpoint.h>)
#include <gemmlowp/fixedpoint/fixedpoint.h>
#define KILN_HAVE_GEMMLOWP 1
#endif

using namespace kiln::kernels;

namespace {
double q(int32_t raw, int integer_bits) { return double(raw) / double(int64_t(1) << (31 - integer_bits)); }
int32_t to_q(double v, int integer_bits) { return int32_t(std::lround(v * double(int64_t(1) << (31 - integer_bits)))); }
}  // namespace

TEST_CASE("fixed_point: exp_on_negative_values is close to exp", "[kernels]") {
  CHECK(fixed_point::exp_on_negative_values(0, 5) == INT32_MAX);  // exp(0) = 1, saturated Q0
  for (double a : {-0.01, -0.25, -0.5, -1.0, -2.0, -3.7, -8.0, -15.5, -31.0}) {
    const double got = q(fixed_point::exp_on_negative_values(to_q(a, 5), 5), 0);
    INFO("a = " << a);
    CHECK(got == Approx(std::exp(a)).margin(2e-7 + 1e-6 * std::exp(a)));
  }
}

TEST_CASE("fixed_point: one_over_one_plus_x is close to 1/(1+x)", "[kernels]") {
  for (double x : {0.0, 0.1, 0.25, 0.5, 0.75, 0.999}) {
    const double got = q(fixed_point::one_over_one_plus_x_for_x_in_0_1(to_q(x, 0)), 0);
    INFO("x = " << x);
    CHECK(got == Approx(1.0 / (1.0 + x)).margin(1e-8));
  }
}

TEST_CASE("fixed_point: get_reciprocal normalizes and inverts", "[kernels]") {
  int bits = 0;
  // 2.5 in Q12.19: 1/2.5 = 0.4 = (1/1.25) / 2^1.
  const int32_t r = fixed_point::get_reciprocal(to_q(2.5, 12), 12, &bits);
  CHECK(bits == 1);
  CHECK(q(r, 0) == Approx(0.8).margin(1e-8));
  fixed_point::get_reciprocal(to_q(1.0, 12), 12, &bits);
  CHECK(bits == 0);
}

TEST_CASE("fixed_point: rescale and the saturating shift", "[kernels]") {
  CHECK(fixed_point::saturating_rounding_multiply_by_pot(3, 2) == 12);
  CHECK(fixed_point::saturating_rounding_multiply_by_pot(1 << 29, 2) == INT32_MAX);
  CHECK(fixed_point::saturating_rounding_multiply_by_pot(-(1 << 29), 2) == INT32_MIN);
  CHECK(fixed_point::saturating_rounding_multiply_by_pot(-3, -1) == -2);
  CHECK(fixed_point::rescale(INT32_MAX, 0, 12) == (1 << 19));  // 1.0 into Q12.19, rounded up
  CHECK(fixed_point::rounding_half_sum(INT32_MAX, INT32_MAX) == INT32_MAX);
  CHECK(fixed_point::rounding_half_sum(-3, 0) == -2);
}

#ifdef KILN_HAVE_GEMMLOWP
TEST_CASE("fixed_point: bit-exact with gemmlowp's fixedpoint.h", "[kernels]") {
  using F5 = gemmlowp::FixedPoint<int32_t, 5>;
  using F0 = gemmlowp::FixedPoint<int32_t, 0>;
  std::mt19937 rng(11);
  std::uniform_int_distribution<int32_t> neg(INT32_MIN + 1, 0);
  for (int i = 0; i < 200000; ++i) {
    const int32_t a = i < 1000 ? -i * 4099 : neg(rng);
    REQUIRE(fixed_point::exp_on_negative_values(a, 5) == gemmlowp::exp_on_negative_values(F5::FromRaw(a)).raw());
  }
  using F8 = gemmlowp::FixedPoint<int32_t, 8>;  // a format with the -32 clamp
  using F1 = gemmlowp::FixedPoint<int32_t, 1>;
  for (int i = 0; i < 50000; ++i) {
    const int32_t a = neg(rng);
    REQUIRE(fixed_point::exp_on_negative_values(a, 8) == gemmlowp::exp_on_negative_values(F8::FromRaw(a)).raw());
    REQUIRE(fixed_point::exp_on_negative_values(a, 1) == gemmlowp::exp_on_negative_values(F1::FromRaw(a)).raw());
  }
  std::uniform_int_distribution<int32_t> unit(0, INT32_MAX);
  for (int i = 0; i < 200000; ++i) {
    const int32_t x = i == 0 ? 0 : i == 1 ? INT32_MAX : unit(rng);
    REQUIRE(fixed_point::one_over_one_plus_x_for_x_in_0_1(x) ==
            gemmlowp::one_over_one_plus_x_for_x_in_0_1(F0::FromRaw(x)).raw());
  }
  std::uniform_int_distribution<int32_t> any(INT32_MIN, INT32_MAX);
  for (int i = 0; i < 100000; ++i) {
    const int32_t x = any(rng);
    REQUIRE(fixed_point::rescale(x, 0, 12) ==
            gemmlowp::Rescale<12>(F0::FromRaw(x)).raw());
    REQUIRE(fixed_point::rescale(x, 4, 2) ==
            gemmlowp::Rescale<2>(gemmlowp::FixedPoint<int32_t, 4>::FromRaw(x)).raw());
    REQUIRE(fixed_point::rounding_half_sum(x, INT32_MAX) == gemmlowp::RoundingHalfSum(x, INT32_MAX));
  }
}
#endif
