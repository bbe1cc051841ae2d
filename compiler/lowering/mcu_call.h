// An op of the graph as a call of an MCU kernel (arch/mcu_op.h,
// kernels/mcu_kernel_table.h): the kernel, its parameters and its operands.
// This one lowering serves the reference interpreter (which runs the call on
// tensor values), codegen (which encodes it with the operands' addresses) and
// the partition's MCU cost (which prices its MACs and output elements), so
// what is predicted and emitted is what the reference defines.
#pragma once

#include <cstdint>
#include <memory>
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
#include "kernels/softmax.h"

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

// Operands: in, weights, bias, mult, shift, out (conv, depthwise, fully connected).
std::vector<McuOperand> weighted_operands(const ir::Graph& g, const ir::Op& op);
// Operands: every input, then every output.
std::vector<McuOperand> tensor_operands(const ir::Op& op);

// The preconditions of the parameter builders: operand count, ranks,
// per-channel array lengths, int8 activations (but a Kernel op's), int8
// outputs (or int32, the accumulator, for a weighted op). Throws kiln::Error
// "<source>: <op>: <what>".
void check_op_shapes(const ir::Graph& g, const ir::Op& op);
// check_op_shapes, and that an MCU kernel runs the op as it is: one output
// of output_type(op), a Kernel op's tensors of its kernel's argument element
// types, PAD over H and W only, CONCATENATION of two inputs.
void check_mcu_call(const ir::Graph& g, const ir::Op& op);

// The element type of the output the MCU kernel running `op` writes: int8;
// float32 for Dequantize; for a Kernel op, its kernel's Write operand's type
// in the table (int32 indices of arg_max). An int32 accumulator output of a
// weighted op is beyond the MCU kernels (the reference interpreter runs it).
ir::DataType output_type(const ir::Op& op);

// The call of the MCU kernel that runs `op`: the kernel with its parameters,
// and its operands, one per operand argument of the kernel (its spec),
// in order. A Kernel op (ir::OpKind::Kernel) takes its parameters from the
// kernel's table entry (kernels/mcu_kernel_table.h, from_op); every other
// kind from the builders above. Runs check_mcu_call first; throws
// kiln::Error "<source>: <op>: <what>".
struct McuCall {
  std::unique_ptr<kernels::McuInvocation> kernel;
  std::vector<McuOperand> operands;
};
McuCall mcu_call(const ir::Graph& g, const ir::Op& op);

// The operator's view for its kernel's table entry (a Kernel op's tensors and attributes).
kernels::McuOpView mcu_op_view(const ir::Graph& g, const ir::Op& op);

}  // namespace kiln::lowering
