// Code generation of an op on the vector unit: the chunks its mapping builds
// from its mapping::VectorPlan (compiler/mapping/vector_op.h), DMA loads of
// its operands, one vector command and a DMA store each, with tokens that
// let chunk k+1 load while chunk k computes.
#pragma once

#include <vector>

#include "arch/command.h"
#include "arch/soc_config.h"
#include "compiler/codegen/npu_layer.h"
#include "compiler/ir/graph.h"
#include "compiler/mapping/vector_plan.h"

namespace kiln::codegen {

// `addr` holds the SRAM address of every activation tensor (by tensor id);
// constant data the commands load (a vlut's table, a vdwconv's taps and records) is appended to `flash`.
std::vector<Command> emit_vector_layer(const ir::Graph& g, const ir::Op& op, const mapping::VectorPlan& plan,
                                       const SocConfig& soc, const std::vector<uint64_t>& addr, FlashImage& flash);

// What the layer's chunks count, for the report's tiling line ("elements", "channels", "rows").
const char* vector_chunked_by(const ir::Op& op);

}  // namespace kiln::codegen
