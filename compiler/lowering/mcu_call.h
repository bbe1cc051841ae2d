// An op of the graph as a call of an MCU kernel (arch/mcu_op.h,
// kernels/mcu_kernel_table.h): the kernel, its parameters and its operands.
// This one lowering serves the reference interpreter (which runs the call on
// tensor values), codegen (which encodes it with the operands' addresses) and
// the partition's MCU cost (which prices its MACs and output elements), so
// what is predicted and emitted is what the reference defines.
#pragma once

#include <cstdint>
#include <type_traits>
#include <vector>

#include "arch/mcu_op.h"
#include "compiler/ir/graph.h"
#include "kernels/add.h"
#include "kernels/concat2.h"
#include "kernels/conv2d.h"
#include "kernels/copy.h"
#include "kernels/depthwise_conv2d.h"
#include "kernels/float_boundary.h"
#include "kernels/fully_connected.h"
#include "kernels/lut.h"
#include "kernels/maximum_minimum.h"
#include "kernels/mul.h"
#include "kernels/mcu_kernel_table.h"
#include "kernels/mean.h"
#include "kernels/pad.h"
#include "kernels/sub.h"
#include "kernels/pool_params.h"
#include "kernels/requantize_tensor.h"
#include "kernels/resize_nearest.h"
#include "kernels/slice.h"
#include "kernels/softmax.h"
#include "kernels/transpose.h"

namespace kiln::lowering {

// One operand of a call: a tensor of the graph (activation or constant), or
// int32 values the compiler derives (per-channel multipliers and shifts
// broadcast from the op's rescale, a zero bias when the op has none).
struct McuOperand {
  int tensor = -1;
  std::vector<int32_t> values;  // when tensor < 0
};

// Parameters of each op as its kernel takes them (batches from the tensors:
// the reference runs every batch; the MCU command carries none but fully
// connected's).
kernels::Conv2dParams conv2d_params(const ir::Graph& g, const ir::Op& op);
kernels::DepthwiseConv2dParams depthwise_params(const ir::Graph& g, const ir::Op& op);
kernels::FullyConnectedParams fully_connected_params(const ir::Graph& g, const ir::Op& op);
kernels::PoolParams pool_params(const ir::Graph& g, const ir::Op& op);
kernels::AddParams add_params(const ir::Graph& g, const ir::Op& op);
kernels::MaxMinParams max_min_params(const ir::Graph& g, const ir::Op& op);
kernels::SubParams sub_params(const ir::Graph& g, const ir::Op& op);
kernels::MulParams mul_params(const ir::Graph& g, const ir::Op& op);
kernels::MeanParams mean_params(const ir::Graph& g, const ir::Op& op);
kernels::RequantizeParams requantize_params(const ir::Graph& g, const ir::Op& op);
kernels::PadParams pad_params(const ir::Graph& g, const ir::Op& op);
kernels::SoftmaxParams softmax_params(const ir::Graph& g, const ir::Op& op);
kernels::Concat2Params concat2_params(const ir::Graph& g, const ir::Op& op);
kernels::CopyParams copy_params(const ir::Graph& g, const ir::Op& op);
kernels::QuantizeParams quantize_params(const ir::Graph& g, const ir::Op& op);
kernels::DequantizeParams dequantize_params(const ir::Graph& g, const ir::Op& op);
kernels::LutParams lut_params(const ir::Graph& g, const ir::Op& op);
kernels::TransposeParams transpose_params(const ir::Graph& g, const ir::Op& op);
kernels::SliceParams slice_params(const ir::Graph& g, const ir::Op& op);
kernels::ResizeNearestParams resize_nearest_params(const ir::Graph& g, const ir::Op& op);

// Operands: in, weights, bias, mult, shift, out (conv, depthwise, fully connected).
std::vector<McuOperand> weighted_operands(const ir::Graph& g, const ir::Op& op);
// Operands: every input, then every output.
std::vector<McuOperand> tensor_operands(const ir::Op& op);

// The preconditions of the parameter builders: operand count, ranks,
// per-channel array lengths, int8 activations, int8 outputs (or int32, the
// accumulator, for a weighted op). Throws kiln::Error "<source>: <op>: <what>".
void check_op_shapes(const ir::Graph& g, const ir::Op& op);
// check_op_shapes, and that an MCU kernel runs the op as it is: one int8
// output (float32 for Dequantize), PAD over H and W only, CONCATENATION of
// two inputs.
void check_mcu_call(const ir::Graph& g, const ir::Op& op);

// Calls f(kernel, params, operands): kernel is the kernels::McuKernelDef<P>
// of the kernel that runs `op`, params its P, operands one per operand
// argument of the kernel (arch/mcu_op.cpp), in order. Returns what f returns
// (the same type for every kernel). check_mcu_call first.
template <class F>
decltype(auto) with_mcu_call(const ir::Graph& g, const ir::Op& op, F&& f) {
  check_mcu_call(g, op);
  // Named parameters and operands (not temporaries) for every call of f.
  auto call = [&](McuKernel id, const auto& params, const std::vector<McuOperand>& operands) -> decltype(auto) {
    using P = std::decay_t<decltype(params)>;
    return f(kernels::mcu_kernel<P>(id), params, operands);
  };
  const bool weighted =
      op.kind == ir::OpKind::Conv2d || op.kind == ir::OpKind::DepthwiseConv2d || op.kind == ir::OpKind::FullyConnected;
  const std::vector<McuOperand> operands = weighted ? weighted_operands(g, op) : tensor_operands(op);
  switch (op.kind) {
    case ir::OpKind::Conv2d: {
      const kernels::Conv2dParams p = conv2d_params(g, op);
      return call(kernels::conv2d_kernel(p), p, operands);
    }
    case ir::OpKind::DepthwiseConv2d: {
      const kernels::DepthwiseConv2dParams p = depthwise_params(g, op);
      return call(McuKernel::DepthwiseConv2d, p, operands);
    }
    case ir::OpKind::FullyConnected: {
      const kernels::FullyConnectedParams p = fully_connected_params(g, op);
      return call(McuKernel::FullyConnected, p, operands);
    }
    case ir::OpKind::Add: {
      const kernels::AddParams p = add_params(g, op);
      return call(McuKernel::Add, p, operands);
    }
    case ir::OpKind::AvgPool:
    case ir::OpKind::MaxPool: {
      const kernels::PoolParams p = pool_params(g, op);
      return call(op.kind == ir::OpKind::AvgPool ? McuKernel::AvgPool : McuKernel::MaxPool, p, operands);
    }
    case ir::OpKind::Mean: {
      const kernels::MeanParams p = mean_params(g, op);
      return call(McuKernel::Mean, p, operands);
    }
    case ir::OpKind::Reshape: {
      const kernels::CopyParams p = copy_params(g, op);
      return call(McuKernel::Copy, p, operands);
    }
    case ir::OpKind::Pad: {
      const kernels::PadParams p = pad_params(g, op);
      return call(McuKernel::Pad, p, operands);
    }
    case ir::OpKind::Softmax: {
      const kernels::SoftmaxParams p = softmax_params(g, op);
      return call(McuKernel::Softmax, p, operands);
    }
    case ir::OpKind::Concat: {
      const kernels::Concat2Params p = concat2_params(g, op);
      return call(McuKernel::Concat2, p, operands);
    }
    case ir::OpKind::Quantize: {
      const kernels::QuantizeParams p = quantize_params(g, op);
      return call(McuKernel::Quantize, p, operands);
    }
    case ir::OpKind::Dequantize: {
      const kernels::DequantizeParams p = dequantize_params(g, op);
      return call(McuKernel::Dequantize, p, operands);
    }
    case ir::OpKind::Lut: {
      const kernels::LutParams p = lut_params(g, op);
      return call(McuKernel::Lut, p, operands);
    }
    case ir::OpKind::Maximum:
    case ir::OpKind::Minimum: {
      const kernels::MaxMinParams p = max_min_params(g, op);
      return call(op.kind == ir::OpKind::Maximum ? McuKernel::Maximum : McuKernel::Minimum, p, operands);
    }
    case ir::OpKind::Sub: {
      const kernels::SubParams p = sub_params(g, op);
      return call(McuKernel::Sub, p, operands);
    }
    case ir::OpKind::Mul: {
      const kernels::MulParams p = mul_params(g, op);
      return call(McuKernel::Mul, p, operands);
    }
    case ir::OpKind::Transpose: {
      const kernels::TransposeParams p = transpose_params(g, op);
      return call(McuKernel::Transpose, p, operands);
    }
    case ir::OpKind::Slice: {
      const kernels::SliceParams p = slice_params(g, op);
      return call(McuKernel::Slice, p, operands);
    }
    case ir::OpKind::ResizeNearest: {
      const kernels::ResizeNearestParams p = resize_nearest_params(g, op);
      return call(McuKernel::ResizeNearest, p, operands);
    }
    case ir::OpKind::Relu:
    case ir::OpKind::Relu6:
    case ir::OpKind::Requantize: break;
  }
  const kernels::RequantizeParams p = requantize_params(g, op);
  return call(McuKernel::Requantize, p, operands);
}

}  // namespace kiln::lowering
