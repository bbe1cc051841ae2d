// How an element-wise op runs on the vector unit (npu.units.vector), as one
// description that drives both the partition's prediction and the emitted
// commands (compiler/codegen/vector_layer.h): the tensors stream through the
// scratchpads in chunks, double-buffered. Chunk k uses slot k % 2 of the
// input buffer (a at the slot's start, b after it) and of the output buffer;
// its loads, vadd and store overlap the neighbouring chunks' through tokens.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "arch/soc_config.h"
#include "compiler/ir/graph.h"

namespace kiln::mapping {

struct VectorPlan {
  uint64_t count = 0;     // elements
  uint32_t chunk = 0;     // elements per chunk (the last may be shorter)
  uint32_t chunks = 0;
  uint32_t in_slot = 0;   // input-buffer bytes per slot
  uint32_t out_slot = 0;  // output-buffer bytes per slot
  double dma_cycles = 0;      // NPU cycles of the loads and stores on the bus, one after another
  double compute_cycles = 0;  // NPU cycles of the vadds (arch/vector_timing.h)
  double cycles = 0;          // predicted: the busier side, plus one chunk of the other to fill and drain
  double roofline = 0;        // the busier side alone
  uint64_t bytes_moved = 0;   // DMA bytes
};

// The plan for `op` on the SoC's vector unit, or nullopt with `why` set when
// it has none or the op is not one the unit runs (an Add of two activation
// tensors of its output's size).
std::optional<VectorPlan> plan_vector_op(const ir::Graph& g, const ir::Op& op, const SocConfig& soc, std::string* why);

}  // namespace kiln::mapping
