// Weight zero points and int32 accumulator outputs (ONNX QLinearConv /
// ConvInteger / QLinearMatMul / MatMulInteger) in conv2d, depthwise_conv2d and
// fully_connected: small cases worked out by hand, random ones against the
// int64 oracle written from (w - w_zp)(x - x_zp), the largest accumulators
// that still fit int32, and the validation that keeps them from overflowing.
#include <catch2/catch.hpp>

#include <cstdint>
#include <random>

#include "arch/error.h"
#include "kernels/conv2d.h"
#include "kernels/depthwise_conv2d.h"
#include "kernels/fully_connected.h"
#include "tests/kernels/oracle.h"

using namespace kiln;

namespace {

// 2x2 image, 2x2 kernel, padding 1 on top and left, 2x2 output: the first
// row and column of outputs see only some taps, so a zero-point term taken
// over the whole window instead of the taps inside would show.
kernels::Conv2dParams corner_conv(int out_c) {
  kernels::Conv2dParams p;
  p.in_h = p.in_w = 2, p.in_c = 1, p.out_h = p.out_w = 2, p.out_c = out_c, p.kh = p.kw = 2;
  p.pad_top = p.pad_left = 1;
  p.in_zp = -1;  // raw {1, 2, 3, 4} is x - x_zp = {2, 3, 4, 5}
  return p;
}

template <class T>
std::vector<int64_t> widen(const std::vector<T>& v) {
  return std::vector<int64_t>(v.begin(), v.end());
}

}  // namespace

TEST_CASE("weight zp: conv2d accumulators with weight zero point 3, hand computed", "[kernels]") {
  const kernels::Conv2dParams p = corner_conv(1);
  const std::vector<int8_t> in = {1, 2, 3, 4};
  const std::vector<int8_t> w = {4, 5, 6, 7};  // w - 3 = {1, 2, 3, 4}
  const int32_t zp = 3, bias = 100;
  std::vector<int32_t> acc(4);
  kernels::conv2d_accumulators(p, in.data(), w.data(), &zp, &bias, acc.data());
  // (0,0): only tap (1,1): 2*4 = 8.          (0,1): taps (1,0), (1,1): 2*3 + 3*4 = 18.
  // (1,0): taps (0,1), (1,1): 2*2 + 4*4 = 20. (1,1): 2*1 + 3*2 + 4*3 + 5*4 = 40.
  // Ignoring the weight zero point would give 82 at (1,1).
  CHECK(acc == std::vector<int32_t>{108, 118, 120, 140});
}

TEST_CASE("weight zp: conv2d per-channel zero points {3, -2}, accumulators and requantized", "[kernels]") {
  const kernels::Conv2dParams p = corner_conv(2);
  const std::vector<int8_t> in = {1, 2, 3, 4};
  const std::vector<int8_t> w = {4, 5, 6, 7, 0, 0, 0, 0};  // channel 1: w - (-2) = {2, 2, 2, 2}
  const std::vector<int32_t> zp = {3, -2}, bias = {100, -50};
  std::vector<int32_t> acc(8);
  kernels::conv2d_accumulators(p, in.data(), w.data(), zp.data(), bias.data(), acc.data());
  // Channel 1 is 2 * the sum of x - x_zp over the taps inside: 4, 10, 12, 28.
  CHECK(acc == std::vector<int32_t>{108, -46, 118, -40, 120, -38, 140, -22});
  // The int8 path requantizes the same accumulators: scale 0.5 (mult 2^30,
  // shift 0) rounds half up, then out_zp 1 and the clamp.
  kernels::Conv2dParams q = p;
  q.out_zp = 1, q.act_max = 60;
  const std::vector<int32_t> mult(2, 1 << 30), shift(2, 0);
  std::vector<int8_t> out(8);
  kernels::conv2d(q, in.data(), w.data(), zp.data(), bias.data(), mult.data(), shift.data(), out.data());
  CHECK(out == std::vector<int8_t>{55, -22, 60, -19, 60, -18, 60, -10});
}

TEST_CASE("weight zp: all-zero zero points give exactly the symmetric (TFLite) result", "[kernels]") {
  std::mt19937 rng(11);
  kernels::Conv2dParams p = corner_conv(3);
  p.in_c = 4, p.in_zp = 9;
  const auto in = test::random_i8(rng, 16), w = test::random_i8(rng, 48);
  const std::vector<int32_t> zeros(3, 0), mult(3, 1 << 30), shift(3, -4);
  std::vector<int8_t> a(12), b(12);
  kernels::conv2d(p, in.data(), w.data(), nullptr, mult.data(), shift.data(), a.data());
  kernels::conv2d(p, in.data(), w.data(), zeros.data(), nullptr, mult.data(), shift.data(), b.data());
  CHECK(a == b);
}

TEST_CASE("weight zp: conv2d and depthwise agree with the int64 oracle, per-channel zero points", "[kernels]") {
  std::mt19937 rng(17);
  for (int trial = 0; trial < 24; ++trial) {
    INFO("trial " << trial);
    const bool depthwise = trial % 2 == 1;
    test::ConvShape s;
    s.n = 1 + trial % 2;
    s.in_h = 5 + trial % 3, s.in_w = 4 + trial % 4, s.in_c = 1 + trial % 4;
    s.depth_mult = depthwise ? 1 + trial % 3 : 0;
    s.out_c = depthwise ? s.in_c * s.depth_mult : 1 + (trial * 5) % 4;
    s.kh = 3, s.kw = 1 + trial % 3, s.sh = 1 + trial % 2, s.sw = 1, s.dh = 1 + (trial / 4) % 2, s.dw = 1;
    s.pt = trial % 3, s.pl = s.kw > 1 ? 1 : 0;
    s.out_h = (s.in_h + s.pt - 1) / s.sh + 1;
    s.out_w = (s.in_w + s.pl - 1) / s.sw + 1;
    const int in_zp = int(rng() % 256) - 128, out_zp = int(rng() % 21) - 10;
    const auto in = test::random_i8(rng, size_t(s.n) * s.in_h * s.in_w * s.in_c);
    const auto w = test::random_i8(rng, size_t(s.out_c) * s.kh * s.kw * (depthwise ? 1 : s.in_c));
    const auto zp = test::random_i32(rng, s.out_c, -128, 127);
    const auto bias = test::random_i32(rng, s.out_c, -5000, 5000);
    const auto mult = test::random_i32(rng, s.out_c, 1 << 30, INT32_MAX);
    const auto shift = test::random_i32(rng, s.out_c, -14, -10);
    const size_t outputs = size_t(s.n) * s.out_h * s.out_w * s.out_c;
    std::vector<int32_t> acc(outputs);
    std::vector<int8_t> out(outputs);
    if (depthwise) {
      kernels::DepthwiseConv2dParams p;
      p.batches = s.n, p.in_h = s.in_h, p.in_w = s.in_w, p.in_c = s.in_c, p.out_h = s.out_h, p.out_w = s.out_w;
      p.depth_mult = s.depth_mult, p.kh = s.kh, p.kw = s.kw, p.stride_h = s.sh, p.stride_w = s.sw;
      p.dil_h = s.dh, p.dil_w = s.dw, p.pad_top = s.pt, p.pad_left = s.pl, p.in_zp = in_zp, p.out_zp = out_zp;
      kernels::depthwise_conv2d_accumulators(p, in.data(), w.data(), zp.data(), bias.data(), acc.data());
      kernels::depthwise_conv2d(p, in.data(), w.data(), zp.data(), bias.data(), mult.data(), shift.data(),
                                out.data());
    } else {
      kernels::Conv2dParams p;
      p.batches = s.n, p.in_h = s.in_h, p.in_w = s.in_w, p.in_c = s.in_c, p.out_h = s.out_h, p.out_w = s.out_w;
      p.out_c = s.out_c, p.kh = s.kh, p.kw = s.kw, p.stride_h = s.sh, p.stride_w = s.sw, p.dil_h = s.dh;
      p.dil_w = s.dw, p.pad_top = s.pt, p.pad_left = s.pl, p.in_zp = in_zp, p.out_zp = out_zp;
      kernels::conv2d_accumulators(p, in.data(), w.data(), zp.data(), bias.data(), acc.data());
      kernels::conv2d(p, in.data(), w.data(), zp.data(), bias.data(), mult.data(), shift.data(), out.data());
    }
    REQUIRE(widen(acc) == test::conv_accumulator_oracle(s, in, w, &bias, in_zp, &zp));
    REQUIRE(out == test::conv_oracle(s, in, w, &bias, mult, shift, in_zp, out_zp, -128, 127, &zp));
  }
}

TEST_CASE("weight zp: fully connected accumulators near the int32 limit, exact", "[kernels]") {
  // 32768 terms of (-255) * (+255) or (-255) * (-255): |acc| = 2 130 739 200,
  // just below 2^31; a bias of 16 744 447 reaches INT32_MAX exactly.
  kernels::FullyConnectedParams p;
  p.batches = 2, p.in_features = 32768, p.out_features = 3, p.in_zp = 127;
  std::vector<int8_t> in(size_t(2 * p.in_features), -128);  // x - x_zp = -255
  for (int i = 0; i < p.in_features; ++i) in[size_t(p.in_features + i)] = int8_t(i % 2 ? -128 : 127);  // -255, 0
  std::vector<int8_t> w(size_t(3 * p.in_features));
  for (int i = 0; i < p.in_features; ++i) {
    w[size_t(i)] = 127;                            // zp -128: +255
    w[size_t(p.in_features + i)] = -128;           // zp 127: -255
    w[size_t(2 * p.in_features + i)] = int8_t(i % 7);  // zp 0: plain symmetric weights
  }
  const std::vector<int32_t> zp = {-128, 127, 0}, bias = {0, 16744447, -5};
  std::vector<int32_t> acc(6);
  kernels::fully_connected_accumulators(p, in.data(), w.data(), zp.data(), bias.data(), acc.data());
  int64_t plain0 = 0, plain1 = 0;  // channel 2 (weight zp 0) by int64 sums
  for (int i = 0; i < p.in_features; ++i) {
    plain0 += (i % 7) * -255;
    plain1 += (i % 7) * (i % 2 ? -255 : 0);
  }
  CHECK(widen(acc) == std::vector<int64_t>{-2130739200, 2147483647, plain0 - 5,
                                           // second row: half the terms are 0
                                           -1065369600, 1065369600 + 16744447, plain1 - 5});
}

TEST_CASE("weight zp: fully connected int8 output agrees with the int64 oracle", "[kernels]") {
  std::mt19937 rng(23);
  const int batches = 3, in_f = 41, out_f = 9;
  const auto in = test::random_i8(rng, batches * in_f);
  const auto w = test::random_i8(rng, out_f * in_f);
  const auto zp = test::random_i32(rng, out_f, -128, 127);
  const auto bias = test::random_i32(rng, out_f, -20000, 20000);
  const auto mult = test::random_i32(rng, out_f, 1 << 30, INT32_MAX);
  const auto shift = test::random_i32(rng, out_f, -14, -10);
  kernels::FullyConnectedParams p;
  p.batches = batches, p.in_features = in_f, p.out_features = out_f, p.in_zp = -77, p.out_zp = 5;
  std::vector<int8_t> out(batches * out_f);
  kernels::fully_connected(p, in.data(), w.data(), zp.data(), bias.data(), mult.data(), shift.data(), out.data());
  for (int b = 0; b < batches; ++b)
    for (int o = 0; o < out_f; ++o) {
      int64_t acc = bias[o];
      for (int i = 0; i < in_f; ++i) acc += (int64_t(w[o * in_f + i]) - zp[o]) * (in[b * in_f + i] + 77);
      INFO("b " << b << " o " << o);
      REQUIRE(out[b * out_f + o] == test::clamp8(test::requant(acc, mult[o], shift[o]) + 5));
    }
}

TEST_CASE("weight zp: out-of-range zero points and too long reductions are refused", "[kernels]") {
  kernels::FullyConnectedParams fc;
  fc.in_features = 32769, fc.out_features = 2;
  const std::vector<int32_t> zeros = {0, 0}, nonzero = {0, 1}, too_big = {128, 0};
  CHECK_NOTHROW(kernels::validate(fc, zeros.data()));  // symmetric: TFLite's 65536 limit
  CHECK_THROWS_WITH(kernels::validate(fc, nonzero.data()),
                    "fully_connected: weight_zp: non-zero with in_features = 32769: above 32768 the int32 "
                    "accumulator could overflow");
  fc.in_features = 4;
  CHECK_THROWS_WITH(kernels::validate(fc, too_big.data()),
                    "fully_connected: weight_zp: channel 0: must be in [-128, 127], got 128");
  kernels::Conv2dParams conv;
  conv.in_h = conv.in_w = conv.out_h = conv.out_w = 3, conv.kh = conv.kw = 1, conv.in_c = 32769, conv.out_c = 2;
  CHECK_THROWS_WITH(kernels::validate(conv, nonzero.data()), Catch::Contains("conv2d: weight_zp: non-zero with "
                                                                             "kh*kw*in_c = 32769"));
  kernels::DepthwiseConv2dParams dw;
  dw.in_h = dw.in_w = dw.out_h = dw.out_w = 200, dw.kh = dw.kw = 182, dw.pad_top = dw.pad_left = 91, dw.in_c = 2;
  CHECK_THROWS_WITH(kernels::validate(dw, nonzero.data()), Catch::Contains("depthwise_conv2d: weight_zp: non-zero "
                                                                           "with kh*kw = 33124"));
  // The kernels themselves refuse before touching memory.
  std::vector<int32_t> acc(2);
  std::vector<int8_t> x(4), w(8);
  CHECK_THROWS_AS(kernels::fully_connected_accumulators(fc, x.data(), w.data(), too_big.data(), nullptr, acc.data()),
                  Error);
}
