#include "compiler/lowering/mcu_call.h"

#include <fmt/format.h>

#include "arch/error.h"
#include "arch/escaped.h"
#include "compiler/ir/broadcast.h"

namespace kiln::lowering {

using ir::OpKind;
using kernels::McuKernel;

namespace {

const ir::Tensor& input(const ir::Graph& g, const ir::Op& op, size_t i) { return g.tensors[size_t(op.inputs[i])]; }
const ir::Tensor& output(const ir::Graph& g, const ir::Op& op) { return g.tensors[size_t(op.outputs[0])]; }

bool is_weighted(OpKind kind) {
  return kind == OpKind::Conv2d || kind == OpKind::DepthwiseConv2d || kind == OpKind::FullyConnected;
}

// Concat as outer rows, each the inputs' inner blocks in order.
int64_t concat_outer(const ir::Shape& out, int axis) {
  int64_t outer = 1;
  for (int d = 0; d < axis; ++d) outer *= out[size_t(d)];
  return outer;
}

int64_t concat_inner(const ir::Shape& s, int axis) {
  int64_t inner = 1;
  for (size_t d = size_t(axis); d < s.size(); ++d) inner *= s[d];
  return inner;
}

// Output channels of a weighted op: conv and depthwise NHWC outputs, fully connected [out, in] weights.
int32_t channels(const ir::Graph& g, const ir::Op& op) {
  return op.kind == OpKind::FullyConnected ? input(g, op, 1).shape[0] : output(g, op).shape[3];
}

std::vector<int32_t> broadcast(const std::vector<int32_t>& v, int32_t n) {
  std::vector<int32_t> out(static_cast<size_t>(n));
  for (size_t c = 0; c < out.size(); ++c) out[c] = v[v.size() > 1 ? c : 0];
  return out;
}

// The fields conv and depthwise share (same names in both parameter structs).
template <class P>
P sliding_window(const ir::Graph& g, const ir::Op& op) {
  const ir::Tensor& in = input(g, op, 0);
  const ir::Tensor& out = output(g, op);
  P p;
  p.batches = in.shape[0];
  p.in_h = in.shape[1], p.in_w = in.shape[2], p.in_c = in.shape[3];
  p.out_h = out.shape[1], p.out_w = out.shape[2];
  p.kh = op.window.kernel_h, p.kw = op.window.kernel_w;
  p.stride_h = op.window.stride_h, p.stride_w = op.window.stride_w;
  p.dil_h = op.window.dilation_h, p.dil_w = op.window.dilation_w;
  p.pad_top = op.window.pad.top, p.pad_left = op.window.pad.left;
  p.in_zp = in.zero_point(), p.out_zp = out.zero_point();
  p.act_min = op.act.min, p.act_max = op.act.max;
  return p;
}

}  // namespace

kernels::Conv2dParams conv2d_params(const ir::Graph& g, const ir::Op& op) {
  kernels::Conv2dParams p = sliding_window<kernels::Conv2dParams>(g, op);
  p.out_c = output(g, op).shape[3];
  return p;
}

kernels::DepthwiseConv2dParams depthwise_params(const ir::Graph& g, const ir::Op& op) {
  kernels::DepthwiseConv2dParams p = sliding_window<kernels::DepthwiseConv2dParams>(g, op);
  p.depth_mult = op.depth_multiplier;
  return p;
}

kernels::FullyConnectedParams fully_connected_params(const ir::Graph& g, const ir::Op& op) {
  const ir::Tensor& in = input(g, op, 0);
  const ir::Tensor& w = input(g, op, 1);
  kernels::FullyConnectedParams p;
  p.out_features = w.shape[0];
  p.in_features = w.shape[1];
  p.batches = int(in.num_elements() / p.in_features);
  p.in_zp = in.zero_point(), p.out_zp = output(g, op).zero_point();
  p.act_min = op.act.min, p.act_max = op.act.max;
  return p;
}

kernels::PoolParams pool_params(const ir::Graph& g, const ir::Op& op) {
  const ir::Tensor& in = input(g, op, 0);
  const ir::Tensor& out = output(g, op);
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
  const ir::Tensor& out = output(g, op);
  kernels::AddParams p;
  p.count = out.num_elements();
  p.in1_zp = input(g, op, 0).zero_point(), p.in2_zp = input(g, op, 1).zero_point(), p.out_zp = out.zero_point();
  p.left_shift = op.add.left_shift;
  p.in1_mult = op.add.in1_multiplier, p.in1_shift = op.add.in1_shift;
  p.in2_mult = op.add.in2_multiplier, p.in2_shift = op.add.in2_shift;
  p.out_mult = op.add.out_multiplier, p.out_shift = op.add.out_shift;
  p.act_min = op.act.min, p.act_max = op.act.max;
  return p;
}

kernels::MaxMinParams max_min_params(const ir::Graph& g, const ir::Op& op) {
  kernels::MaxMinParams p;
  p.count = output(g, op).num_elements();
  return p;
}

kernels::SubParams sub_params(const ir::Graph& g, const ir::Op& op) {
  const ir::Tensor& out = output(g, op);
  kernels::SubParams p;
  p.count = out.num_elements();
  p.in1_count = input(g, op, 0).num_elements(), p.in2_count = input(g, op, 1).num_elements();
  p.in1_zp = input(g, op, 0).zero_point(), p.in2_zp = input(g, op, 1).zero_point(), p.out_zp = out.zero_point();
  p.left_shift = op.add.left_shift;
  p.in1_mult = op.add.in1_multiplier, p.in1_shift = op.add.in1_shift;
  p.in2_mult = op.add.in2_multiplier, p.in2_shift = op.add.in2_shift;
  p.out_mult = op.add.out_multiplier, p.out_shift = op.add.out_shift;
  p.act_min = op.act.min, p.act_max = op.act.max;
  return p;
}

kernels::MulParams mul_params(const ir::Graph& g, const ir::Op& op) {
  const ir::Tensor& out = output(g, op);
  kernels::MulParams p;
  p.count = out.num_elements();
  p.in1_count = input(g, op, 0).num_elements(), p.in2_count = input(g, op, 1).num_elements();
  p.in1_zp = input(g, op, 0).zero_point(), p.in2_zp = input(g, op, 1).zero_point(), p.out_zp = out.zero_point();
  p.out_mult = op.rescale.multiplier.at(0), p.out_shift = op.rescale.shift.at(0);
  p.act_min = op.act.min, p.act_max = op.act.max;
  return p;
}

kernels::MeanParams mean_params(const ir::Graph& g, const ir::Op& op) {
  const ir::Tensor& in = input(g, op, 0);
  kernels::MeanParams p;
  p.batches = in.shape[0];
  p.h = in.shape[1], p.w = in.shape[2], p.c = in.shape[3];
  p.in_zp = in.zero_point(), p.out_zp = output(g, op).zero_point();
  p.mult = op.rescale.multiplier.at(0), p.shift = op.rescale.shift.at(0);
  return p;
}

kernels::RequantizeParams requantize_params(const ir::Graph& g, const ir::Op& op) {
  const ir::Tensor& out = output(g, op);
  kernels::RequantizeParams p;
  p.count = out.num_elements();
  p.in_zp = input(g, op, 0).zero_point(), p.out_zp = out.zero_point();
  p.mult = op.rescale.multiplier.at(0), p.shift = op.rescale.shift.at(0);
  p.act_min = op.act.min, p.act_max = op.act.max;
  return p;
}

kernels::PadParams pad_params(const ir::Graph& g, const ir::Op& op) {
  const ir::Tensor& in = input(g, op, 0);
  kernels::PadParams p;
  p.batches = in.shape[0];
  p.in_h = in.shape[1], p.in_w = in.shape[2], p.c = in.shape[3];
  p.pad_top = op.pads.at(1)[0], p.pad_bottom = op.pads.at(1)[1];
  p.pad_left = op.pads.at(2)[0], p.pad_right = op.pads.at(2)[1];
  p.pad_value = op.has_pad_value ? op.pad_value : output(g, op).zero_point();
  return p;
}

kernels::SoftmaxParams softmax_params(const ir::Graph& g, const ir::Op& op) {
  const ir::Tensor& in = input(g, op, 0);
  kernels::SoftmaxParams p;
  p.depth = in.shape.empty() ? 1 : in.shape.back();
  p.rows = p.depth ? in.num_elements() / p.depth : 0;
  p.beta_mult = op.softmax.input_multiplier;
  p.beta_shift = op.softmax.input_left_shift;
  p.diff_min = op.softmax.diff_min;
  return p;
}

kernels::Concat2Params concat2_params(const ir::Graph& g, const ir::Op& op) {
  kernels::Concat2Params p;
  p.outer = concat_outer(output(g, op).shape, op.axis);
  p.in1_inner = concat_inner(input(g, op, 0).shape, op.axis);
  p.in2_inner = concat_inner(input(g, op, 1).shape, op.axis);
  return p;
}

kernels::CopyParams copy_params(const ir::Graph& g, const ir::Op& op) {
  kernels::CopyParams p;
  p.bytes = int64_t(output(g, op).byte_size());
  return p;
}

std::vector<McuOperand> weighted_operands(const ir::Graph& g, const ir::Op& op) {
  const int32_t n = channels(g, op);
  McuOperand bias;
  if (op.inputs.size() > 2 && op.inputs[2] >= 0 && input(g, op, 2).is_constant())
    bias.tensor = op.inputs[2];
  else
    bias.values.assign(size_t(n), 0);
  return {{op.inputs[0], {}},
          {op.inputs[1], {}},
          bias,
          {-1, broadcast(op.rescale.multiplier, n)},
          {-1, broadcast(op.rescale.shift, n)},
          {op.outputs[0], {}}};
}

kernels::QuantizeParams quantize_params(const ir::Graph& g, const ir::Op& op) {
  const ir::Tensor& out = output(g, op);
  kernels::QuantizeParams p;
  p.count = out.num_elements();
  p.out_zp = out.zero_point();
  p.scale_bits = kernels::float_bits(out.scale());
  p.rounding = op.round_half_to_even ? kernels::kRoundHalfToEven : kernels::kRoundHalfAwayFromZero;
  return p;
}

kernels::DequantizeParams dequantize_params(const ir::Graph& g, const ir::Op& op) {
  const ir::Tensor& in = input(g, op, 0);
  kernels::DequantizeParams p;
  p.count = in.num_elements();
  p.in_zp = in.zero_point();
  p.scale_bits = kernels::float_bits(in.scale());
  return p;
}

kernels::LutParams lut_params(const ir::Graph& g, const ir::Op& op) {
  kernels::LutParams p;
  p.count = output(g, op).num_elements();
  return p;
}

std::vector<McuOperand> tensor_operands(const ir::Op& op) {
  std::vector<McuOperand> o;
  for (int t : op.inputs) o.push_back({t, {}});
  for (int t : op.outputs) o.push_back({t, {}});
  return o;
}

void check_op_shapes(const ir::Graph& g, const ir::Op& op) {
  auto fail = [&](const std::string& what) {
    throw Error(fmt::format("{}: {}: {}", g.source, g.describe(op), what));
  };
  auto rank = [&](int id, size_t r, const char* role) {
    if (g.tensors[size_t(id)].shape.size() != r)
      fail(fmt::format("{} has shape {}, expected rank {}", role, ir::shape_string(g.tensors[size_t(id)].shape), r));
  };
  auto inputs = [&](size_t n) {
    if (op.inputs.size() != n) fail(fmt::format("{} inputs, expected {}", op.inputs.size(), n));
  };
  auto channel_arrays = [&](size_t n) {
    if (op.rescale.multiplier.size() != n || op.rescale.shift.size() != n)
      fail(fmt::format("{} multipliers, expected {}", op.rescale.multiplier.size(), n));
  };
  const bool accumulator = is_weighted(op.kind) && op.outputs.size() == 1 &&
                           g.tensors[size_t(op.outputs[0])].type == ir::DataType::Int32;
  switch (op.kind) {
    case OpKind::Conv2d:
    case OpKind::DepthwiseConv2d:
      inputs(3);
      rank(op.inputs[0], 4, "input");
      rank(op.inputs[1], 4, "weights");
      rank(op.outputs[0], 4, "output");
      if (!accumulator) channel_arrays(size_t(g.tensors[size_t(op.outputs[0])].shape[3]));
      break;
    case OpKind::FullyConnected:
      inputs(3);
      rank(op.inputs[1], 2, "weights");
      if (!accumulator) channel_arrays(size_t(g.tensors[size_t(op.inputs[1])].shape[0]));
      break;
    case OpKind::AvgPool:
    case OpKind::MaxPool:
    case OpKind::Mean:
      inputs(1);
      rank(op.inputs[0], 4, "input");
      if (op.kind != OpKind::Mean) rank(op.outputs[0], 4, "output");
      if (op.kind == OpKind::Mean) channel_arrays(1);
      break;
    case OpKind::Pad:
      inputs(1);
      rank(op.inputs[0], 4, "input");
      if (op.pads.size() != 4) fail("expected 4 paddings");
      break;
    case OpKind::Add: inputs(2); break;
    case OpKind::Maximum:
    case OpKind::Minimum:
      inputs(2);
      for (int id : op.inputs)
        if (g.tensors[size_t(id)].num_elements() != g.tensors[size_t(op.outputs[0])].num_elements())
          fail("input and output element counts differ (broadcasting unsupported)");
      break;
    case OpKind::Sub:
    case OpKind::Mul:
      inputs(2);
      if (op.kind == OpKind::Mul) channel_arrays(1);
      for (int id : op.inputs)
        if (!ir::repeats_innermost(g.tensors[size_t(id)].shape, g.tensors[size_t(op.outputs[0])].shape))
          fail(fmt::format("input shape {} does not repeat along the output {}'s innermost dimensions",
                           ir::shape_string(g.tensors[size_t(id)].shape),
                           ir::shape_string(g.tensors[size_t(op.outputs[0])].shape)));
      break;
    case OpKind::Relu:
    case OpKind::Relu6:
    case OpKind::Requantize:
      inputs(1);
      channel_arrays(1);
      break;
    case OpKind::Reshape:
    case OpKind::Softmax: inputs(1); break;
    case OpKind::Kernel: break;  // the kernel's table entry checks it (mcu_call)
    case OpKind::Concat:
      if (op.inputs.empty()) fail("no inputs");
      break;
    case OpKind::Lut: {
      inputs(2);
      const ir::Tensor& table = g.tensors[size_t(op.inputs[1])];
      if (!table.is_constant() || table.type != ir::DataType::Int8 || table.num_elements() != kernels::kLutEntries)
        fail(fmt::format("table '{}' must be a constant int8 tensor of {} entries", table.name, kernels::kLutEntries));
      if (g.tensors[size_t(op.inputs[0])].num_elements() != g.tensors[size_t(op.outputs[0])].num_elements())
        fail("input and output element counts differ");
      break;
    }
    case OpKind::Quantize:
    case OpKind::Dequantize:
      inputs(1);
      if (g.tensors[size_t(op.inputs[0])].num_elements() != g.tensors[size_t(op.outputs[0])].num_elements())
        fail("input and output element counts differ");
      break;
  }
  // Float only at the edges: into Quantize, out of Dequantize; a kernel op's
  // inputs have its kernel's argument types (check_mcu_call: float32 for the
  // float kernels).
  const ir::DataType in_type = op.kind == OpKind::Quantize ? ir::DataType::Float32 : ir::DataType::Int8;
  const ir::DataType out_type = output_type(op);
  for (int id : op.inputs)
    if (op.kind != OpKind::Kernel && !g.tensors[size_t(id)].is_constant() && g.tensors[size_t(id)].type != in_type)
      fail(fmt::format("activation '{}' is {}, expected {}", g.tensors[size_t(id)].name,
                       ir::data_type_name(g.tensors[size_t(id)].type), ir::data_type_name(in_type)));
  for (int id : op.outputs)
    if (g.tensors[size_t(id)].type != out_type && !accumulator)
      fail(fmt::format("output '{}' is {}, expected {}{}", g.tensors[size_t(id)].name,
                       ir::data_type_name(g.tensors[size_t(id)].type), ir::data_type_name(out_type),
                       is_weighted(op.kind) ? " or int32 (the accumulator)" : ""));
}

ir::DataType output_type(const ir::Op& op) {
  if (op.kind == OpKind::Dequantize) return ir::DataType::Float32;
  if (op.kind != OpKind::Kernel) return ir::DataType::Int8;
  // A name no kernel has fails in mcu_call with its own message.
  const kernels::McuKernelBinding* b = kernels::find_mcu_binding(op.kernel);
  switch (b ? written_element(b->spec()) : McuElement::Int8) {
    case McuElement::Int32: return ir::DataType::Int32;
    case McuElement::Float32: return ir::DataType::Float32;
    case McuElement::Int8:
    case McuElement::None: break;
  }
  return ir::DataType::Int8;
}

namespace {

ir::DataType element_type(McuElement e) {
  return e == McuElement::Float32 ? ir::DataType::Float32 : e == McuElement::Int32 ? ir::DataType::Int32
                                                                                    : ir::DataType::Int8;
}

// The tensors of a kernel op against its kernel's operand arguments, in
// order: each of the argument's element type (int8, int32 or float32). How
// many there are is the kernel's own check (its from_op), so that its error
// names what the operator lacks.
void check_kernel_operands(const ir::Graph& g, const ir::Op& op) {
  const kernels::McuKernelBinding* b = kernels::find_mcu_binding(op.kernel);
  if (!b) return;  // named by the lowering
  std::vector<int> tensors = op.inputs;
  tensors.insert(tensors.end(), op.outputs.begin(), op.outputs.end());
  size_t k = 0;
  for (const McuArg& a : b->spec().args) {
    if (!a.is_operand()) continue;
    if (k >= tensors.size()) break;
    const ir::Tensor& t = g.tensors[size_t(tensors[k++])];
    if (t.type != element_type(a.element) && !(t.type == ir::DataType::UInt8 && a.element == McuElement::Int8))
      throw Error(fmt::format("{}: {}: {} '{}' is {}; the kernel {}'s argument '{}' takes {}", g.source,
                              g.describe(op), a.type == McuArgType::Write ? "output" : "input", t.name,
                              ir::data_type_name(t.type), b->spec().name, a.name,
                              ir::data_type_name(element_type(a.element))));
  }
}

}  // namespace

void check_mcu_call(const ir::Graph& g, const ir::Op& op) {
  check_op_shapes(g, op);
  const ir::DataType out_type = output_type(op);
  if (op.outputs.size() != 1 || g.tensors[size_t(op.outputs[0])].type != out_type)
    throw Error(fmt::format("{}: {}: the MCU kernels write one {} output", g.source, g.describe(op),
                            ir::data_type_name(out_type)));
  if (op.kind == OpKind::Kernel) check_kernel_operands(g, op);
  if (op.kind == OpKind::Pad && (op.pads[0] != std::array<int32_t, 2>{0, 0} || op.pads[3] != std::array<int32_t, 2>{0, 0}))
    throw Error(fmt::format("{}: {}: PAD is supported over height and width of an NHWC tensor only", g.source,
                            g.describe(op)));
  if (op.kind == OpKind::Concat && op.inputs.size() != 2)
    throw Error(fmt::format("{}: {}: CONCATENATION of {} inputs; the MCU kernel joins 2 (split it in the model)",
                            g.source, g.describe(op), op.inputs.size()));
}

namespace {

kernels::McuTensorView tensor_view(const ir::Tensor& t) {
  kernels::McuTensorView v;
  v.shape.assign(t.shape.begin(), t.shape.end());
  switch (t.type) {
    case ir::DataType::Int32: v.element = McuElement::Int32; break;
    case ir::DataType::Float32: v.element = McuElement::Float32; break;
    case ir::DataType::Int8:
    case ir::DataType::UInt8: v.element = McuElement::Int8; break;
  }
  v.scales = t.quant.scale;
  v.zero_points = t.quant.zero_point;
  if (t.is_constant()) v.data = t.data.data();
  return v;
}

// The kernel, and its parameters for op.
std::unique_ptr<kernels::McuInvocation> invocation(const ir::Graph& g, const ir::Op& op) {
  // Typed parameters (not temporaries) bound to the kernel that runs them.
  auto bind = [](McuKernel id, auto params) -> std::unique_ptr<kernels::McuInvocation> {
    using P = decltype(params);
    return kernels::mcu_kernel<P>(id).bind(std::move(params));
  };
  switch (op.kind) {
    case OpKind::Conv2d: {
      kernels::Conv2dParams p = conv2d_params(g, op);
      const McuKernel id = kernels::conv2d_kernel(p);
      return bind(id, std::move(p));
    }
    case OpKind::DepthwiseConv2d: return bind(McuKernel::DepthwiseConv2d, depthwise_params(g, op));
    case OpKind::FullyConnected: return bind(McuKernel::FullyConnected, fully_connected_params(g, op));
    case OpKind::Add: return bind(McuKernel::Add, add_params(g, op));
    case OpKind::AvgPool: return bind(McuKernel::AvgPool, pool_params(g, op));
    case OpKind::MaxPool: return bind(McuKernel::MaxPool, pool_params(g, op));
    case OpKind::Mean: return bind(McuKernel::Mean, mean_params(g, op));
    case OpKind::Reshape: return bind(McuKernel::Copy, copy_params(g, op));
    case OpKind::Pad: return bind(McuKernel::Pad, pad_params(g, op));
    case OpKind::Softmax: return bind(McuKernel::Softmax, softmax_params(g, op));
    case OpKind::Concat: return bind(McuKernel::Concat2, concat2_params(g, op));
    case OpKind::Quantize: return bind(McuKernel::Quantize, quantize_params(g, op));
    case OpKind::Dequantize: return bind(McuKernel::Dequantize, dequantize_params(g, op));
    case OpKind::Lut: return bind(McuKernel::Lut, lut_params(g, op));
    case OpKind::Maximum: return bind(McuKernel::Maximum, max_min_params(g, op));
    case OpKind::Minimum: return bind(McuKernel::Minimum, max_min_params(g, op));
    case OpKind::Sub: return bind(McuKernel::Sub, sub_params(g, op));
    case OpKind::Mul: return bind(McuKernel::Mul, mul_params(g, op));
    case OpKind::Kernel: {
      const kernels::McuKernelBinding* b = kernels::find_mcu_binding(op.kernel);
      if (!b || !b->runs_operator())
        throw Error(fmt::format("{}: {}: '{}' is not an MCU kernel that runs an operator of its own", g.source,
                                g.describe(op), escaped(op.kernel)));
      try {
        return b->from_op(mcu_op_view(g, op));
      } catch (const Error& e) {
        throw Error(fmt::format("{}: {}: {}", g.source, g.describe(op), e.what()));
      }
    }
    case OpKind::Relu:
    case OpKind::Relu6:
    case OpKind::Requantize: break;
  }
  return bind(McuKernel::Requantize, requantize_params(g, op));
}

}  // namespace

kernels::McuOpView mcu_op_view(const ir::Graph& g, const ir::Op& op) {
  kernels::McuOpView v;
  v.kernel = op.kernel;
  for (int id : op.inputs) v.inputs.push_back(tensor_view(g.tensors[size_t(id)]));
  for (int id : op.outputs) v.outputs.push_back(tensor_view(g.tensors[size_t(id)]));
  v.attrs = op.attrs;
  v.real_attrs = op.real_attrs;
  return v;
}

McuCall mcu_call(const ir::Graph& g, const ir::Op& op) {
  check_mcu_call(g, op);
  McuCall c;
  c.kernel = invocation(g, op);
  c.operands = is_weighted(op.kind) ? weighted_operands(g, op) : tensor_operands(op);
  return c;
}

}  // namespace kiln::lowering
