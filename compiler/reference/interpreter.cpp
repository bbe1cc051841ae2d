#include "compiler/reference/interpreter.h"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

#include "arch/error.h"
#include "compiler/lowering/mcu_call.h"
#include "kernels/conv2d.h"
#include "kernels/copy.h"
#include "kernels/depthwise_conv2d.h"
#include "kernels/fully_connected.h"

namespace kiln::reference {

namespace {

using ir::OpKind;

bool is_weighted(OpKind kind) {
  return kind == OpKind::Conv2d || kind == OpKind::DepthwiseConv2d || kind == OpKind::FullyConnected;
}

// An Int32 output of a weighted op is its raw accumulator (ONNX ConvInteger /
// MatMulInteger): no rescale, no clamp.
bool accumulator_output(const ir::Graph& g, const ir::Op& op) {
  return is_weighted(op.kind) && g.tensors[op.outputs[0]].type == ir::DataType::Int32;
}

// A CONCATENATION of other than two inputs: no MCU kernel; the reference
// copies row by row.
bool concat_n(const ir::Op& op) { return op.kind == OpKind::Concat && op.inputs.size() != 2; }

// Output channels of a weighted op's weights ([out_c, kh, kw, in_c], [1, kh, kw, out_c], [out, in]).
int32_t weight_channels(const ir::Graph& g, const ir::Op& op) {
  const ir::Tensor& w = g.tensors[op.inputs[1]];
  return op.kind == OpKind::DepthwiseConv2d ? w.shape.at(3) : w.shape.at(0);
}

// The weight zero points of a weighted op, one per output channel, or empty
// when every one is zero (TFLite's symmetric weights: the kernels' own path).
std::vector<int32_t> weight_zero_points(const ir::Graph& g, const ir::Op& op) {
  if (!is_weighted(op.kind)) return {};
  const std::vector<int32_t>& zp = g.tensors[op.inputs[1]].quant.zero_point;
  if (std::all_of(zp.begin(), zp.end(), [](int32_t z) { return z == 0; })) return {};
  const size_t channels = size_t(weight_channels(g, op));
  if (zp.size() != 1 && zp.size() != channels)
    throw Error(fmt::format("{}: {}: {} weight zero points for {} output channels", g.source, g.describe(op),
                            zp.size(), channels));
  return zp.size() == 1 ? std::vector<int32_t>(channels, zp[0]) : zp;
}

int64_t concat_inner(const ir::Shape& s, int axis) {
  int64_t inner = 1;
  for (size_t d = size_t(axis); d < s.size(); ++d) inner *= s[d];
  return inner;
}

// Runs the kernel's own parameter validation up front, so a bad graph fails
// at construction with the op named. Weight zero points are beyond the MCU
// kernels (their own check).
void check_kernel_params(const ir::Graph& g, const ir::Op& op, const int32_t* weight_zp) {
  try {
    if (accumulator_output(g, op) || weight_zp) {
      switch (op.kind) {
        case OpKind::Conv2d: kernels::validate(lowering::conv2d_params(g, op), weight_zp); break;
        case OpKind::DepthwiseConv2d: kernels::validate(lowering::depthwise_params(g, op), weight_zp); break;
        default: kernels::validate(lowering::fully_connected_params(g, op), weight_zp); break;
      }
    } else if (!concat_n(op)) {
      lowering::mcu_call(g, op).kernel->validate();
    }
  } catch (const Error& e) {
    const std::string what = e.what();
    if (what.rfind(g.source + ": ", 0) == 0) throw;  // already located (check_mcu_call)
    throw Error(fmt::format("{}: {}: {}", g.source, g.describe(op), what));
  }
}

}  // namespace

Interpreter::Interpreter(const ir::Graph& graph) : graph_(graph) {
  ir::validate(graph_);
  values_.resize(graph_.tensors.size());
  int32_.resize(graph_.tensors.size());
  for (size_t id = 0; id < graph_.tensors.size(); ++id) {
    const ir::Tensor& t = graph_.tensors[id];
    if (t.is_constant()) {
      if (t.data.size() != t.byte_size())
        throw Error(fmt::format("{}: tensor '{}': {} bytes of data for shape {}", graph_.source, t.name,
                                t.data.size(), ir::shape_string(t.shape)));
      if (t.type == ir::DataType::Int32) {
        int32_[id].resize(size_t(t.num_elements()));
        std::memcpy(int32_[id].data(), t.data.data(), t.data.size());
      }
    }
  }
  auto allocate = [&](int id) {
    const ir::Tensor& t = graph_.tensors[size_t(id)];
    values_[size_t(id)].assign(t.byte_size(), 0);
    if (t.type == ir::DataType::Int32) int32_[size_t(id)].assign(size_t(t.num_elements()), 0);
  };
  for (int id : graph_.inputs) allocate(id);
  weight_zp_.resize(graph_.ops.size());
  for (size_t i = 0; i < graph_.ops.size(); ++i) {
    const ir::Op& op = graph_.ops[i];
    lowering::check_op_shapes(graph_, op);
    weight_zp_[i] = weight_zero_points(graph_, op);
    check_kernel_params(graph_, op, weight_zp(i));
    for (int id : op.outputs) allocate(id);
  }
}

const int32_t* Interpreter::weight_zp(size_t op_index) const {
  return weight_zp_[op_index].empty() ? nullptr : weight_zp_[op_index].data();
}

const int8_t* Interpreter::int8_data(int tensor) const {
  const ir::Tensor& t = graph_.tensors[size_t(tensor)];
  if (t.is_constant()) return reinterpret_cast<const int8_t*>(t.data.data());
  return values_[size_t(tensor)].data();
}

const int32_t* Interpreter::int32_data(int tensor) const { return int32_[size_t(tensor)].data(); }

void Interpreter::run(const std::vector<TensorData>& inputs) {
  if (inputs.size() != graph_.inputs.size())
    throw Error(fmt::format("{}: {} input tensors given, the graph has {}", graph_.source, inputs.size(),
                            graph_.inputs.size()));
  for (size_t i = 0; i < inputs.size(); ++i) {
    const int id = graph_.inputs[i];
    const ir::Tensor& t = graph_.tensors[size_t(id)];
    if (inputs[i].size() != t.byte_size())
      throw Error(fmt::format("{}: input '{}' needs {} {} values (shape {}, {} bytes), got {} bytes", graph_.source,
                              t.name, t.num_elements(), ir::data_type_name(t.type), ir::shape_string(t.shape),
                              t.byte_size(), inputs[i].size()));
    values_[size_t(id)] = inputs[i];
  }
  for (size_t i = 0; i < graph_.ops.size(); ++i) {
    run_op(i);
    if (after_op) after_op(i);
  }
}

std::vector<TensorData> Interpreter::outputs() const {
  std::vector<TensorData> out;
  for (int id : graph_.outputs) out.push_back(values_[size_t(id)]);
  return out;
}

void Interpreter::run_op(size_t op_index) {
  const ir::Graph& g = graph_;
  const ir::Op& op = g.ops[op_index];
  if (accumulator_output(g, op)) {
    run_accumulator_op(op_index);
    return;
  }
  if (weight_zp(op_index)) {
    run_weight_zp_op(op_index);
    return;
  }
  if (concat_n(op)) {
    // Row by row, each input's block in turn.
    const ir::Shape& out_shape = g.tensors[size_t(op.outputs[0])].shape;
    int64_t outer = 1;
    for (int d = 0; d < op.axis; ++d) outer *= out_shape[size_t(d)];
    int8_t* dst = values_[size_t(op.outputs[0])].data();
    for (int64_t o = 0; o < outer; ++o)
      for (int id : op.inputs) {
        const int64_t inner = concat_inner(g.tensors[size_t(id)].shape, op.axis);
        kernels::copy(inner, int8_data(id) + o * inner, dst);
        dst += inner;
      }
    return;
  }
  // The kernel the MCU would run, on the tensors' values.
  const lowering::McuCall call = lowering::mcu_call(g, op);
  kernels::McuOperands operands(call.operands.size());
  std::vector<int> int32_results;  // written as int32, stored as bytes after the call
  size_t k = 0;
  for (const McuArg& a : call.kernel->spec().args) {
    if (!a.is_operand()) continue;
    const lowering::McuOperand& o = call.operands.at(k);
    if (a.type == McuArgType::Write && a.element == McuElement::Int32) {
      operands[k].out = int32_[size_t(o.tensor)].data();
      int32_results.push_back(o.tensor);
    } else if (a.type == McuArgType::Write)
      operands[k].out = values_[size_t(o.tensor)].data();
    else if (o.tensor < 0)
      operands[k].in = o.values.data();
    else if (g.tensors[size_t(o.tensor)].type == ir::DataType::Int32)
      operands[k].in = int32_data(o.tensor);
    else
      operands[k].in = int8_data(o.tensor);
    ++k;
  }
  call.kernel->invoke(operands);
  for (int id : int32_results) store_int32(id);
}

void Interpreter::store_int32(int tensor) {
  // The value as bytes, little-endian whatever the host (as Tensor::data).
  const std::vector<int32_t>& v = int32_[size_t(tensor)];
  TensorData& bytes = values_[size_t(tensor)];
  for (size_t e = 0; e < v.size(); ++e)
    for (size_t b = 0; b < 4; ++b) bytes[4 * e + b] = int8_t(uint8_t(uint32_t(v[e]) >> (8 * b)));
}

// Weights with zero points (ONNX QLinearConv, QLinearMatMul): beyond the MCU
// kernels, through the kernels' weight_zp overloads.
void Interpreter::run_weight_zp_op(size_t op_index) {
  const ir::Graph& g = graph_;
  const ir::Op& op = g.ops[op_index];
  int8_t* out = values_[size_t(op.outputs[0])].data();
  const int8_t* in = int8_data(op.inputs[0]);
  const int8_t* w = int8_data(op.inputs[1]);
  const int32_t* bias = int32_data(op.inputs[2]);
  const int32_t* mult = op.rescale.multiplier.data();
  const int32_t* shift = op.rescale.shift.data();
  switch (op.kind) {
    case OpKind::Conv2d:
      kernels::conv2d(lowering::conv2d_params(g, op), in, w, weight_zp(op_index), bias, mult, shift, out);
      break;
    case OpKind::DepthwiseConv2d:
      kernels::depthwise_conv2d(lowering::depthwise_params(g, op), in, w, weight_zp(op_index), bias, mult, shift,
                                out);
      break;
    default:
      kernels::fully_connected(lowering::fully_connected_params(g, op), in, w, weight_zp(op_index), bias, mult, shift,
                               out);
      break;
  }
}

void Interpreter::run_accumulator_op(size_t op_index) {
  const ir::Graph& g = graph_;
  const ir::Op& op = g.ops[op_index];
  const int out_id = op.outputs[0];
  std::vector<int32_t>& acc = int32_[size_t(out_id)];
  const int8_t* in = int8_data(op.inputs[0]);
  const int8_t* w = int8_data(op.inputs[1]);
  const int32_t* bias = int32_data(op.inputs[2]);
  switch (op.kind) {
    case OpKind::Conv2d:
      kernels::conv2d_accumulators(lowering::conv2d_params(g, op), in, w, weight_zp(op_index), bias, acc.data());
      break;
    case OpKind::DepthwiseConv2d:
      kernels::depthwise_conv2d_accumulators(lowering::depthwise_params(g, op), in, w, weight_zp(op_index), bias, acc.data());
      break;
    case OpKind::FullyConnected:
      kernels::fully_connected_accumulators(lowering::fully_connected_params(g, op), in, w, weight_zp(op_index), bias, acc.data());
      break;
    default: throw Error(fmt::format("{}: {}: int32 output", g.source, g.describe(op)));  // excluded by check_op_shapes
  }
  store_int32(out_id);
}

std::vector<int32_t> int32_values(const TensorData& value) {
  std::vector<int32_t> v(value.size() / 4);
  for (size_t e = 0; e < v.size(); ++e) {
    uint32_t u = 0;
    for (size_t k = 0; k < 4; ++k) u |= uint32_t(uint8_t(value[4 * e + k])) << (8 * k);
    v[e] = int32_t(u);
  }
  return v;
}

std::vector<TensorData> run_reference(const ir::Graph& graph, const std::vector<TensorData>& inputs) {
  Interpreter interpreter(graph);
  interpreter.run(inputs);
  return interpreter.outputs();
}

}  // namespace kiln::reference
