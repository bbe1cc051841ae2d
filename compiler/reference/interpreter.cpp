#include "compiler/reference/interpreter.h"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

#include "arch/error.h"
#include "kernels/add.h"
#include "kernels/avg_pool.h"
#include "kernels/concat2.h"
#include "kernels/conv2d.h"
#include "kernels/copy.h"
#include "kernels/depthwise_conv2d.h"
#include "kernels/fully_connected.h"
#include "kernels/max_pool.h"
#include "kernels/mean.h"
#include "kernels/pad.h"
#include "kernels/pool_params.h"
#include "kernels/requantize_tensor.h"
#include "kernels/softmax.h"

namespace kiln::reference {

namespace {

using ir::OpKind;

// Kernel parameters of each op, built from the IR the same way for checking
// (constructor) and running.

kernels::Conv2dParams conv_params(const ir::Graph& g, const ir::Op& op) {
  const ir::Tensor& in = g.tensors[op.inputs[0]];
  const ir::Tensor& out = g.tensors[op.outputs[0]];
  kernels::Conv2dParams p;
  p.batches = in.shape[0];
  p.in_h = in.shape[1], p.in_w = in.shape[2], p.in_c = in.shape[3];
  p.out_h = out.shape[1], p.out_w = out.shape[2], p.out_c = out.shape[3];
  p.kh = op.window.kernel_h, p.kw = op.window.kernel_w;
  p.stride_h = op.window.stride_h, p.stride_w = op.window.stride_w;
  p.dil_h = op.window.dilation_h, p.dil_w = op.window.dilation_w;
  p.pad_top = op.window.pad.top, p.pad_left = op.window.pad.left;
  p.in_zp = in.zero_point(), p.out_zp = out.zero_point();
  p.act_min = op.act.min, p.act_max = op.act.max;
  return p;
}

kernels::DepthwiseConv2dParams depthwise_params(const ir::Graph& g, const ir::Op& op) {
  const ir::Tensor& in = g.tensors[op.inputs[0]];
  const ir::Tensor& out = g.tensors[op.outputs[0]];
  kernels::DepthwiseConv2dParams p;
  p.batches = in.shape[0];
  p.in_h = in.shape[1], p.in_w = in.shape[2], p.in_c = in.shape[3];
  p.out_h = out.shape[1], p.out_w = out.shape[2];
  p.depth_mult = op.depth_multiplier;
  p.kh = op.window.kernel_h, p.kw = op.window.kernel_w;
  p.stride_h = op.window.stride_h, p.stride_w = op.window.stride_w;
  p.dil_h = op.window.dilation_h, p.dil_w = op.window.dilation_w;
  p.pad_top = op.window.pad.top, p.pad_left = op.window.pad.left;
  p.in_zp = in.zero_point(), p.out_zp = out.zero_point();
  p.act_min = op.act.min, p.act_max = op.act.max;
  return p;
}

kernels::FullyConnectedParams fc_params(const ir::Graph& g, const ir::Op& op) {
  const ir::Tensor& in = g.tensors[op.inputs[0]];
  const ir::Tensor& w = g.tensors[op.inputs[1]];
  const ir::Tensor& out = g.tensors[op.outputs[0]];
  kernels::FullyConnectedParams p;
  p.out_features = w.shape[0];
  p.in_features = w.shape[1];
  p.batches = int(in.num_elements() / p.in_features);
  p.in_zp = in.zero_point(), p.out_zp = out.zero_point();
  p.act_min = op.act.min, p.act_max = op.act.max;
  return p;
}

kernels::PoolParams pool_params(const ir::Graph& g, const ir::Op& op) {
  const ir::Tensor& in = g.tensors[op.inputs[0]];
  const ir::Tensor& out = g.tensors[op.outputs[0]];
  kernels::PoolParams p;
  p.batches = in.shape[0];
  p.in_h = in.shape[1], p.in_w = in.shape[2], p.c = in.shape[3];
  p.out_h = out.shape[1], p.out_w = out.shape[2];
  p.kh = op.window.kernel_h, p.kw = op.window.kernel_w;
  p.stride_h = op.window.stride_h, p.stride_w = op.window.stride_w;
  p.pad_top = op.window.pad.top, p.pad_left = op.window.pad.left;
  p.act_min = op.act.min, p.act_max = op.act.max;
  return p;
}

kernels::AddParams add_params(const ir::Graph& g, const ir::Op& op) {
  const ir::Tensor& a = g.tensors[op.inputs[0]];
  const ir::Tensor& b = g.tensors[op.inputs[1]];
  const ir::Tensor& out = g.tensors[op.outputs[0]];
  kernels::AddParams p;
  p.count = out.num_elements();
  p.in1_zp = a.zero_point(), p.in2_zp = b.zero_point(), p.out_zp = out.zero_point();
  p.left_shift = op.add.left_shift;
  p.in1_mult = op.add.in1_multiplier, p.in1_shift = op.add.in1_shift;
  p.in2_mult = op.add.in2_multiplier, p.in2_shift = op.add.in2_shift;
  p.out_mult = op.add.out_multiplier, p.out_shift = op.add.out_shift;
  p.act_min = op.act.min, p.act_max = op.act.max;
  return p;
}

kernels::MeanParams mean_params(const ir::Graph& g, const ir::Op& op) {
  const ir::Tensor& in = g.tensors[op.inputs[0]];
  const ir::Tensor& out = g.tensors[op.outputs[0]];
  kernels::MeanParams p;
  p.batches = in.shape[0];
  p.h = in.shape[1], p.w = in.shape[2], p.c = in.shape[3];
  p.in_zp = in.zero_point(), p.out_zp = out.zero_point();
  p.mult = op.rescale.multiplier.at(0), p.shift = op.rescale.shift.at(0);
  return p;
}

kernels::RequantizeParams requantize_params(const ir::Graph& g, const ir::Op& op) {
  const ir::Tensor& in = g.tensors[op.inputs[0]];
  const ir::Tensor& out = g.tensors[op.outputs[0]];
  kernels::RequantizeParams p;
  p.count = out.num_elements();
  p.in_zp = in.zero_point(), p.out_zp = out.zero_point();
  p.mult = op.rescale.multiplier.at(0), p.shift = op.rescale.shift.at(0);
  p.act_min = op.act.min, p.act_max = op.act.max;
  return p;
}

kernels::PadParams pad_params(const ir::Graph& g, const ir::Op& op) {
  const ir::Tensor& in = g.tensors[op.inputs[0]];
  const ir::Tensor& out = g.tensors[op.outputs[0]];
  kernels::PadParams p;
  p.batches = in.shape[0];
  p.in_h = in.shape[1], p.in_w = in.shape[2], p.c = in.shape[3];
  p.pad_top = op.pads.at(1)[0], p.pad_bottom = op.pads.at(1)[1];
  p.pad_left = op.pads.at(2)[0], p.pad_right = op.pads.at(2)[1];
  p.pad_value = out.zero_point();
  return p;
}

kernels::SoftmaxParams softmax_params(const ir::Graph& g, const ir::Op& op) {
  const ir::Tensor& in = g.tensors[op.inputs[0]];
  kernels::SoftmaxParams p;
  p.depth = in.shape.empty() ? 1 : in.shape.back();
  p.rows = p.depth ? in.num_elements() / p.depth : 0;
  p.beta_mult = op.softmax.input_multiplier;
  p.beta_shift = op.softmax.input_left_shift;
  p.diff_min = op.softmax.diff_min;
  return p;
}

bool is_weighted(OpKind kind) {
  return kind == OpKind::Conv2d || kind == OpKind::DepthwiseConv2d || kind == OpKind::FullyConnected;
}

// An Int32 output of a weighted op is its raw accumulator (ONNX ConvInteger /
// MatMulInteger): no rescale, no clamp.
bool accumulator_output(const ir::Graph& g, const ir::Op& op) {
  return is_weighted(op.kind) && g.tensors[op.outputs[0]].type == ir::DataType::Int32;
}

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

// Concat as outer rows, each the inputs' inner blocks in order.
int64_t concat_outer(const ir::Shape& out, int axis) {
  int64_t outer = 1;
  for (int d = 0; d < axis; ++d) outer *= out[d];
  return outer;
}
int64_t concat_inner(const ir::Shape& s, int axis) {
  int64_t inner = 1;
  for (size_t d = size_t(axis); d < s.size(); ++d) inner *= s[d];
  return inner;
}

// The shape preconditions the kernel parameter builders rely on.
void check_shapes(const ir::Graph& g, const ir::Op& op) {
  auto rank = [&](int id, size_t r, const char* role) {
    if (g.tensors[id].shape.size() != r)
      throw Error(fmt::format("{}: {}: {} has shape {}, expected rank {}", g.source, g.describe(op), role,
                              ir::shape_string(g.tensors[id].shape), r));
  };
  auto inputs = [&](size_t n) {
    if (op.inputs.size() != n)
      throw Error(fmt::format("{}: {}: {} inputs, expected {}", g.source, g.describe(op), op.inputs.size(), n));
  };
  auto channels = [&](size_t n) {
    if (op.rescale.multiplier.size() != n || op.rescale.shift.size() != n)
      throw Error(fmt::format("{}: {}: {} multipliers, expected {}", g.source, g.describe(op),
                              op.rescale.multiplier.size(), n));
  };
  const bool requantized = op.outputs.size() != 1 || g.tensors[op.outputs[0]].type != ir::DataType::Int32;
  switch (op.kind) {
    case OpKind::Conv2d:
    case OpKind::DepthwiseConv2d:
      inputs(3);
      rank(op.inputs[0], 4, "input");
      rank(op.inputs[1], 4, "weights");
      rank(op.outputs[0], 4, "output");
      if (requantized) channels(size_t(g.tensors[op.outputs[0]].shape[3]));
      break;
    case OpKind::FullyConnected:
      inputs(3);
      rank(op.inputs[1], 2, "weights");
      if (requantized) channels(size_t(g.tensors[op.inputs[1]].shape[0]));
      break;
    case OpKind::AvgPool:
    case OpKind::MaxPool:
    case OpKind::Mean:
      inputs(1);
      rank(op.inputs[0], 4, "input");
      if (op.kind != OpKind::Mean) rank(op.outputs[0], 4, "output");
      if (op.kind == OpKind::Mean) channels(1);
      break;
    case OpKind::Pad:
      inputs(1);
      rank(op.inputs[0], 4, "input");
      if (op.pads.size() != 4) throw Error(fmt::format("{}: {}: expected 4 paddings", g.source, g.describe(op)));
      break;
    case OpKind::Add: inputs(2); break;
    case OpKind::Relu:
    case OpKind::Relu6:
    case OpKind::Requantize:
      inputs(1);
      channels(1);
      break;
    case OpKind::Reshape:
    case OpKind::Softmax: inputs(1); break;
    case OpKind::Concat:
      if (op.inputs.empty()) throw Error(fmt::format("{}: {}: no inputs", g.source, g.describe(op)));
      break;
  }
  for (int id : op.inputs)
    if (!g.tensors[id].is_constant() && g.tensors[id].type != ir::DataType::Int8)
      throw Error(fmt::format("{}: {}: activation '{}' is {}, expected int8", g.source, g.describe(op),
                              g.tensors[id].name, ir::data_type_name(g.tensors[id].type)));
  for (int id : op.outputs)
    if (g.tensors[id].type != ir::DataType::Int8 && !accumulator_output(g, op))
      throw Error(fmt::format("{}: {}: output '{}' is {}, expected int8{}", g.source, g.describe(op),
                              g.tensors[id].name, ir::data_type_name(g.tensors[id].type),
                              is_weighted(op.kind) ? " or int32 (the accumulator)" : ""));
}

// Runs the kernel's own parameter validation up front, so a bad graph fails
// at construction with the op named.
void check_kernel_params(const ir::Graph& g, const ir::Op& op, const int32_t* weight_zp) {
  try {
    switch (op.kind) {
      case OpKind::Conv2d: kernels::validate(conv_params(g, op), weight_zp); break;
      case OpKind::DepthwiseConv2d: kernels::validate(depthwise_params(g, op), weight_zp); break;
      case OpKind::FullyConnected: kernels::validate(fc_params(g, op), weight_zp); break;
      case OpKind::AvgPool: kernels::validate(pool_params(g, op), "avg_pool"); break;
      case OpKind::MaxPool: kernels::validate(pool_params(g, op), "max_pool"); break;
      case OpKind::Add: kernels::validate(add_params(g, op)); break;
      case OpKind::Mean: kernels::validate(mean_params(g, op)); break;
      case OpKind::Pad: kernels::validate(pad_params(g, op)); break;
      case OpKind::Softmax: kernels::validate(softmax_params(g, op)); break;
      case OpKind::Relu:
      case OpKind::Relu6:
      case OpKind::Requantize: kernels::validate(requantize_params(g, op)); break;
      case OpKind::Reshape:
      case OpKind::Concat: break;
    }
  } catch (const Error& e) {
    throw Error(fmt::format("{}: {}: {}", g.source, g.describe(op), e.what()));
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
    check_shapes(graph_, op);
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
    if (int64_t(inputs[i].size()) != t.num_elements())
      throw Error(fmt::format("{}: input '{}' needs {} values (shape {}), got {}", graph_.source, t.name,
                              t.num_elements(), ir::shape_string(t.shape), inputs[i].size()));
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
  const int out_id = op.outputs[0];
  if (accumulator_output(g, op)) {
    run_accumulator_op(op_index);
    return;
  }
  int8_t* out = values_[size_t(out_id)].data();
  const int8_t* in = int8_data(op.inputs[0]);
  switch (op.kind) {
    case OpKind::Conv2d:
      kernels::conv2d(conv_params(g, op), in, int8_data(op.inputs[1]), weight_zp(op_index), int32_data(op.inputs[2]),
                      op.rescale.multiplier.data(), op.rescale.shift.data(), out);
      break;
    case OpKind::DepthwiseConv2d:
      kernels::depthwise_conv2d(depthwise_params(g, op), in, int8_data(op.inputs[1]), weight_zp(op_index),
                                int32_data(op.inputs[2]), op.rescale.multiplier.data(), op.rescale.shift.data(), out);
      break;
    case OpKind::FullyConnected:
      kernels::fully_connected(fc_params(g, op), in, int8_data(op.inputs[1]), weight_zp(op_index),
                               int32_data(op.inputs[2]), op.rescale.multiplier.data(), op.rescale.shift.data(), out);
      break;
    case OpKind::Add: kernels::add(add_params(g, op), in, int8_data(op.inputs[1]), out); break;
    case OpKind::AvgPool: kernels::avg_pool(pool_params(g, op), in, out); break;
    case OpKind::MaxPool: kernels::max_pool(pool_params(g, op), in, out); break;
    case OpKind::Mean: kernels::mean(mean_params(g, op), in, out); break;
    case OpKind::Reshape: kernels::copy(g.tensors[size_t(op.outputs[0])].num_elements(), in, out); break;
    case OpKind::Pad: kernels::pad(pad_params(g, op), in, out); break;
    case OpKind::Softmax: kernels::softmax(softmax_params(g, op), in, out); break;
    case OpKind::Relu:
    case OpKind::Relu6:
    case OpKind::Requantize: kernels::requantize(requantize_params(g, op), in, out); break;
    case OpKind::Concat: {
      const ir::Shape& out_shape = g.tensors[size_t(op.outputs[0])].shape;
      const int64_t outer = concat_outer(out_shape, op.axis);
      if (op.inputs.size() == 2) {
        kernels::Concat2Params p;
        p.outer = outer;
        p.in1_inner = concat_inner(g.tensors[size_t(op.inputs[0])].shape, op.axis);
        p.in2_inner = concat_inner(g.tensors[size_t(op.inputs[1])].shape, op.axis);
        kernels::concat2(p, in, int8_data(op.inputs[1]), out);
        break;
      }
      // Any other count: row by row, each input's block in turn.
      int8_t* dst = out;
      for (int64_t o = 0; o < outer; ++o)
        for (int id : op.inputs) {
          const int64_t inner = concat_inner(g.tensors[size_t(id)].shape, op.axis);
          kernels::copy(inner, int8_data(id) + o * inner, dst);
          dst += inner;
        }
      break;
    }
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
      kernels::conv2d_accumulators(conv_params(g, op), in, w, weight_zp(op_index), bias, acc.data());
      break;
    case OpKind::DepthwiseConv2d:
      kernels::depthwise_conv2d_accumulators(depthwise_params(g, op), in, w, weight_zp(op_index), bias, acc.data());
      break;
    case OpKind::FullyConnected:
      kernels::fully_connected_accumulators(fc_params(g, op), in, w, weight_zp(op_index), bias, acc.data());
      break;
    default: throw Error(fmt::format("{}: {}: int32 output", g.source, g.describe(op)));  // excluded by check_shapes
  }
  // The value as bytes, little-endian whatever the host (as Tensor::data).
  TensorData& bytes = values_[size_t(out_id)];
  for (size_t e = 0; e < acc.size(); ++e)
    for (size_t k = 0; k < 4; ++k) bytes[4 * e + k] = int8_t(uint8_t(uint32_t(acc[e]) >> (8 * k)));
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
