// TFLite SUB and MUL: the readers derive TFLite Micro's parameters, accept an
// operand repeating along the innermost dimensions (activation or constant,
// either side) and refuse other broadcasts with one located error.
#include <catch2/catch.hpp>

#include "arch/error.h"
#include "compiler/frontend/tflite_reader.h"
#include "compiler/frontend/tflite_schema_generated.h"
#include "compiler/ir/quant_params.h"
#include "compiler/reference/interpreter.h"
#include "tests/compiler/tflite_builder.h"

using namespace kiln;
using kiln::test::TfliteBuilder;

namespace {

ir::Graph read(const std::vector<uint8_t>& bytes) { return test::read_tflite_bytes(bytes); }
std::string error_of(const std::vector<uint8_t>& bytes) { return test::tflite_error(bytes); }

// y = x OP b on x [1, 2, 2, 3] (scale 0.5, zp 1), b an activation or a constant of `b_shape`.
std::vector<uint8_t> model(int32_t builtin, std::vector<int32_t> b_shape, bool b_constant, bool b_first = false,
                           std::vector<int32_t> y_shape = {1, 2, 2, 3}) {
  TfliteBuilder b;
  const int x = b.int8("x", {1, 2, 2, 3}, 0.5f, 1);
  int64_t n = 1;
  for (int32_t d : b_shape) n *= d;
  std::vector<int8_t> values;
  for (int64_t i = 0; i < n; ++i) values.push_back(int8_t(2 + 3 * i));
  const int c = b_constant ? b.const_int8("c", b_shape, values, {0.25f}) : b.int8("c", b_shape, 0.25f, 0);
  const int y = b.int8("y", std::move(y_shape), 0.125f, -1);
  const std::vector<int32_t> inputs = b_first ? std::vector<int32_t>{c, x} : std::vector<int32_t>{x, c};
  if (builtin == tflite::BuiltinOperator_SUB)
    b.op(builtin, inputs, {y}, tflite::BuiltinOptions_SubOptions,
         tflite::CreateSubOptions(b.fbb(), tflite::ActivationFunctionType_RELU).Union());
  else
    b.op(builtin, inputs, {y}, tflite::BuiltinOptions_MulOptions,
         tflite::CreateMulOptions(b.fbb(), tflite::ActivationFunctionType_NONE).Union());
  std::vector<int32_t> graph_inputs{x};
  if (!b_constant) graph_inputs.push_back(c);
  return b.finish(graph_inputs, {y});
}

}  // namespace

TEST_CASE("tflite: SUB and MUL read with TFLite Micro's parameters and their fused activation", "[compiler]") {
  const ir::Graph sub = read(model(tflite::BuiltinOperator_SUB, {1, 2, 2, 3}, false));
  REQUIRE(sub.ops.size() == 1);
  CHECK(sub.ops[0].kind == ir::OpKind::Sub);
  const ir::AddParams want = ir::add_params(0.5f, 0.25f, 0.125f);
  CHECK(sub.ops[0].add.in1_multiplier == want.in1_multiplier);
  CHECK(sub.ops[0].add.in2_shift == want.in2_shift);
  CHECK(sub.ops[0].add.out_multiplier == want.out_multiplier);
  CHECK(sub.ops[0].act.min == -1);  // RELU: the output zero point
  const ir::Graph mul = read(model(tflite::BuiltinOperator_MUL, {1, 2, 2, 3}, false));
  CHECK(mul.ops[0].kind == ir::OpKind::Mul);
  // 0.5 * 0.25 / 0.125 = 1 = 2^30 * 2^(1 - 31).
  CHECK(mul.ops[0].rescale.multiplier == std::vector<int32_t>{1 << 30});
  CHECK(mul.ops[0].rescale.shift == std::vector<int32_t>{1});
  CHECK(mul.ops[0].act.min == -128);
}

TEST_CASE("tflite: SUB and MUL take a per-channel or scalar operand, activation or constant, on either side",
          "[compiler]") {
  // x = 1 + 2*i (real (2i) * 0.5 = i), one pixel of 12 elements in 4 pixels of 3 channels.
  std::vector<int8_t> x(12);
  for (int i = 0; i < 12; ++i) x[size_t(i)] = int8_t(1 + 2 * i);
  // MUL by the constant per-channel {2, 5, 8} * 0.25 = {0.5, 1.25, 2}: y = i * c[i % 3] / 0.125 - 1.
  const ir::Graph g = read(model(tflite::BuiltinOperator_MUL, {1, 1, 1, 3}, true));
  const auto out = reference::run_reference(g, {reference::TensorData(x.begin(), x.end())});
  std::vector<int8_t> want;
  const double c[3] = {0.5, 1.25, 2.0};
  for (int i = 0; i < 12; ++i) {
    const double v = i * c[i % 3] / 0.125 - 1;
    want.push_back(int8_t(v > 127 ? 127 : v));
  }
  CHECK(std::vector<int8_t>(out[0].begin(), out[0].end()) == want);
  // SUB of x from the scalar constant 2 * 0.25 = 0.5: 0.5 - i, then RELU.
  const ir::Graph s = read(model(tflite::BuiltinOperator_SUB, {1}, true, true));
  CHECK(s.tensors[size_t(s.ops[0].inputs[0])].is_constant());  // the constant is the minuend
  const auto diff = reference::run_reference(s, {reference::TensorData(x.begin(), x.end())});
  // 0.5 - 0 = 0.5 -> 4 - 1 = 3; everything after is below zero: the RELU's -1.
  CHECK(int(diff[0][0]) == 3);
  for (size_t i = 1; i < 12; ++i) CHECK(int(diff[0][i]) == -1);
  // A per-channel activation (a squeeze-and-excite gate) reads too.
  CHECK(read(model(tflite::BuiltinOperator_MUL, {1, 1, 1, 3}, false)).ops.size() == 1);
  CHECK(read(model(tflite::BuiltinOperator_SUB, {3}, false, true)).ops.size() == 1);
}

TEST_CASE("tflite: other broadcasts and two constants are one located error", "[compiler]") {
  CHECK(error_of(model(tflite::BuiltinOperator_MUL, {1, 2, 1, 1}, false)) ==
        "t.tflite: operator 0 (MUL, 'y'): input shapes 1x2x2x3 and 1x2x1x1 do not broadcast as supported: one input "
        "of the output's shape and the other equal to it, a per-channel vector of its last dimension (or its last "
        "dimensions) or a scalar");
  CHECK_THAT(error_of(model(tflite::BuiltinOperator_SUB, {1, 1, 1, 3}, false, false, {1, 1, 1, 3})),
             Catch::Contains("operator 0 (SUB, 'y'): output shape 1x1x1x3 differs from the expected 1x2x2x3"));
  TfliteBuilder b;
  const int x = b.int8("x", {3}, 0.5f, 0);
  const int c1 = b.const_int8("c1", {3}, {1, 2, 3}, {0.5f});
  const int c2 = b.const_int8("c2", {3}, {1, 2, 3}, {0.5f});
  const int y = b.int8("y", {3}, 0.5f, 0);
  b.op(tflite::BuiltinOperator_MUL, {c1, c2}, {y});
  CHECK_THAT(error_of(b.finish({x}, {y})), Catch::Contains("(MUL, 'y'): both inputs are constants: unsupported"));
}
