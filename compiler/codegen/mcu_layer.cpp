#include "compiler/codegen/mcu_layer.h"

#include <cstring>
#include <map>

#include <fmt/format.h>

#include "arch/error.h"
#include "arch/mcu_op.h"

namespace kiln::codegen {
namespace {

using Args = std::map<std::string, int64_t>;

Command make_op(const ir::Graph& g, const ir::Op& op, McuKernel kernel, const Args& args) {
  const McuKernelSpec* spec = find_mcu_kernel(uint16_t(kernel));
  McuOpCmd cmd;
  cmd.kernel = uint16_t(kernel);
  for (const char* name : spec->args) {
    const auto it = args.find(name);
    if (it == args.end())
      throw Error(fmt::format("{}: internal: MCU kernel {} argument '{}' not set", g.describe(op), spec->name, name));
    cmd.args.push_back(uint32_t(it->second));  // two's complement for negative values
  }
  return {Opcode::McuOp, {}, cmd};
}

std::vector<uint8_t> int32_bytes(const std::vector<int32_t>& v) {
  std::vector<uint8_t> out(v.size() * 4);
  if (!v.empty()) std::memcpy(out.data(), v.data(), out.size());
  return out;
}

// Per-output-channel arrays (bias, multiplier, shift) in flash, broadcasting per-tensor values.
void channel_arrays(const ir::Graph& g, const ir::Op& op, int32_t channels, FlashImage& flash, Args& a) {
  const size_t n = size_t(channels);
  std::vector<int32_t> bias(n, 0), mult(n, 0), shift(n, 0);
  const bool has_bias = op.inputs.size() > 2 && op.inputs[2] >= 0 && g.tensors[op.inputs[2]].is_constant();
  for (int32_t c = 0; c < channels; ++c) {
    if (has_bias) bias[c] = g.tensors[op.inputs[2]].int32_at(size_t(c));
    const size_t r = op.rescale.multiplier.size() > 1 ? size_t(c) : 0;
    mult[c] = op.rescale.multiplier[r];
    shift[c] = op.rescale.shift[r];
  }
  a["bias"] = int64_t(flash.append(int32_bytes(bias)));
  a["mult"] = int64_t(flash.append(int32_bytes(mult)));
  a["shift"] = int64_t(flash.append(int32_bytes(shift)));
}

void window_args(const ir::Op& op, Args& a) {
  a["kh"] = op.window.kernel_h, a["kw"] = op.window.kernel_w;
  a["stride_h"] = op.window.stride_h, a["stride_w"] = op.window.stride_w;
  a["dil_h"] = op.window.dilation_h, a["dil_w"] = op.window.dilation_w;
  a["pad_top"] = op.window.pad.top, a["pad_left"] = op.window.pad.left;
}

}  // namespace

Command emit_mcu_op(const ir::Graph& g, const ir::Op& op, const std::vector<uint64_t>& addr, FlashImage& flash) {
  const ir::Tensor& in = g.tensors[op.inputs[0]];
  const ir::Tensor& out = g.tensors[op.outputs[0]];
  Args a;
  a["in"] = int64_t(addr[op.inputs[0]]);
  a["out"] = int64_t(addr[op.outputs[0]]);
  a["act_min"] = op.act.min, a["act_max"] = op.act.max;
  a["in_zp"] = in.zero_point(), a["out_zp"] = out.zero_point();
  const auto dim = [](const ir::Tensor& t, size_t i) { return int64_t(t.shape.at(i)); };
  switch (op.kind) {
    case ir::OpKind::Conv2d:
    case ir::OpKind::DepthwiseConv2d: {
      const ir::Tensor& w = g.tensors[op.inputs[1]];
      a["weights"] = int64_t(flash.append(w.data));
      channel_arrays(g, op, out.shape[3], flash, a);
      a["in_h"] = dim(in, 1), a["in_w"] = dim(in, 2), a["in_c"] = dim(in, 3);
      a["out_h"] = dim(out, 1), a["out_w"] = dim(out, 2), a["out_c"] = dim(out, 3);
      a["depth_mult"] = op.depth_multiplier;
      window_args(op, a);
      return make_op(g, op, op.kind == ir::OpKind::Conv2d ? McuKernel::Conv2d : McuKernel::DepthwiseConv2d, a);
    }
    case ir::OpKind::FullyConnected: {
      const ir::Tensor& w = g.tensors[op.inputs[1]];
      a["weights"] = int64_t(flash.append(w.data));
      channel_arrays(g, op, w.shape[0], flash, a);
      a["in_features"] = w.shape[1], a["out_features"] = w.shape[0];
      a["batches"] = in.num_elements() / w.shape[1];
      return make_op(g, op, McuKernel::FullyConnected, a);
    }
    case ir::OpKind::Add: {
      const ir::Tensor& in2 = g.tensors[op.inputs[1]];
      a["in1"] = a["in"], a["in2"] = int64_t(addr[op.inputs[1]]);
      a["count"] = out.num_elements();
      a["in1_zp"] = in.zero_point(), a["in2_zp"] = in2.zero_point();
      a["left_shift"] = op.add.left_shift;
      a["in1_mult"] = op.add.in1_multiplier, a["in1_shift"] = op.add.in1_shift;
      a["in2_mult"] = op.add.in2_multiplier, a["in2_shift"] = op.add.in2_shift;
      a["out_mult"] = op.add.out_multiplier, a["out_shift"] = op.add.out_shift;
      return make_op(g, op, McuKernel::Add, a);
    }
    case ir::OpKind::AvgPool:
    case ir::OpKind::MaxPool:
      a["in_h"] = dim(in, 1), a["in_w"] = dim(in, 2), a["c"] = dim(in, 3);
      a["out_h"] = dim(out, 1), a["out_w"] = dim(out, 2);
      window_args(op, a);
      return make_op(g, op, op.kind == ir::OpKind::AvgPool ? McuKernel::AvgPool : McuKernel::MaxPool, a);
    case ir::OpKind::Mean:
      a["h"] = dim(in, 1), a["w"] = dim(in, 2), a["c"] = dim(in, 3);
      a["mult"] = op.rescale.multiplier.at(0), a["shift"] = op.rescale.shift.at(0);
      return make_op(g, op, McuKernel::Mean, a);
    case ir::OpKind::Softmax: {
      const int64_t depth = in.shape.back();
      a["rows"] = in.num_elements() / depth, a["depth"] = depth;
      a["beta_mult"] = op.softmax.input_multiplier, a["beta_shift"] = op.softmax.input_left_shift;
      a["diff_min"] = op.softmax.diff_min;
      return make_op(g, op, McuKernel::Softmax, a);
    }
    case ir::OpKind::Pad: {
      if (in.shape.size() != 4 || op.pads.size() != 4 || op.pads[0] != std::array<int32_t, 2>{0, 0} ||
          op.pads[3] != std::array<int32_t, 2>{0, 0})
        throw Error(g.describe(op) + ": PAD is supported over height and width of an NHWC tensor only");
      a["in_h"] = dim(in, 1), a["in_w"] = dim(in, 2), a["c"] = dim(in, 3);
      a["pad_top"] = op.pads[1][0], a["pad_bottom"] = op.pads[1][1];
      a["pad_left"] = op.pads[2][0], a["pad_right"] = op.pads[2][1];
      a["pad_value"] = out.zero_point();
      return make_op(g, op, McuKernel::Pad, a);
    }
    case ir::OpKind::Concat: {
      if (op.inputs.size() != 2)
        throw Error(fmt::format("{}: CONCATENATION of {} inputs; the MCU kernel joins 2 (split it in the model)",
                                g.describe(op), op.inputs.size()));
      const ir::Tensor& in2 = g.tensors[op.inputs[1]];
      int64_t outer = 1;
      for (int32_t d = 0; d < op.axis; ++d) outer *= out.shape[size_t(d)];
      a["in1"] = a["in"], a["in2"] = int64_t(addr[op.inputs[1]]);
      a["outer"] = outer, a["in1_inner"] = in.num_elements() / outer, a["in2_inner"] = in2.num_elements() / outer;
      return make_op(g, op, McuKernel::Concat2, a);
    }
    case ir::OpKind::Relu:
    case ir::OpKind::Relu6:
    case ir::OpKind::Requantize:
      a["count"] = out.num_elements();
      a["mult"] = op.rescale.multiplier.at(0), a["shift"] = op.rescale.shift.at(0);
      return make_op(g, op, McuKernel::Requantize, a);
    case ir::OpKind::Reshape:
      a["src"] = a["in"], a["dst"] = a["out"], a["bytes"] = int64_t(out.byte_size());
      return make_op(g, op, McuKernel::Copy, a);
  }
  throw Error(g.describe(op) + ": no MCU kernel");
}

}  // namespace kiln::codegen
