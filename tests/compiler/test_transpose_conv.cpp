// TFLite TRANSPOSE_CONV read into a dilate op and a stride-1 Conv2d
// (compiler/ir/transpose_conv.h): over strides, paddings, kernel shapes,
// biases, per-tensor and per-channel weights, fused activations and output
// sizes the reference interpreter gives what TFLite Micro's scatter
// computes (tests/compiler/transpose_conv_oracle.h); what TFLite Micro would
// misread is refused by name; and on the default SoC the convolution runs
// on the array.
#include <catch2/catch.hpp>

#include <random>

#include "arch/soc_config_yaml.h"
#include "compiler/codegen/compile_model.h"
#include "compiler/frontend/load_model.h"
#include "compiler/ir/quant_params.h"
#include "compiler/reference/interpreter.h"
#include "tests/compiler/tflite_builder.h"
#include "tests/compiler/transpose_conv_oracle.h"
#include "tests/support/test_paths.h"

using namespace kiln;
using kiln::test::TfliteBuilder;
using kiln::test::TransposeConvCase;

namespace {

constexpr float kInScale = 0.05f, kOutScale = 0.2f;
constexpr int32_t kInZp = -3, kOutZp = 4;

struct Model {
  TransposeConvCase t;
  tflite::Padding padding = tflite::Padding_SAME;
  tflite::ActivationFunctionType act = tflite::ActivationFunctionType_NONE;
  bool bias = true, per_channel = true;
  std::vector<int8_t> weights;
  std::vector<int32_t> biases;
  std::vector<float> scales;
  std::vector<int32_t> output_shape;  // empty: the output tensor's
  int32_t weight_axis = 0;
  bool options = true;
};

Model make_model(TransposeConvCase t, std::mt19937& rng) {
  Model m;
  m.t = t;
  m.weights = test::random_i8(rng, size_t(t.out_c) * t.kh * t.kw * t.in_c, -127, 127);
  m.biases = test::random_i32(rng, size_t(t.out_c), -2000, 2000);
  for (int o = 0; o < t.out_c; ++o) m.scales.push_back(0.004f + 0.001f * float(o));
  return m;
}

std::vector<uint8_t> build(const Model& m) {
  const TransposeConvCase& t = m.t;
  TfliteBuilder b;
  const int x = b.int8("x", {t.n, t.in_h, t.in_w, t.in_c}, kInScale, kInZp);
  const std::vector<int32_t> out_shape = {t.n, t.out_h, t.out_w, t.out_c};
  const std::vector<int32_t> written = m.output_shape.empty() ? out_shape : m.output_shape;
  const int shape = b.const_int32("output_shape", {int32_t(written.size())}, written);
  const int w = b.const_int8("weights", {t.out_c, t.kh, t.kw, t.in_c}, m.weights,
                             m.per_channel ? m.scales : std::vector<float>{m.scales[0]}, m.weight_axis);
  const int bias = m.bias ? b.const_int32("bias", {t.out_c}, m.biases) : -1;
  const int y = b.int8("y", out_shape, kOutScale, kOutZp);
  const auto options = tflite::CreateTransposeConvOptions(b.fbb(), m.padding, t.stride_w, t.stride_h, m.act);
  std::vector<int32_t> inputs = {shape, w, x};
  if (m.bias) inputs.push_back(bias);
  b.op(tflite::BuiltinOperator_TRANSPOSE_CONV, inputs, {y},
       m.options ? tflite::BuiltinOptions_TransposeConvOptions : tflite::BuiltinOptions_NONE,
       m.options ? options.Union() : 0);
  return b.finish({x}, {y});
}

// TFLite's padding of a convolution from the output's extent to the input's (ComputePaddingHeightWidth).
int tflite_pad(tflite::Padding padding, int out, int k, int stride) {
  const int n = padding == tflite::Padding_SAME ? (out + stride - 1) / stride : (out - k + stride) / stride;
  return std::max(0, (n - 1) * stride + k - out) / 2;
}

// Reads m, checks the ops it became, and compares the reference with the oracle on random inputs.
void check(Model m, std::mt19937& rng) {
  const ir::Graph g = test::read_tflite_bytes(build(m));
  TransposeConvCase& t = m.t;
  const bool spread = t.stride_h > 1 || t.stride_w > 1;
  REQUIRE(g.ops.size() == (spread ? 2u : 1u));
  const ir::Op& conv = g.ops.back();
  CHECK(conv.kind == ir::OpKind::Conv2d);
  CHECK(conv.source_op == "TRANSPOSE_CONV");
  CHECK(conv.window.stride_h == 1);
  CHECK(conv.window.stride_w == 1);
  if (spread) {
    CHECK(g.ops[0].kind == ir::OpKind::Kernel);
    CHECK(g.ops[0].kernel == "dilate");
    CHECK(g.ops[0].attrs.at("stride") == std::vector<int64_t>{t.stride_h, t.stride_w});
    CHECK(conv.window.pad == ir::Padding{});
  }
  t.in_zp = kInZp, t.out_zp = kOutZp;
  t.pad_h = tflite_pad(m.padding, t.out_h, t.kh, t.stride_h);
  t.pad_w = tflite_pad(m.padding, t.out_w, t.kw, t.stride_w);
  const std::vector<float> scales = m.per_channel ? m.scales : std::vector<float>(size_t(t.out_c), m.scales[0]);
  const ir::Rescale r = ir::conv_rescale(kInScale, scales, kOutScale);
  t.mult = r.multiplier, t.shift = r.shift;
  const ir::Activation act = m.act == tflite::ActivationFunctionType_RELU    ? ir::Activation::Relu
                             : m.act == tflite::ActivationFunctionType_RELU6 ? ir::Activation::Relu6
                                                                             : ir::Activation::None;
  const ir::ActRange range = ir::activation_range(act, kOutScale, kOutZp);
  t.act_min = range.min, t.act_max = range.max;
  for (int trial = 0; trial < 3; ++trial) {
    const std::vector<int8_t> x = test::random_i8(rng, size_t(t.n) * t.in_h * t.in_w * t.in_c);
    const auto out = reference::run_reference(g, {x});
    CHECK(out.at(0) == test::transpose_conv_oracle(t, x, m.weights, m.bias ? m.biases : std::vector<int32_t>{}));
  }
}

std::string error_of(const Model& m) { return test::tflite_error(build(m)); }

TransposeConvCase shape(int in_h, int in_w, int in_c, int out_h, int out_w, int out_c, int kh, int kw, int sh,
                        int sw, int n = 1) {
  TransposeConvCase t;
  t.n = n, t.in_h = in_h, t.in_w = in_w, t.in_c = in_c, t.out_h = out_h, t.out_w = out_w, t.out_c = out_c;
  t.kh = kh, t.kw = kw, t.stride_h = sh, t.stride_w = sw;
  return t;
}

}  // namespace

TEST_CASE("tflite: TRANSPOSE_CONV is a dilate and a stride-1 Conv2d that compute TFLite Micro's sums",
          "[compiler]") {
  std::mt19937 rng(67);
  SECTION("stride 2, SAME, 3x3, bias, per-channel weights") {
    check(make_model(shape(3, 4, 2, 6, 8, 4, 3, 3, 2, 2), rng), rng);
  }
  SECTION("stride 2, SAME, 4x4 (even: TFLite pads more after), an odd output 7x7") {
    check(make_model(shape(4, 4, 3, 7, 7, 2, 4, 4, 2, 2), rng), rng);
  }
  SECTION("stride 3, VALID, 3x2 kernel, no bias, per-tensor weights") {
    Model m = make_model(shape(3, 3, 2, 9, 8, 3, 3, 2, 3, 3), rng);
    m.padding = tflite::Padding_VALID, m.bias = false, m.per_channel = false;
    check(m, rng);
  }
  SECTION("strides 2x1, SAME, 2x3 kernel, RELU") {
    Model m = make_model(shape(4, 5, 3, 8, 5, 2, 2, 3, 2, 1), rng);
    m.act = tflite::ActivationFunctionType_RELU;
    check(m, rng);
  }
  SECTION("stride 1, SAME and VALID: the Conv2d alone, its padding the border") {
    check(make_model(shape(5, 4, 3, 5, 4, 2, 3, 3, 1, 1), rng), rng);
    Model m = make_model(shape(5, 4, 3, 7, 5, 2, 3, 2, 1, 1), rng);
    m.padding = tflite::Padding_VALID, m.act = tflite::ActivationFunctionType_RELU6;
    check(m, rng);
  }
  SECTION("a 1x1 kernel at stride 2 (zeros inserted only), two images") {
    Model m = make_model(shape(3, 3, 4, 5, 5, 3, 1, 1, 2, 2, 2), rng);
    m.padding = tflite::Padding_VALID;
    check(m, rng);
  }
  SECTION("an output larger than the input reaches: the rest is the bias") {
    check(make_model(shape(2, 2, 2, 6, 5, 2, 2, 2, 2, 2), rng), rng);
  }
}

TEST_CASE("tflite: TRANSPOSE_CONV's unsupported forms are refused by name", "[compiler]") {
  std::mt19937 rng(68);
  const Model base = make_model(shape(3, 4, 2, 6, 8, 4, 3, 3, 2, 2), rng);
  CHECK(error_of(base) == "(no error)");
  Model m = base;
  m.output_shape = {1, 6, 7, 4};
  CHECK(error_of(m) == "t.tflite: operator 0 (TRANSPOSE_CONV, 'y'): output_shape [1, 6, 7, 4] differs from the "
                       "output tensor's shape 1x6x8x4");
  m = base;
  m.options = false;
  CHECK(error_of(m) == "t.tflite: operator 0 (TRANSPOSE_CONV, 'y'): missing TransposeConvOptions");
  m = base;
  m.t.stride_w = 0;
  CHECK(error_of(m) == "t.tflite: operator 0 (TRANSPOSE_CONV, 'y'): stride 2x0 must be positive");
  m = base;
  m.act = tflite::ActivationFunctionType_TANH;
  CHECK_THAT(error_of(m), Catch::Contains("fused activation TANH unsupported"));
  m = make_model(shape(3, 4, 2, 6, 8, 2, 3, 3, 2, 2), rng);
  m.weight_axis = 3;  // two scales along the input channels
  CHECK_THAT(error_of(m), Catch::Contains("per-channel weight scales must run along dimension 0"));
  m = make_model(shape(1, 1, 4, 20000, 20000, 2, 3, 3, 2, 2), rng);  // the image the convolution reads: 1.6e9 bytes
  CHECK(error_of(m) == "t.tflite: operator 0 (TRANSPOSE_CONV, 'y'): the input spread over output 1x20000x20000x2 by "
                       "a 3x3 kernel has more than 1073741824 elements: unsupported");
  m = base;
  m.padding = tflite::Padding_VALID;  // a 3x3 VALID output 6x8 needs an input of 2x3
  CHECK(error_of(m) == "(no error)");  // TFLite Micro does not check the input against the output either
  m.t.out_h = 2, m.t.kh = 3;
  m.weights.resize(size_t(m.t.out_c) * m.t.kh * m.t.kw * m.t.in_c);
  CHECK(error_of(m) == "t.tflite: operator 0 (TRANSPOSE_CONV, 'y'): filter 3x3 does not fit output 2x8 with VALID "
                       "padding");
}

TEST_CASE("a transpose convolution's Conv2d runs on the array of the default SoC, its dilate on the MCU",
          "[compiler]") {
  const SocConfig soc = load_soc_config(test::config_path("default"));
  const ir::Graph g =
      frontend::load_model(test::source_dir() + "/tests/data/models/tflite/transpose_conv_stride2_same.tflite");
  const codegen::CompiledModel m = codegen::compile_model(g, soc);
  REQUIRE(m.layers.size() == 2);
  CHECK(m.layers[0].kind == "dilate");
  CHECK(m.layers[0].unit == passes::Unit::Mcu);
  CHECK(m.layers[1].kind == "conv2d");
  CHECK(m.layers[1].unit == passes::Unit::Npu);
  CHECK(m.layers[1].reason == "array");
}
