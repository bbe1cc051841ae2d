#include <catch2/catch.hpp>

#include <random>

#include "kernels/mean.h"
#include "kernels/requantize.h"
#include "tests/kernels/oracle.h"

using namespace kiln;
using kernels::MeanParams;

namespace {
MeanParams unit_scale(int h, int w, int c) {
  MeanParams p;
  p.h = h, p.w = w, p.c = c;
  p.mult = 1 << 30, p.shift = 1;  // input_scale / output_scale = 1.0
  return p;
}
}  // namespace

TEST_CASE("mean: hand computed, 1/n folded into the multiplier", "[kernels]") {
  MeanParams p = unit_scale(2, 2, 1);
  std::vector<int8_t> in = {1, 2, 3, 4};
  int8_t out = 0;
  // n = 4: k = 2, mult' = 2^30 << 2 / 4 = 2^30, shift' = -1: 10 -> 5 -> 2.5 -> 3.
  kernels::mean(p, in.data(), &out);
  CHECK(out == 3);
  // in_zp 2: real -1, 0, 1, 2, sum 2 -> 0.5 -> 1; out_zp -3 -> -2.
  p.in_zp = 2, p.out_zp = -3;
  kernels::mean(p, in.data(), &out);
  CHECK(out == -2);
  // n = 3: k = 1, mult' = (2^31) / 3 = 715827882, shift' = 0: 10 * 0.33333 = 3.33 -> 3.
  MeanParams q = unit_scale(3, 1, 1);
  std::vector<int8_t> in3 = {2, 3, 5};
  int32_t m = 0;
  int s = 0;
  kernels::mean_folded_multiplier(q, &m, &s);
  CHECK(m == 715827882);
  CHECK(s == 0);
  kernels::mean(q, in3.data(), &out);
  CHECK(out == 3);
}

TEST_CASE("mean: channels are independent, output saturates", "[kernels]") {
  MeanParams p = unit_scale(1, 2, 2);
  p.mult = 1 << 30, p.shift = 3;  // scale 4.0
  const std::vector<int8_t> in = {100, -100, 60, -60};  // channel means 80 and -80
  std::vector<int8_t> out(2);
  kernels::mean(p, in.data(), out.data());
  CHECK(out == std::vector<int8_t>{127, -128});
}

TEST_CASE("mean: random tensors agree with the int64 oracle and the real mean", "[kernels]") {
  std::mt19937 rng(23);
  for (int trial = 0; trial < 12; ++trial) {
    MeanParams p;
    p.batches = 1 + trial % 2, p.h = 1 + trial % 7, p.w = 3 + trial % 5, p.c = 1 + trial % 4;
    p.in_zp = int(rng() % 61) - 30, p.out_zp = int(rng() % 41) - 20;
    const double si = 0.02 + 0.001 * trial, so = 0.015 + 0.002 * trial;
    kernels::quantize_multiplier(si / so, &p.mult, &p.shift);
    const auto in = test::random_i8(rng, size_t(p.batches) * p.h * p.w * p.c);
    std::vector<int8_t> out(size_t(p.batches) * p.c);
    kernels::mean(p, in.data(), out.data());
    const int64_t n = int64_t(p.h) * p.w;
    int k = 0;
    while ((int64_t(1) << (k + 1)) <= n) ++k;
    k = std::min({k, 32, 31 + p.shift});
    const int32_t m = int32_t((int64_t(p.mult) << k) / n);
    for (int b = 0; b < p.batches; ++b)
      for (int c = 0; c < p.c; ++c) {
        int64_t sum = 0;
        for (int64_t i = 0; i < n; ++i) sum += in[(b * n + i) * p.c + c] - p.in_zp;
        const int8_t got = out[b * p.c + c];
        INFO("trial " << trial << " c " << c);
        REQUIRE(got == test::clamp8(test::requant(sum, m, p.shift - k) + p.out_zp));
        const double real = si * double(sum) / double(n) / so + p.out_zp;
        REQUIRE(std::abs(got - std::min(127.0, std::max(-128.0, real))) <= 1.0);
      }
  }
}

TEST_CASE("mean: bad parameters throw", "[kernels]") {
  MeanParams p = unit_scale(2, 2, 1);
  p.shift = -40;
  int8_t in[4] = {}, out = 0;
  CHECK_THROWS_WITH(kernels::mean(p, in, &out), Catch::Contains("mean: shift:"));
  p = unit_scale(2, 0, 1);
  CHECK_THROWS_WITH(kernels::mean(p, in, &out), Catch::Contains("mean: w:"));
}
