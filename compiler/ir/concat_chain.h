// A CONCATENATION of more than two inputs as a chain of two-input joins:
// the MCU's join kernel (kernels/concat2) takes two inputs, and a join of
// tensors with one quantization is a byte copy, so joining the first two,
// then that result with the third, and so on gives the same bytes. The
// intermediate tensors are new activations with the output's quantization;
// the last join writes the original output tensor, so graph outputs and
// every existing tensor id stay as they were. frontend::load_model applies it.
#pragma once

#include "compiler/ir/graph.h"

namespace kiln::ir {

// Rewrites every Concat op with more than two inputs; returns how many.
int chain_concats(Graph& g);

}  // namespace kiln::ir
