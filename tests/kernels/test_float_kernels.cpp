// The float kernels of float islands (kernels/float_*.h) against an
// independent computation: the same arithmetic written directly on floats (or
// in double where TFLite's float order is not the point), byte handling and
// broadcasting included; then their parameter checks, and their table
// entries' derivation from an operator's view.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "kernels/float_avg_pool.h"
#include "kernels/float_binary.h"
#include "kernels/float_boundary.h"
#include "kernels/float_concat.h"
#include "kernels/float_mean.h"
#include "kernels/float_softmax.h"
#include "kernels/float_unary.h"
#include "kernels/mcu_kernel_table.h"

using namespace kiln;

namespace {

// Floats as the SoC's memory holds them: binary32, little-endian.
std::vector<uint8_t> bytes(const std::vector<float>& v) {
  std::vector<uint8_t> b;
  for (float f : v) {
    uint32_t u;
    std::memcpy(&u, &f, 4);
    for (int k = 0; k < 4; ++k) b.push_back(uint8_t(u >> (8 * k)));
  }
  return b;
}

std::vector<float> floats(const std::vector<uint8_t>& b) {
  std::vector<float> v(b.size() / 4);
  for (size_t i = 0; i < v.size(); ++i) {
    const uint32_t u = uint32_t(b[4 * i]) | uint32_t(b[4 * i + 1]) << 8 | uint32_t(b[4 * i + 2]) << 16 |
                       uint32_t(b[4 * i + 3]) << 24;
    std::memcpy(&v[i], &u, 4);
  }
  return v;
}

// A spread of values: signs, magnitudes, exact halves.
std::vector<float> sample(size_t n, float scale = 1.0f) {
  std::vector<float> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = scale * std::sin(float(i) * 1.7f + 0.3f) * (1.0f + float(i % 5));
  return v;
}

std::vector<float> binary(const kernels::FloatBinaryParams& p, const std::vector<float>& a, const std::vector<float>& b) {
  std::vector<uint8_t> out(size_t(4 * p.count()));
  kernels::float_binary(p, bytes(a).data(), bytes(b).data(), out.data());
  return floats(out);
}

std::vector<float> unary(kernels::FloatUnaryFunction f, const std::vector<float>& x, float a = 0, float b = 0) {
  kernels::FloatUnaryParams p;
  p.count = int64_t(x.size());
  p.function = f;
  p.a_bits = a == 0 ? 0 : kernels::float_bits(a);
  p.b_bits = b == 0 ? 0 : kernels::float_bits(b);
  std::vector<uint8_t> out(4 * x.size());
  kernels::float_unary(p, bytes(x).data(), out.data());
  return floats(out);
}

kernels::McuTensorView view(std::vector<int64_t> shape, McuElement element = McuElement::Float32) {
  kernels::McuTensorView t;
  t.shape = std::move(shape);
  t.element = element;
  return t;
}

}  // namespace

TEST_CASE("float_binary: each operation per element, with numpy broadcasting over six dimensions", "[kernels]") {
  const std::vector<float> a = sample(24), b = sample(24, 0.37f);
  kernels::FloatBinaryParams p;
  p.d3 = 2, p.d4 = 4, p.d5 = 3;  // a 2x4x3 output
  for (int op = kernels::kFloatAdd; op <= kernels::kFloatMinimum; ++op) {
    INFO("op " << op);
    p.op = op;
    const std::vector<float> got = binary(p, a, b);
    for (size_t i = 0; i < a.size(); ++i) {
      const float x = a[i], y = b[i];
      const float want = op == 0 ? x + y : op == 1 ? x - y : op == 2 ? x * y : op == 3 ? x / y
                       : op == 4 ? std::max(x, y) : std::min(x, y);
      CHECK(got[i] == want);
    }
  }
  // in1 of 2x4x1 (one value per row, as a mean over the last axis) from in2 of 1x4x3.
  p.op = kernels::kFloatSub;
  p.in1_mask = 1 << 5, p.in2_mask = 1 << 3;
  CHECK(p.in_count(p.in1_mask) == 8);
  CHECK(p.in_count(p.in2_mask) == 12);
  const std::vector<float> rows = sample(8), plane = sample(12, 0.5f);
  const std::vector<float> got = binary(p, rows, plane);
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 4; ++j)
      for (int k = 0; k < 3; ++k)
        CHECK(got[size_t((i * 4 + j) * 3 + k)] == rows[size_t(i * 4 + j)] - plane[size_t(j * 3 + k)]);
  // A scalar divisor.
  p.op = kernels::kFloatDiv, p.in1_mask = 0, p.in2_mask = 1 << 3 | 1 << 4 | 1 << 5;
  const std::vector<float> scaled = binary(p, a, {-1.5f});
  for (size_t i = 0; i < a.size(); ++i) CHECK(scaled[i] == a[i] / -1.5f);
  CHECK(kernels::divisions(p) == 24);
  p.op = kernels::kFloatMul;
  CHECK(kernels::divisions(p) == 0);
  // Checks: a mask beyond six dimensions, an unknown operation.
  p.in1_mask = 64;
  CHECK_THROWS_WITH(kernels::validate(p), Catch::StartsWith("float_binary: in1_mask: must be in [0, 63]"));
  p.in1_mask = 0, p.op = 6;
  CHECK_THROWS_WITH(kernels::validate(p), Catch::StartsWith("float_binary: op: must be in [0, 5]"));
}

TEST_CASE("float_unary: TFLite's float activations and the math library's functions per element", "[kernels]") {
  std::vector<float> x = sample(40, 3.0f);
  x.push_back(20.0f);   // logistic's upper cut-off: 1
  x.push_back(-12.0f);  // its lower one: exp(x)
  x.push_back(0.0f);
  const float inf = std::numeric_limits<float>::infinity();
  const auto relu = unary(kernels::kFloatClamp, x, 0, inf);
  const auto relu6 = unary(kernels::kFloatClamp, x, 0, 6.0f);
  const auto clip = unary(kernels::kFloatClamp, x, -1.0f, 1.5f);
  const auto leaky = unary(kernels::kFloatLeakyRelu, x, 0.1f);
  const auto hard_sigmoid = unary(kernels::kFloatHardSigmoid, x, 0.25f, 0.4f);
  const auto hard_swish = unary(kernels::kFloatHardSwish, x);
  const auto logistic = unary(kernels::kFloatLogistic, x);
  const auto tanh = unary(kernels::kFloatTanh, x);
  const auto elu = unary(kernels::kFloatElu, x, 1.0f);
  const auto exp = unary(kernels::kFloatExp, std::vector<float>(x.begin(), x.end() - 3));
  for (size_t i = 0; i < x.size(); ++i) {
    const float v = x[i];
    INFO(v);
    CHECK(relu[i] == std::max(v, 0.0f));
    CHECK(relu6[i] == std::min(std::max(v, 0.0f), 6.0f));
    CHECK(clip[i] == std::min(std::max(v, -1.0f), 1.5f));
    CHECK(leaky[i] == (v < 0 ? 0.1f * v : v));
    CHECK(hard_sigmoid[i] == std::max(0.0f, std::min(1.0f, 0.25f * v + 0.4f)));
    // HARD_SWISH's order: x * min(6, max(0, x + 3)) / 6; within an ulp of double.
    CHECK(hard_swish[i] == Approx(double(v) * std::min(6.0, std::max(0.0, double(v) + 3)) / 6).margin(1e-6));
    CHECK(logistic[i] == Approx(1.0 / (1.0 + std::exp(-double(v)))).epsilon(1e-6).margin(1e-6));
    CHECK(tanh[i] == Approx(std::tanh(double(v))).margin(1e-6));
    CHECK(elu[i] == Approx(v < 0 ? std::expm1(double(v)) : double(v)).margin(1e-6));
    if (i + 3 < x.size()) CHECK(exp[i] == Approx(std::exp(double(v))).epsilon(1e-6));
  }
  CHECK(logistic[x.size() - 3] == 1.0f);
  CHECK(logistic[x.size() - 2] == std::exp(-12.0f));
  const auto root = unary(kernels::kFloatSqrt, {0.0f, 2.0f, 9.0f});
  CHECK(root == std::vector<float>{0.0f, std::sqrt(2.0f), 3.0f});
  // Library calls are priced apart; the clamp makes none.
  kernels::FloatUnaryParams p;
  p.count = 7, p.function = kernels::kFloatTanh;
  CHECK(kernels::library_calls(p) == 7);
  p.function = kernels::kFloatHardSwish;
  CHECK(kernels::library_calls(p) == 0);
  // Checks: a parameter a function does not take, bounds that are no interval, NaN.
  p.a_bits = kernels::float_bits(1.0f);
  CHECK_THROWS_WITH(kernels::validate(p), Catch::StartsWith("float_unary: a_bits: function 3 takes no parameter"));
  p.function = kernels::kFloatClamp, p.b_bits = kernels::float_bits(-1.0f);
  CHECK_THROWS_WITH(kernels::validate(p), Catch::Contains("clamp bounds [1, -1] are not an interval"));
  p.function = kernels::kFloatLeakyRelu, p.a_bits = kernels::float_bits(std::nanf("")), p.b_bits = 0;
  CHECK_THROWS_WITH(kernels::validate(p), Catch::StartsWith("float_unary: a_bits:"));
  p.function = 9;
  CHECK_THROWS_WITH(kernels::validate(p), Catch::StartsWith("float_unary: function: must be in [0, 8]"));
}

TEST_CASE("float_softmax: exponentials of each row against its maximum over their float sum", "[kernels]") {
  const std::vector<float> x = sample(3 * 7, 4.0f);
  kernels::FloatSoftmaxParams p;
  p.rows = 3, p.depth = 7;
  std::vector<uint8_t> out(4 * x.size());
  kernels::float_softmax(p, bytes(x).data(), out.data());
  const std::vector<float> y = floats(out);
  for (int r = 0; r < 3; ++r) {
    double sum = 0;
    for (int c = 0; c < 7; ++c) sum += std::exp(double(x[size_t(r * 7 + c)]));
    double total = 0;
    for (int c = 0; c < 7; ++c) {
      // (x - max) rounds to float: a relative error of its ulp in the exponential.
      CHECK(y[size_t(r * 7 + c)] == Approx(std::exp(double(x[size_t(r * 7 + c)])) / sum).epsilon(1e-5).margin(1e-7));
      total += y[size_t(r * 7 + c)];
    }
    CHECK(total == Approx(1.0).epsilon(1e-6));
  }
  // beta scales the inputs: beta 2 on x is beta 1 on 2x.
  p.beta_bits = kernels::float_bits(2.0f);
  std::vector<float> twice(x);
  for (float& v : twice) v *= 2;
  std::vector<uint8_t> b2(out.size()), doubled(out.size());
  kernels::float_softmax(p, bytes(x).data(), b2.data());
  p.beta_bits = kernels::float_bits(1.0f);
  kernels::float_softmax(p, bytes(twice).data(), doubled.data());
  CHECK(b2 == doubled);
  // Large inputs do not overflow: the maximum is subtracted first.
  p.rows = 1, p.depth = 2;
  std::vector<uint8_t> big(8);
  kernels::float_softmax(p, bytes({1000.0f, 1000.0f}).data(), big.data());
  CHECK(floats(big) == std::vector<float>{0.5f, 0.5f});
  p.beta_bits = kernels::float_bits(0.0f);
  CHECK_THROWS_WITH(kernels::validate(p), "float_softmax: beta_bits: beta 0 is not positive");
}

TEST_CASE("float_avg_pool: the window's elements inside the input over their count, padding not counted",
          "[kernels]") {
  // One 5x4 image of 2 channels, a 3x3 window at stride 2 with one row and column of padding.
  kernels::PoolParams p;
  p.in_h = 5, p.in_w = 4, p.c = 2, p.out_h = 3, p.out_w = 2, p.kh = 3, p.kw = 3, p.stride_h = 2, p.stride_w = 2;
  p.pad_top = 1, p.pad_left = 1;
  const std::vector<float> x = sample(40);
  std::vector<uint8_t> out(4 * 12);
  kernels::float_avg_pool(p, bytes(x).data(), out.data());
  const std::vector<float> y = floats(out);
  for (int oy = 0; oy < 3; ++oy)
    for (int ox = 0; ox < 2; ++ox)
      for (int c = 0; c < 2; ++c) {
        double sum = 0;
        int n = 0;
        for (int iy = oy * 2 - 1; iy < oy * 2 + 2; ++iy)
          for (int ix = ox * 2 - 1; ix < ox * 2 + 2; ++ix)
            if (iy >= 0 && iy < 5 && ix >= 0 && ix < 4) sum += x[size_t((iy * 4 + ix) * 2 + c)], ++n;
        CHECK(y[size_t((oy * 2 + ox) * 2 + c)] == Approx(sum / n).margin(1e-6));
      }
  CHECK(kernels::macs(p) == 3 * 2 * 2 * 9);
  p.out_h = 4;  // the last window would lie in the padding only
  CHECK_THROWS_WITH(kernels::validate_float_avg_pool(p), Catch::StartsWith("float_avg_pool: "));
}

TEST_CASE("float_mean: sums over the reduced dimensions in input order, over their count", "[kernels]") {
  // A 2x3x4 tensor (d3, d4, d5) reduced over d3 and d5: three outputs.
  const std::vector<float> x = sample(24);
  kernels::FloatMeanParams p;
  p.d3 = 2, p.d4 = 3, p.d5 = 4;
  p.axes = 1 << 3 | 1 << 5;
  CHECK(p.out_elements() == 3);
  std::vector<uint8_t> out(4 * 3);
  kernels::float_mean(p, bytes(x).data(), out.data());
  const std::vector<float> y = floats(out);
  for (int j = 0; j < 3; ++j) {
    float sum = 0;  // TFLite's order: row-major over the input
    for (int i = 0; i < 2; ++i)
      for (int k = 0; k < 4; ++k) sum += x[size_t((i * 3 + j) * 4 + k)];
    CHECK(y[size_t(j)] == sum / 8.0f);
  }
  // Over H and W of NHWC: a global average per channel.
  kernels::FloatMeanParams hw;
  hw.d2 = 1, hw.d3 = 3, hw.d4 = 2, hw.d5 = 4;
  hw.axes = 1 << 3 | 1 << 4;
  std::vector<uint8_t> g(4 * 4);
  kernels::float_mean(hw, bytes(x).data(), g.data());
  for (int c = 0; c < 4; ++c) {
    double sum = 0;
    for (int s = 0; s < 6; ++s) sum += x[size_t(s * 4 + c)];
    CHECK(floats(g)[size_t(c)] == Approx(sum / 6).margin(1e-6));
  }
  hw.axes = 64;
  CHECK_THROWS_WITH(kernels::validate(hw), Catch::StartsWith("float_mean: axes: must be in [0, 63]"));
}

TEST_CASE("float_concat: each row of the first input, then the second's", "[kernels]") {
  kernels::FloatConcatParams p;
  p.outer = 2, p.in1_inner = 3, p.in2_inner = 1;
  const std::vector<float> a = {1, 2, 3, 4, 5, 6}, b = {-1, -2};
  std::vector<uint8_t> out(4 * 8);
  kernels::float_concat(p, bytes(a).data(), bytes(b).data(), out.data());
  CHECK(floats(out) == std::vector<float>{1, 2, 3, -1, 4, 5, 6, -2});
  p.in2_inner = 0;
  CHECK_THROWS_WITH(kernels::validate(p), Catch::StartsWith("float_concat: in2_inner: must be in [1,"));
}

TEST_CASE("float kernels: table entries derive their parameters from an operator's float32 view", "[kernels]") {
  using kernels::find_mcu_binding;
  kernels::McuOpView add;
  add.kernel = "float_binary";
  add.inputs = {view({1, 2, 2, 3}), view({1, 1, 1, 3})};
  add.outputs = {view({1, 2, 2, 3})};
  add.attrs = {{"op", {kernels::kFloatAdd}}};
  const auto call = find_mcu_binding("float_binary")->from_op(add);
  // Rank 4 as the innermost four of six dimensions; in2 repeats along d3 and d4 (H, W).
  CHECK(call->encode({1, 2, 3}) == std::vector<uint32_t>{1, 2, 3, 1, 1, 1, 2, 2, 3, 0, 0b011000, 0});
  CHECK(call->output_elements() == 12);
  add.inputs[1] = view({2, 1});  // [2, 1] against [.., 2, 3]: along W of each row
  CHECK(find_mcu_binding("float_binary")->from_op(add)->encode({1, 2, 3}).at(10) == 0b101000);  // d3 and d5
  add.inputs[1] = view({1, 3, 3});
  CHECK_THROWS_WITH(find_mcu_binding("float_binary")->from_op(add),
                    "float_binary: input 2: shape [1, 3, 3] does not broadcast to the output [1, 2, 2, 3]");
  add.inputs[1] = view({1, 1, 1, 3}, McuElement::Int8);
  CHECK_THROWS_WITH(find_mcu_binding("float_binary")->from_op(add), "float_binary: input: 1 is not a float32 tensor");

  kernels::McuOpView mean;
  mean.kernel = "float_mean";
  mean.inputs = {view({1, 4, 5, 6})};
  mean.outputs = {view({1, 1, 1, 6})};
  mean.attrs = {{"axes", {1, -2}}};
  // Rank 4 as the innermost four of six dimensions: axes 1 and 2 are bits 3 and 4.
  CHECK(find_mcu_binding("float_mean")->from_op(mean)->encode({1, 2}) ==
        std::vector<uint32_t>{1, 2, 1, 1, 1, 4, 5, 6, 24});
  mean.outputs = {view({1, 6})};
  CHECK(find_mcu_binding("float_mean")->from_op(mean)->output_elements() == 6);
  mean.outputs = {view({6, 1})};
  CHECK_THROWS_WITH(find_mcu_binding("float_mean")->from_op(mean), Catch::Contains("is neither [1, 1, 1, 6] nor [1, 6]"));

  kernels::McuOpView concat;
  concat.kernel = "float_concat";
  concat.inputs = {view({1, 2, 2, 3}), view({1, 2, 2, 1})};
  concat.outputs = {view({1, 2, 2, 4})};
  concat.attrs = {{"axis", {-1}}};
  CHECK(find_mcu_binding("float_concat")->from_op(concat)->encode({1, 2, 3}) ==
        std::vector<uint32_t>{1, 2, 3, 4, 3, 1});

  kernels::McuOpView unary;
  unary.kernel = "float_unary";
  unary.inputs = {view({10})};
  unary.outputs = {view({10})};
  unary.attrs = {{"function", {kernels::kFloatClamp}}};
  unary.real_attrs = {{"a", 0.0}, {"b", 6.0}};
  CHECK(find_mcu_binding("float_unary")->from_op(unary)->encode({1, 2}) ==
        std::vector<uint32_t>{1, 2, 10, 0, 0, uint32_t(kernels::float_bits(6.0f))});
}
