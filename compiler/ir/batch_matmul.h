// A BATCH_MATMUL (ONNX MatMul) whose right operand is weights the array can
// hold, as a FullyConnected op the partition may place on the array. Both
// front ends read the operator into a batch_matmul Kernel op
// (kernels/batch_matmul.h); when its RHS is a per-tensor int8 constant with
// zero point 0 and no batch dimension other than 1, every batch multiplies
// the same matrix, so each row of the LHS times it is one fully connected
// row: weights [cols][depth] (the RHS transposed, or as it is under adj_y),
// a zero bias, the op's clamp. The integers are the same: TFLite Micro's
// BatchMatMul sums (lhs - lhs_zp) * rhs in int32 and rescales by
// GetQuantizedConvolutionMultipler, as its per-tensor FULLY_CONNECTED does
// (ir::fully_connected_rescale). Under adj_x the LHS's rows are not
// contiguous: a transpose of its last two dimensions comes first (on the MCU).
// Every other batch_matmul op (two activations, a batched constant, a
// constant with a zero point, a constant LHS) stays for the MCU kernel, whose
// checks report a malformed one. frontend::load_model applies it.
#pragma once

#include "compiler/ir/graph.h"

namespace kiln::ir {

// Rewrites every batch_matmul op that fits; returns how many.
int batch_matmul_as_fully_connected(Graph& g);

}  // namespace kiln::ir
