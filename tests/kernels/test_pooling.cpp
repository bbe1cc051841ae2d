#include <catch2/catch.hpp>

#include <random>

#include "kernels/avg_pool.h"
#include "kernels/max_pool.h"
#include "tests/kernels/oracle.h"

using namespace kiln;
using kernels::PoolParams;

namespace {
PoolParams global2x2() {
  PoolParams p;
  p.in_h = p.in_w = 2, p.c = 1, p.out_h = p.out_w = 1, p.kh = p.kw = 2;
  return p;
}
int8_t avg_of(std::vector<int8_t> v) {
  int8_t out = 0;
  kernels::avg_pool(global2x2(), v.data(), &out);
  return out;
}
}  // namespace

TEST_CASE("avg_pool: rounding of the division, hand computed", "[kernels]") {
  CHECK(avg_of({1, 2, 3, 5}) == 3);       // 11/4 = 2.75
  CHECK(avg_of({-1, -2, -3, -5}) == -3);  // -2.75
  CHECK(avg_of({1, 1, 0, 0}) == 1);       // 0.5 rounds away from zero
  CHECK(avg_of({-1, -1, 0, 0}) == -1);    // -0.5 rounds away from zero
  CHECK(avg_of({1, 0, 0, 0}) == 0);       // 0.25
  CHECK(avg_of({127, 127, 127, 126}) == 127);
}

TEST_CASE("avg_pool: padding is not counted, clamps apply", "[kernels]") {
  PoolParams p;
  p.in_h = p.in_w = 2, p.c = 2, p.out_h = p.out_w = 2, p.kh = p.kw = 2, p.stride_h = p.stride_w = 1;
  p.pad_top = p.pad_left = 1;
  // Channel 0: 10, 20 / 30, 40; channel 1: -10, -20 / -30, -40.
  const std::vector<int8_t> in = {10, -10, 20, -20, 30, -30, 40, -40};
  std::vector<int8_t> out(8);
  kernels::avg_pool(p, in.data(), out.data());
  // (0,0) sees only 10; (0,1) 10, 20; (1,0) 10, 30; (1,1) all four.
  CHECK(out == std::vector<int8_t>{10, -10, 15, -15, 20, -20, 25, -25});
  p.act_min = -12, p.act_max = 18;
  kernels::avg_pool(p, in.data(), out.data());
  CHECK(out == std::vector<int8_t>{10, -10, 15, -12, 18, -12, 18, -12});
}

TEST_CASE("max_pool: padding never wins, clamps apply", "[kernels]") {
  PoolParams p;
  p.in_h = p.in_w = 3, p.c = 1, p.out_h = p.out_w = 2, p.kh = p.kw = 3, p.stride_h = p.stride_w = 2;
  p.pad_top = p.pad_left = 1;
  const std::vector<int8_t> in = {-50, -40, -30, -20, -10, -60, -70, -80, -90};
  std::vector<int8_t> out(4);
  kernels::max_pool(p, in.data(), out.data());
  // Windows rows/cols: (0..1,0..1), (0..1,1..2), (1..2,0..1), (1..2,1..2).
  CHECK(out == std::vector<int8_t>{-10, -10, -10, -10});
  p.stride_h = p.stride_w = 2, p.kh = p.kw = 2, p.pad_top = p.pad_left = 0, p.out_h = p.out_w = 2;
  kernels::max_pool(p, in.data(), out.data());
  // (0,1) is clipped to column 2: max(-30, -60); (1,0) to row 2: max(-70, -80).
  CHECK(out == std::vector<int8_t>{-10, -30, -70, -90});
  p.act_min = -60, p.act_max = -15;
  kernels::max_pool(p, in.data(), out.data());
  CHECK(out == std::vector<int8_t>{-15, -30, -60, -60});
}

TEST_CASE("pooling: random shapes agree with direct window loops", "[kernels]") {
  std::mt19937 rng(17);
  for (int trial = 0; trial < 20; ++trial) {
    PoolParams p;
    p.batches = 1 + trial % 2, p.in_h = 5 + trial % 4, p.in_w = 4 + trial % 5, p.c = 1 + trial % 3;
    p.kh = 2 + trial % 2, p.kw = 3, p.stride_h = 1 + trial % 2, p.stride_w = 2;
    p.pad_top = trial % 2, p.pad_left = 1;
    p.out_h = (p.in_h + p.pad_top - 1) / p.stride_h + 1, p.out_w = (p.in_w + p.pad_left - 1) / p.stride_w + 1;
    const auto in = test::random_i8(rng, size_t(p.batches) * p.in_h * p.in_w * p.c);
    std::vector<int8_t> avg(size_t(p.batches) * p.out_h * p.out_w * p.c), mx(avg.size());
    kernels::avg_pool(p, in.data(), avg.data());
    kernels::max_pool(p, in.data(), mx.data());
    size_t i = 0;
    for (int b = 0; b < p.batches; ++b)
      for (int oy = 0; oy < p.out_h; ++oy)
        for (int ox = 0; ox < p.out_w; ++ox)
          for (int c = 0; c < p.c; ++c, ++i) {
            int sum = 0, n = 0, best = -1000;
            for (int ky = 0; ky < p.kh; ++ky)
              for (int kx = 0; kx < p.kw; ++kx) {
                const int y = oy * p.stride_h - p.pad_top + ky, x = ox * p.stride_w - p.pad_left + kx;
                if (y < 0 || y >= p.in_h || x < 0 || x >= p.in_w) continue;
                const int v = in[((size_t(b) * p.in_h + y) * p.in_w + x) * p.c + c];
                sum += v, ++n, best = std::max(best, v);
              }
            // Round half away from zero, written with the absolute value.
            const int q = (std::abs(sum) * 2 + n) / (2 * n);
            REQUIRE(avg[i] == (sum < 0 ? -q : q));
            REQUIRE(mx[i] == best);
          }
  }
}

TEST_CASE("pooling: a window entirely in the padding is rejected", "[kernels]") {
  PoolParams p = global2x2();
  p.pad_top = 2;
  int8_t in[4] = {}, out = 0;
  CHECK_THROWS_WITH(kernels::avg_pool(p, in, &out), Catch::Contains("avg_pool: pad_top:"));
  p = global2x2();
  p.out_w = 3;
  CHECK_THROWS_WITH(kernels::max_pool(p, in, &out), Catch::Contains("max_pool: out_w:"));
}
