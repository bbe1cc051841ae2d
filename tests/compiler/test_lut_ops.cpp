// Unary int8 functions read from both formats become the Lut op, whose table
// is a constant int8 tensor of 256 entries built from the model's
// quantization (kernels/lut_tables.h); the reference interpreter runs it as
// the MCU kernel `lut` does.
#include <catch2/catch.hpp>

#include <cstring>

#include "compiler/frontend/load_model.h"
#include "compiler/reference/interpreter.h"
#include "kernels/lut_tables.h"
#include "tests/support/test_paths.h"

using namespace kiln;
using ir::OpKind;

namespace {

std::vector<OpKind> kinds(const ir::Graph& g) {
  std::vector<OpKind> k;
  for (const ir::Op& op : g.ops) k.push_back(op.kind);
  return k;
}

kernels::LutTable table_of(const ir::Graph& g, const ir::Op& op) {
  const ir::Tensor& t = g.tensors[size_t(op.inputs.at(1))];
  REQUIRE(t.data.size() == 256);
  kernels::LutTable table;
  std::memcpy(table.data(), t.data.data(), 256);
  return table;
}

}  // namespace

TEST_CASE("lut ops: TFLite LOGISTIC, TANH, HARD_SWISH, LEAKY_RELU, ELU become Lut with TFLite Micro's table",
          "[compiler]") {
  for (const char* name : {"logistic", "tanh", "hard_swish", "leaky_relu", "elu"}) {
    INFO(name);
    const ir::Graph g = frontend::load_model(test::data_path(std::string("models/tflite/") + name + ".tflite"));
    REQUIRE(kinds(g) == std::vector<OpKind>{OpKind::Lut});
    const ir::Op& op = g.ops[0];
    const ir::Tensor& in = g.tensors[size_t(op.inputs[0])];
    const ir::Tensor& out = g.tensors[size_t(op.outputs[0])];
    CHECK(g.tensors[size_t(op.inputs[1])].is_constant());
    const kernels::LutTable t = table_of(g, op);
    const std::string n = name;
    if (n == "logistic") CHECK(t == kernels::logistic_table(in.scale(), in.zero_point()));
    if (n == "tanh") CHECK(t == kernels::tanh_table(in.scale(), in.zero_point()));
    if (n == "hard_swish")
      CHECK(t == kernels::hard_swish_table(in.scale(), in.zero_point(), out.scale(), out.zero_point()));
    if (n == "leaky_relu")  // the generator's alpha, read from LeakyReluOptions
      CHECK(t == kernels::leaky_relu_table(in.scale(), in.zero_point(), out.scale(), out.zero_point(), 0.2f));
    if (n == "elu") CHECK(t == kernels::elu_table(in.scale(), in.zero_point(), out.scale(), out.zero_point()));
    // The reference interpreter looks each input up in the table.
    reference::TensorData x(size_t(in.num_elements()));
    for (size_t i = 0; i < x.size(); ++i) x[i] = int8_t(int(i % 256) - 128);
    const auto y = reference::run_reference(g, {x});
    for (size_t i = 0; i < x.size(); ++i) CHECK(y.at(0)[i] == t[kernels::lut_index(x[i])]);
  }
}

TEST_CASE("lut ops: ONNX unary functions in QDQ and com.microsoft QOperator form become Lut", "[compiler]") {
  for (const char* name : {"qdq_sigmoid", "qdq_tanh", "qdq_hard_swish", "qdq_hard_sigmoid", "qdq_leaky_relu",
                           "qdq_elu", "qoperator_qlinear_sigmoid", "qoperator_qlinear_leaky_relu"}) {
    INFO(name);
    const ir::Graph g = frontend::load_model(test::data_path(std::string("models/onnx/") + name + ".onnx"));
    REQUIRE(kinds(g) == std::vector<OpKind>{OpKind::Quantize, OpKind::Lut, OpKind::Dequantize});
    const ir::Op& op = g.ops[1];
    const ir::Tensor& in = g.tensors[size_t(op.inputs[0])];
    const ir::Tensor& out = g.tensors[size_t(op.outputs[0])];
    // A sigmoid's table: the float function quantized half to even, monotone from the bottom of its range.
    if (std::string(name).find("sigmoid") != std::string::npos && std::string(name).find("hard") == std::string::npos) {
      const kernels::LutTable t = table_of(g, op);
      CHECK(t == kernels::float_function_table(
                     in.scale(), in.zero_point(), out.scale(), out.zero_point(),
                     [](float v) { return 1.0f / (1.0f + std::exp(-v)); }, kernels::LutRounding::HalfToEven));
      for (int x = -127; x <= 127; ++x) CHECK(t[kernels::lut_index(x)] >= t[kernels::lut_index(x - 1)]);
    }
  }
  // A standalone Clip(-1, 1.5): a requantization clamped to the quantized bounds.
  const ir::Graph clip = frontend::load_model(test::data_path("models/onnx/qdq_clip.onnx"));
  REQUIRE(kinds(clip) == std::vector<OpKind>{OpKind::Quantize, OpKind::Requantize, OpKind::Dequantize});
  const ir::Tensor& out = clip.tensors[size_t(clip.ops[1].outputs[0])];
  CHECK(clip.ops[1].act.min == int32_t(std::round(-1.0 / out.scale())) + out.zero_point());
  CHECK(clip.ops[1].act.max == std::min(127, int32_t(std::round(1.5 / out.scale())) + out.zero_point()));
}
