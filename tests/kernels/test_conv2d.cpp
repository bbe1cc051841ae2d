#include <catch2/catch.hpp>

#include <random>

#include "arch/error.h"
#include "kernels/conv2d.h"
#include "tests/kernels/oracle.h"

using namespace kiln;
using kernels::Conv2dParams;

namespace {
const int32_t kHalf = 1 << 30;  // 0.5 in Q31; with shift 1 the scale is 1.0
}

TEST_CASE("conv2d: 2x2 box filter, hand computed", "[kernels]") {
  Conv2dParams p;
  p.in_h = p.in_w = 3, p.in_c = 1, p.out_h = p.out_w = 2, p.out_c = 1, p.kh = p.kw = 2;
  p.out_zp = 3;
  const std::vector<int8_t> in = {1, 2, 3, 4, 5, 6, 7, 8, 9}, w = {1, 1, 1, 1};
  const int32_t mult = kHalf, shift = 0;  // scale 0.5
  std::vector<int8_t> out(4);
  kernels::conv2d(p, in.data(), w.data(), nullptr, &mult, &shift, out.data());
  // Window sums 12, 16, 24, 28; halved 6, 8, 12, 14; plus out_zp 3.
  CHECK(out == std::vector<int8_t>{9, 11, 15, 17});
}

TEST_CASE("conv2d: padding reads the input zero point", "[kernels]") {
  Conv2dParams p;
  p.in_h = p.in_w = 2, p.in_c = 1, p.out_h = p.out_w = 2, p.out_c = 1, p.kh = p.kw = 3;
  p.pad_top = p.pad_left = 1;
  p.in_zp = 5;
  const std::vector<int8_t> in = {6, 7, 8, 9};  // real values 1, 2, 3, 4
  const std::vector<int8_t> w(9, 1);
  const int32_t bias = 7, mult = kHalf, shift = 1;  // scale 1.0
  std::vector<int8_t> out(4);
  kernels::conv2d(p, in.data(), w.data(), &bias, &mult, &shift, out.data());
  // Each 3x3 window covers the whole 2x2 image: 1+2+3+4 = 10, plus bias 7. Padding
  // taken as raw 0 instead of the zero point would add 5 * (0 - 5) = -25.
  CHECK(out == std::vector<int8_t>{17, 17, 17, 17});
}

TEST_CASE("conv2d: saturation and activation clamps", "[kernels]") {
  Conv2dParams p;
  p.in_h = p.in_w = 1, p.in_c = 2, p.out_h = p.out_w = 1, p.out_c = 3;
  const std::vector<int8_t> in = {100, 100}, w = {1, 1, -1, -1, 0, 1};
  const std::vector<int32_t> mult(3, kHalf), shift(3, 1);
  std::vector<int8_t> out(3);
  kernels::conv2d(p, in.data(), w.data(), nullptr, mult.data(), shift.data(), out.data());
  CHECK(out == std::vector<int8_t>{127, -128, 100});  // 200 and -200 saturate
  p.act_min = 0, p.act_max = 60;  // a fused ReLU-N
  kernels::conv2d(p, in.data(), w.data(), nullptr, mult.data(), shift.data(), out.data());
  CHECK(out == std::vector<int8_t>{60, 0, 60});
}

TEST_CASE("conv2d: stride 2, dilation 2, per-channel scales, batches agree with the padded oracle", "[kernels]") {
  std::mt19937 rng(3);
  for (int trial = 0; trial < 20; ++trial) {
    test::ConvShape s;
    s.n = 1 + trial % 2;
    s.in_h = 7 + trial % 3, s.in_w = 6 + trial % 4, s.in_c = 1 + trial % 5, s.out_c = 1 + (trial * 7) % 6;
    s.kh = 3, s.kw = 1 + trial % 3, s.sh = 2, s.sw = 1 + trial % 2, s.dh = 2, s.dw = 1 + (trial / 2) % 2;
    s.pt = trial % 3, s.pl = s.kw > 1 ? trial % 2 : 0;
    // Largest output that keeps the last window overlapping the input.
    s.out_h = (s.in_h + s.pt - 1) / s.sh + 1;
    s.out_w = (s.in_w + s.pl - 1) / s.sw + 1;
    const int in_zp = int(rng() % 41) - 20, out_zp = int(rng() % 21) - 10;
    const auto in = test::random_i8(rng, size_t(s.n) * s.in_h * s.in_w * s.in_c);
    const auto w = test::random_i8(rng, size_t(s.out_c) * s.kh * s.kw * s.in_c, -127, 127);
    const auto bias = test::random_i32(rng, s.out_c, -5000, 5000);
    const auto mult = test::random_i32(rng, s.out_c, 1 << 30, INT32_MAX);
    const auto shift = test::random_i32(rng, s.out_c, -10, -6);
    Conv2dParams p;
    p.batches = s.n, p.in_h = s.in_h, p.in_w = s.in_w, p.in_c = s.in_c, p.out_h = s.out_h, p.out_w = s.out_w;
    p.out_c = s.out_c, p.kh = s.kh, p.kw = s.kw, p.stride_h = s.sh, p.stride_w = s.sw, p.dil_h = s.dh, p.dil_w = s.dw;
    p.pad_top = s.pt, p.pad_left = s.pl, p.in_zp = in_zp, p.out_zp = out_zp, p.act_min = -100, p.act_max = 120;
    std::vector<int8_t> out(size_t(s.n) * s.out_h * s.out_w * s.out_c);
    const bool with_bias = trial % 4 != 0;
    kernels::conv2d(p, in.data(), w.data(), with_bias ? bias.data() : nullptr, mult.data(), shift.data(), out.data());
    INFO("trial " << trial);
    REQUIRE(out == test::conv_oracle(s, in, w, with_bias ? &bias : nullptr, mult, shift, in_zp, out_zp, -100, 120));
  }
}

TEST_CASE("conv2d: layers larger than one block of the implicit GEMM agree with the padded oracle", "[kernels]") {
  // 256 output channels on 64-wide rows: about 64 KiB of int32 sums per
  // output row, so 40 rows take three blocks; a 1x1 layer (the input read in
  // place) and a padded 3x3 one, two batches each.
  std::mt19937 rng(5);
  for (int kernel : {1, 3}) {
    test::ConvShape s;
    s.n = 2, s.in_h = s.out_h = 40, s.in_w = s.out_w = 64, s.in_c = 8, s.out_c = 256;
    s.kh = s.kw = kernel, s.pt = s.pl = kernel / 2;
    const int in_zp = -7, out_zp = 3;
    const auto in = test::random_i8(rng, size_t(s.n) * s.in_h * s.in_w * s.in_c);
    const auto w = test::random_i8(rng, size_t(s.out_c) * s.kh * s.kw * s.in_c, -127, 127);
    const auto bias = test::random_i32(rng, s.out_c, -5000, 5000);
    const auto mult = test::random_i32(rng, s.out_c, 1 << 30, INT32_MAX);
    const auto shift = test::random_i32(rng, s.out_c, -10, -6);
    Conv2dParams p;
    p.batches = s.n, p.in_h = s.in_h, p.in_w = s.in_w, p.in_c = s.in_c, p.out_h = s.out_h, p.out_w = s.out_w;
    p.out_c = s.out_c, p.kh = s.kh, p.kw = s.kw, p.pad_top = s.pt, p.pad_left = s.pl, p.in_zp = in_zp, p.out_zp = out_zp;
    std::vector<int8_t> out(size_t(s.n) * s.out_h * s.out_w * s.out_c);
    kernels::conv2d(p, in.data(), w.data(), bias.data(), mult.data(), shift.data(), out.data());
    INFO("kernel " << kernel);
    REQUIRE(out == test::conv_oracle(s, in, w, &bias, mult, shift, in_zp, out_zp, -128, 127));
  }
}

TEST_CASE("conv2d: bad parameters throw naming the op and the parameter", "[kernels]") {
  Conv2dParams p;
  p.in_h = p.in_w = 4, p.in_c = 1, p.out_h = p.out_w = 4, p.out_c = 1;
  std::vector<int8_t> in(16), w(1), out(16);
  const int32_t mult = kHalf, shift = 0;
  auto run = [&] { kernels::conv2d(p, in.data(), w.data(), nullptr, &mult, &shift, out.data()); };
  REQUIRE_NOTHROW(run());
  auto bad = [&](auto edit, const char* message) {
    Conv2dParams saved = p;
    edit(p);
    CHECK_THROWS_WITH(run(), Catch::Contains(message));
    p = saved;
  };
  bad([](Conv2dParams& q) { q.stride_h = 0; }, "conv2d: stride_h: must be in [1,");
  bad([](Conv2dParams& q) { q.out_w = 5; }, "conv2d: out_w:");
  bad([](Conv2dParams& q) { q.pad_top = 1; }, "conv2d: pad_top:");
  bad([](Conv2dParams& q) { q.in_zp = 300; }, "conv2d: in_zp:");
  bad([](Conv2dParams& q) { q.act_min = 10, q.act_max = 5; }, "conv2d: act_min:");
  bad([](Conv2dParams& q) { q.in_c = 0; }, "conv2d: in_c:");
  const int32_t bad_shift = 40;
  CHECK_THROWS_AS(kernels::conv2d(p, in.data(), w.data(), nullptr, &mult, &bad_shift, out.data()), Error);
  CHECK_THROWS_WITH(kernels::conv2d(p, in.data(), w.data(), nullptr, &mult, &bad_shift, out.data()),
                    Catch::Contains("conv2d: shift: channel 0"));
}
