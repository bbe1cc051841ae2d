// The reference interpreter: small hand-built models whose outputs are
// worked out by hand, and the five MLPerf Tiny models end to end (shapes,
// determinism, softmax sums, one layer recomputed directly, speed).
#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <random>

#include "arch/error.h"
#include "compiler/frontend/tflite_reader.h"
#include "compiler/reference/interpreter.h"
#include "kernels/requantize.h"
#include "tests/compiler/tflite_builder.h"
#include "tests/support/test_paths.h"

using namespace kiln;
using kiln::reference::TensorData;
using kiln::test::TfliteBuilder;

namespace {

ir::Graph read(const std::vector<uint8_t>& bytes) {
  return frontend::read_tflite_buffer(bytes.data(), bytes.size(), "tiny.tflite");
}

TensorData run1(const ir::Graph& g, const std::vector<TensorData>& inputs) {
  const std::vector<TensorData> out = reference::run_reference(g, inputs);
  REQUIRE(out.size() == 1);
  return out[0];
}

TensorData random_input(const ir::Tensor& t, uint32_t seed) {
  std::mt19937 rng(seed);
  TensorData d(size_t(t.num_elements()));
  for (int8_t& v : d) v = int8_t(int(rng() % 256) - 128);
  return d;
}

bool have_mlperf() {
  if (std::filesystem::exists(test::shared_workload("mlperf-tiny/kws_ref_model.tflite"))) return true;
  WARN("skipped: " << test::shared_workload("mlperf-tiny") << " is absent (the shared MLPerf Tiny models)");
  return false;
}

const std::vector<std::string> kModels = {"kws_ref_model.tflite", "vww_96_int8.tflite",
                                          "pretrainedResnet_quant.tflite", "ad01_int8.tflite",
                                          "str_ww_ref_model.tflite"};

}  // namespace

TEST_CASE("reference: a hand-built convolution computes the hand result", "[compiler]") {
  // x (scale 1, zp 1) = 1..9 is the real map 0..8; filter {1,2,3,4} (scale
  // 0.5), bias 3, output scale 0.5 zp -2, multiplier exactly 1:
  //   (0,0): 0*1+1*2+3*3+4*4 = 27 (+3 -2) = 28   (0,1): 1+4+12+20 = 37 -> 38
  //   (1,0): 3+8+18+28 = 57 -> 58                 (1,1): 4+10+21+32 = 67 -> 68
  TfliteBuilder b;
  const int x = b.int8("x", {1, 3, 3, 1}, 1.0f, 1);
  const int w = b.const_int8("w", {1, 2, 2, 1}, {1, 2, 3, 4}, {0.5f});
  const int bias = b.const_int32("bias", {1}, {3});
  const int y = b.int8("y", {1, 2, 2, 1}, 0.5f, -2);
  auto options = tflite::CreateConv2DOptions(b.fbb(), tflite::Padding_VALID, 1, 1, tflite::ActivationFunctionType_RELU);
  b.op(tflite::BuiltinOperator_CONV_2D, {x, w, bias}, {y}, tflite::BuiltinOptions_Conv2DOptions, options.Union());
  const ir::Graph g = read(b.finish({x}, {y}));
  CHECK(run1(g, {{1, 2, 3, 4, 5, 6, 7, 8, 9}}) == TensorData{28, 38, 58, 68});
}

TEST_CASE("reference: add, max pool, pad, concat and mean wired by hand", "[compiler]") {
  // a + b with all scales 1 and zero points 0 is exact; max pool 2x2 stride 2
  // of the sum; pad by one row on top with the zero point 5; concat of the
  // padded map with itself and a third copy along channels; mean over H, W.
  TfliteBuilder b;
  const int a = b.int8("a", {1, 2, 2, 1}, 1.0f, 0);
  const int c = b.int8("c", {1, 2, 2, 1}, 1.0f, 0);
  const int sum = b.int8("sum", {1, 2, 2, 1}, 1.0f, 0);
  const int pooled = b.int8("pooled", {1, 1, 1, 1}, 1.0f, 0);
  b.op(tflite::BuiltinOperator_ADD, {a, c}, {sum}, tflite::BuiltinOptions_AddOptions,
        tflite::CreateAddOptions(b.fbb()).Union());
  b.op(tflite::BuiltinOperator_MAX_POOL_2D, {sum}, {pooled}, tflite::BuiltinOptions_Pool2DOptions,
        tflite::CreatePool2DOptions(b.fbb(), tflite::Padding_VALID, 2, 2, 2, 2).Union());
  const int sum5 = b.int8("sum5", {1, 2, 2, 1}, 1.0f, 5);
  b.op(tflite::BuiltinOperator_QUANTIZE, {sum}, {sum5});  // zp 0 -> 5: +5
  const int paddings = b.const_int32("paddings", {4, 2}, {0, 0, 1, 0, 0, 0, 0, 0});
  const int padded = b.int8("padded", {1, 3, 2, 1}, 1.0f, 5);
  b.op(tflite::BuiltinOperator_PAD, {sum5, paddings}, {padded}, tflite::BuiltinOptions_PadOptions,
        tflite::CreatePadOptions(b.fbb()).Union());
  const int cat = b.int8("cat", {1, 3, 2, 3}, 1.0f, 5);
  b.op(tflite::BuiltinOperator_CONCATENATION, {padded, padded, padded}, {cat},
        tflite::BuiltinOptions_ConcatenationOptions, tflite::CreateConcatenationOptions(b.fbb(), -1).Union());
  const int axes = b.const_int32("axes", {2}, {1, 2});
  const int mean = b.int8("mean", {1, 1, 1, 3}, 1.0f, 5);
  b.op(tflite::BuiltinOperator_MEAN, {cat, axes}, {mean}, tflite::BuiltinOptions_ReducerOptions,
        tflite::CreateReducerOptions(b.fbb(), true).Union());
  const ir::Graph g = read(b.finish({a, c}, {pooled, cat, mean}));

  // a = {1, -2, 30, 4}, c = {10, 20, -3, 0}: sum {11, 18, 27, 4}, max 27.
  const std::vector<TensorData> out = reference::run_reference(g, {{1, -2, 30, 4}, {10, 20, -3, 0}});
  REQUIRE(out.size() == 3);
  CHECK(out[0] == TensorData{27});
  // padded (zp 5): row 0 = 5 5, then 16 23, 32 9; each value three times.
  CHECK(out[1] == TensorData{5, 5, 5, 5, 5, 5, 16, 16, 16, 23, 23, 23, 32, 32, 32, 9, 9, 9});
  // mean of real values (q - 5): (0+0+11+18+27+4)/6 = 60/6 = 10 -> q 15.
  CHECK(out[2] == TensorData{15, 15, 15});
}

TEST_CASE("reference: softmax of equal logits is uniform", "[compiler]") {
  TfliteBuilder b;
  const int x = b.int8("x", {1, 4}, 0.1f, 0);
  const int y = b.int8("y", {1, 4}, 1.0f / 256, -128);
  b.op(tflite::BuiltinOperator_SOFTMAX, {x}, {y}, tflite::BuiltinOptions_SoftmaxOptions,
        tflite::CreateSoftmaxOptions(b.fbb(), 1.0f).Union());
  const ir::Graph g = read(b.finish({x}, {y}));
  // 1/4 = 64/256 -> q = 64 - 128 = -64
  CHECK(run1(g, {{7, 7, 7, 7}}) == TensorData{-64, -64, -64, -64});
}

TEST_CASE("reference: wrong input counts and sizes are errors", "[compiler]") {
  TfliteBuilder b;
  const int x = b.int8("x", {1, 4}, 0.5f, 0);
  const int y = b.int8("y", {1, 4}, 0.5f, 0);
  b.op(tflite::BuiltinOperator_RELU, {x}, {y});
  const ir::Graph g = read(b.finish({x}, {y}));
  CHECK_THROWS_AS(reference::run_reference(g, {}), Error);
  CHECK_THROWS_WITH(reference::run_reference(g, {{1, 2, 3}}),
                    "tiny.tflite: input 'x' needs 4 int8 values (shape 1x4, 4 bytes), got 3 bytes");
  // RELU at zp 0 clamps negatives to 0 and keeps the rest (same scale).
  CHECK(run1(g, {{-5, 0, 3, 127}}) == TensorData{0, 0, 3, 127});
}

TEST_CASE("reference: the MLPerf Tiny models run end to end", "[compiler][mlperf]") {
  if (!have_mlperf()) return;
  for (const std::string& file : kModels) {
    INFO(file);
    const ir::Graph g = frontend::read_tflite(test::shared_workload("mlperf-tiny/" + file));
    const ir::Tensor& in = g.tensors[g.inputs[0]];
    const ir::Tensor& out_t = g.tensors[g.outputs[0]];
    reference::Interpreter interp(g);
    size_t calls = 0;
    interp.after_op = [&](size_t i) { CHECK(i == calls++); };
    const TensorData x = random_input(in, 1234);
    interp.run({x});
    CHECK(calls == g.ops.size());
    interp.after_op = nullptr;
    const std::vector<TensorData> out = interp.outputs();
    REQUIRE(out.size() == 1);
    CHECK(int64_t(out[0].size()) == out_t.num_elements());
    // Every intermediate is kept, at its tensor's size.
    for (const ir::Op& op : g.ops) CHECK(int64_t(interp.value(op.outputs[0]).size()) == g.tensors[op.outputs[0]].num_elements());

    // Deterministic: a second run and a second interpreter agree.
    interp.run({x});
    CHECK(interp.outputs() == out);
    CHECK(reference::run_reference(g, {x}) == out);
    // A different input gives a different value somewhere in the network.
    const TensorData y = random_input(in, 99);
    reference::Interpreter other(g);
    other.run({y});
    bool differs = false;
    for (const ir::Op& op : g.ops) differs = differs || other.value(op.outputs[0]) != interp.value(op.outputs[0]);
    CHECK(differs);

    // Softmax outputs are probabilities: steps of 1/256 summing to ~1 (each
    // of the n values rounds by at most half a step).
    if (g.ops.back().kind == ir::OpKind::Softmax) {
      double sum = 0;
      for (int8_t q : out[0]) sum += (int(q) + 128) / 256.0;
      CHECK(std::abs(sum - 1.0) <= out[0].size() * 0.5 / 256 + 1e-9);
    }
  }
}

TEST_CASE("reference: DS-CNN's first convolution recomputed directly", "[compiler][mlperf]") {
  if (!have_mlperf()) return;
  const ir::Graph g = frontend::read_tflite(test::shared_workload("mlperf-tiny/kws_ref_model.tflite"));
  const ir::Op& op = g.ops.at(0);
  const ir::Tensor& in = g.tensors[op.inputs[0]];
  const ir::Tensor& w = g.tensors[op.inputs[1]];
  const ir::Tensor& bias = g.tensors[op.inputs[2]];
  const ir::Tensor& out = g.tensors[op.outputs[0]];
  reference::Interpreter interp(g);
  const TensorData x = random_input(in, 5);
  interp.run({x});
  const TensorData& y = interp.value(op.outputs[0]);
  // Input 49x10x1, filter 64x10x4x1, stride 2, padding 4 rows on top and 1
  // column on the left (see the front-end test); the multiplier straight from
  // the float scales in double precision.
  int checked = 0;
  for (int oy : {0, 12, 24})
    for (int ox : {0, 2, 4})
      for (int oc : {0, 17, 63}) {
        int64_t acc = bias.int32_at(size_t(oc));
        for (int ky = 0; ky < 10; ++ky)
          for (int kx = 0; kx < 4; ++kx) {
            const int iy = oy * 2 - 4 + ky, ix = ox * 2 - 1 + kx;
            if (iy < 0 || iy >= 49 || ix < 0 || ix >= 10) continue;
            acc += int64_t(w.int8_at(size_t((oc * 10 + ky) * 4 + kx))) * (x[size_t(iy * 10 + ix)] - in.zero_point());
          }
        int32_t mult;
        int shift;
        kernels::quantize_multiplier(double(in.scale()) * double(w.quant.scale[size_t(oc)]) / double(out.scale()), &mult,
                                     &shift);
        int32_t v = kernels::multiply_by_quantized_multiplier(int32_t(acc), mult, shift) + out.zero_point();
        v = std::max(-128, std::min(127, v));  // fused RELU at zero point -128 clamps at -128
        CHECK(int(y[size_t((oy * 5 + ox) * 64 + oc)]) == v);
        ++checked;
      }
  CHECK(checked == 27);
}

TEST_CASE("reference: MobileNetV1 on 96x96 runs well under 100 ms", "[compiler][mlperf]") {
  if (!have_mlperf()) return;
  const ir::Graph g = frontend::read_tflite(test::shared_workload("mlperf-tiny/vww_96_int8.tflite"));
  reference::Interpreter interp(g);
  const TensorData x = random_input(g.tensors[g.inputs[0]], 3);
  interp.run({x});  // warm
  // The best of a few runs: other jobs on a shared machine only add time.
  double ms = 1e9;
  for (int i = 0; i < 5; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    interp.run({x});
    ms = std::min(ms, std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  WARN("vww_96 reference: " << ms << " ms (best of 5)");
#if defined(__SANITIZE_ADDRESS__)
  CHECK(ms < 2000);  // sanitizers slow every access down
#else
  CHECK(ms < 100);
#endif
}
