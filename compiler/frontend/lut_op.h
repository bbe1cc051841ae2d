// A unary int8 operator of either front end as the Lut op: its 256-entry
// table (kernels/lut_tables.h, built from the model's quantization) becomes a
// constant int8 tensor of the graph, the op's second input, which codegen
// places in flash with the weights and the MCU kernel `lut` reads.
#pragma once

#include "compiler/ir/graph.h"
#include "kernels/lut.h"

namespace kiln::frontend {

// Sets op to Lut from `input` to `output` with `table` (added as a tensor named after the output).
void make_lut(ir::Graph& g, ir::Op& op, int input, int output, const kernels::LutTable& table);

}  // namespace kiln::frontend
