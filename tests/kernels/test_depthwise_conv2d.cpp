#include <catch2/catch.hpp>

#include <random>

#include "kernels/depthwise_conv2d.h"
#include "tests/kernels/oracle.h"

using namespace kiln;
using kernels::DepthwiseConv2dParams;

TEST_CASE("depthwise_conv2d: depth multiplier 2 orders outputs ic*2 + m", "[kernels]") {
  DepthwiseConv2dParams p;
  p.in_h = p.in_w = 1, p.in_c = 2, p.out_h = p.out_w = 1, p.depth_mult = 2;
  const std::vector<int8_t> in = {3, -2}, w = {1, 2, 3, 4};
  const std::vector<int32_t> mult(4, 1 << 30), shift(4, 1);  // scale 1.0
  std::vector<int8_t> out(4);
  kernels::depthwise_conv2d(p, in.data(), w.data(), nullptr, mult.data(), shift.data(), out.data());
  // Channel 0 feeds outputs 0, 1 (3*1, 3*2); channel 1 feeds 2, 3 (-2*3, -2*4).
  CHECK(out == std::vector<int8_t>{3, 6, -6, -8});
}

TEST_CASE("depthwise_conv2d: 3x3 with padding and input zero point, hand computed", "[kernels]") {
  DepthwiseConv2dParams p;
  p.in_h = p.in_w = 2, p.in_c = 1, p.out_h = p.out_w = 1, p.kh = p.kw = 3, p.stride_h = p.stride_w = 2;
  p.pad_top = p.pad_left = 1, p.in_zp = -4, p.out_zp = -1;
  const std::vector<int8_t> in = {-3, -2, -1, 0};  // real 1, 2, 3, 4
  // Taps (1,1),(1,2),(2,1),(2,2) see the image; the rest see padding.
  const std::vector<int8_t> w = {9, 9, 9, 9, 1, 2, 9, 3, 4};
  const int32_t bias = -2, mult = 1 << 30, shift = 1;
  int8_t out = 0;
  kernels::depthwise_conv2d(p, in.data(), w.data(), &bias, &mult, &shift, &out);
  // 1*1 + 2*2 + 3*3 + 4*4 = 30; - 2 bias; - 1 zero point.
  CHECK(out == 27);
}

TEST_CASE("depthwise_conv2d: strides, dilations, multipliers agree with the padded oracle", "[kernels]") {
  std::mt19937 rng(5);
  for (int trial = 0; trial < 20; ++trial) {
    test::ConvShape s;
    s.n = 1 + trial % 2;
    s.in_h = 6 + trial % 4, s.in_w = 5 + trial % 3, s.in_c = 1 + trial % 4, s.depth_mult = 1 + trial % 3;
    s.out_c = s.in_c * s.depth_mult;
    s.kh = 3, s.kw = 3, s.sh = 1 + trial % 2, s.sw = 2, s.dh = 1 + (trial / 3) % 2, s.dw = 2;
    s.pt = trial % 2, s.pl = 1;
    s.out_h = (s.in_h + s.pt - 1) / s.sh + 1;
    s.out_w = (s.in_w + s.pl - 1) / s.sw + 1;
    const int in_zp = int(rng() % 41) - 20, out_zp = int(rng() % 21) - 10;
    const auto in = test::random_i8(rng, size_t(s.n) * s.in_h * s.in_w * s.in_c);
    const auto w = test::random_i8(rng, size_t(s.kh) * s.kw * s.out_c, -127, 127);
    const auto bias = test::random_i32(rng, s.out_c, -3000, 3000);
    const auto mult = test::random_i32(rng, s.out_c, 1 << 30, INT32_MAX);
    const auto shift = test::random_i32(rng, s.out_c, -8, -4);
    DepthwiseConv2dParams p;
    p.batches = s.n, p.in_h = s.in_h, p.in_w = s.in_w, p.in_c = s.in_c, p.out_h = s.out_h, p.out_w = s.out_w;
    p.depth_mult = s.depth_mult, p.kh = s.kh, p.kw = s.kw, p.stride_h = s.sh, p.stride_w = s.sw;
    p.dil_h = s.dh, p.dil_w = s.dw, p.pad_top = s.pt, p.pad_left = s.pl, p.in_zp = in_zp, p.out_zp = out_zp;
    std::vector<int8_t> out(size_t(s.n) * s.out_h * s.out_w * s.out_c);
    kernels::depthwise_conv2d(p, in.data(), w.data(), bias.data(), mult.data(), shift.data(), out.data());
    INFO("trial " << trial);
    REQUIRE(out == test::conv_oracle(s, in, w, &bias, mult, shift, in_zp, out_zp, -128, 127));
  }
}

TEST_CASE("depthwise_conv2d: bad parameters throw", "[kernels]") {
  DepthwiseConv2dParams p;
  p.in_h = p.in_w = 2, p.in_c = 1, p.out_h = p.out_w = 2, p.depth_mult = 0;
  std::vector<int8_t> in(4), w(1), out(4);
  const int32_t mult = 1 << 30, shift = 0;
  CHECK_THROWS_WITH(kernels::depthwise_conv2d(p, in.data(), w.data(), nullptr, &mult, &shift, out.data()),
                    Catch::Contains("depthwise_conv2d: depth_mult:"));
  p.depth_mult = 1;
  const int32_t neg = -5;
  CHECK_THROWS_WITH(kernels::depthwise_conv2d(p, in.data(), w.data(), nullptr, &neg, &shift, out.data()),
                    Catch::Contains("depthwise_conv2d: mult: channel 0"));
}
