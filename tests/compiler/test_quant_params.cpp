// The TFLite-exact derivations of compiler/ir/quant_params.h, on scales whose
// fixed-point form is worked out by hand (powers of two and simple ratios).
#include <catch2/catch.hpp>

#include <cmath>

#include "arch/error.h"
#include "compiler/ir/quant_params.h"

using namespace kiln;
using namespace kiln::ir;

TEST_CASE("quant_params: activation ranges from the output scale and zero point", "[compiler]") {
  // scale 0.1, zp -10: 0 -> -10, 6 -> -10 + 60 = 50, -1 -> -20, 1 -> 0
  const ActRange none = activation_range(Activation::None, 0.1f, -10);
  CHECK(none.min == -128);
  CHECK(none.max == 127);
  const ActRange relu = activation_range(Activation::Relu, 0.1f, -10);
  CHECK(relu.min == -10);
  CHECK(relu.max == 127);
  const ActRange relu6 = activation_range(Activation::Relu6, 0.1f, -10);
  CHECK(relu6.min == -10);
  CHECK(relu6.max == 50);
  const ActRange n1to1 = activation_range(Activation::ReluN1To1, 0.1f, -10);
  CHECK(n1to1.min == -20);
  CHECK(n1to1.max == 0);
  // A clamp outside int8 saturates: zp -128 makes quantize(0) = -128; a
  // tiny scale puts quantize(6) far above 127.
  const ActRange wide = activation_range(Activation::Relu6, 0.001f, -128);
  CHECK(wide.min == -128);
  CHECK(wide.max == 127);
}

TEST_CASE("quant_params: convolution multipliers per channel", "[compiler]") {
  // 0.5 * 0.25 / 1 = 2^-3 = 0.5 * 2^-2 -> multiplier 2^30, shift -2
  // 0.5 * 0.75 / 1 = 0.375 = 0.75 * 2^-1 -> multiplier 0.75 * 2^31, shift -1
  const Rescale r = conv_rescale(0.5f, {0.25f, 0.75f}, 1.0f);
  REQUIRE(r.multiplier.size() == 2);
  CHECK(r.multiplier[0] == (1 << 30));
  CHECK(r.shift[0] == -2);
  CHECK(r.multiplier[1] == int32_t(0.75 * 2147483648.0));
  CHECK(r.shift[1] == -1);
}

TEST_CASE("quant_params: real multipliers are represented within one Q31 step", "[compiler]") {
  const float in = 0.0787253976f, out = 0.0828150064f;
  for (float w : {0.00855151936f, 0.0001f, 0.02f}) {
    const Rescale r = conv_rescale(in, {w}, out);
    const double real = double(in) * double(w) / double(out);
    const double represented = double(r.multiplier[0]) * std::ldexp(1.0, r.shift[0] - 31);
    CHECK(r.multiplier[0] >= (1 << 30));
    CHECK(std::abs(represented - real) <= std::ldexp(1.0, r.shift[0] - 31));
  }
}

TEST_CASE("quant_params: ratio and fully-connected rescales", "[compiler]") {
  // 0.5 / 0.125 = 4 = 0.5 * 2^3 -> multiplier 2^30, shift 3
  const Rescale up = ratio_rescale(0.5f, 0.125f);
  CHECK(up.multiplier[0] == (1 << 30));
  CHECK(up.shift[0] == 3);
  // 0.5 * 0.5 / 2 = 0.125 -> 2^30, shift -2
  const Rescale fc = fully_connected_rescale(0.5f, 0.5f, 2.0f);
  CHECK(fc.multiplier[0] == (1 << 30));
  CHECK(fc.shift[0] == -2);
}

TEST_CASE("quant_params: add parameters as TFLite's int8 Add prepare", "[compiler]") {
  // scales 0.5, 0.25 -> 1: twice_max = 1; in1 0.5 -> (2^30, 0); in2 0.25 ->
  // (2^30, -1); out 1 / (2^20 * 1) = 2^-20 -> (2^30, -19)
  const AddParams p = add_params(0.5f, 0.25f, 1.0f);
  CHECK(p.left_shift == 20);
  CHECK(p.in1_multiplier == (1 << 30));
  CHECK(p.in1_shift == 0);
  CHECK(p.in2_multiplier == (1 << 30));
  CHECK(p.in2_shift == -1);
  CHECK(p.out_multiplier == (1 << 30));
  CHECK(p.out_shift == -19);
  // An output scale so small that the output multiplier reaches one.
  CHECK_THROWS_AS(add_params(1.0f, 1.0f, 1e-7f), Error);
}

TEST_CASE("quant_params: softmax parameters", "[compiler]") {
  // beta 1, input scale 1/16: 2^26 / 16 = 2^22 = 0.5 * 2^23 -> (2^30, 23);
  // radius = floor(31 * 2^26 / 2^23) = 248
  const SoftmaxParams p = softmax_params(1.0f, 1.0f / 16);
  CHECK(p.input_multiplier == (1 << 30));
  CHECK(p.input_left_shift == 23);
  CHECK(p.diff_min == -248);
}
