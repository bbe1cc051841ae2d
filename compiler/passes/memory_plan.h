// Memory plan: where every tensor lives. Constants (weights, biases,
// post-processing records) go to flash; activations share one SRAM arena,
// reused across tensors whose lifetimes do not overlap (greedy by size, as
// TFLite Micro's planner). Reshape outputs alias their input. An arena larger
// than the SRAM goes to the start of the SoC's DRAM when it has one.
#pragma once

#include <cstdint>
#include <vector>

#include "arch/soc_config.h"
#include "compiler/ir/graph.h"
#include "compiler/passes/partition.h"

namespace kiln::passes {

struct TensorPlacement {
  bool in_sram = false;
  uint64_t addr = 0;   // absolute SoC address (activations); 0 for constants (codegen places them)
  uint64_t bytes = 0;
  int first_use = 0, last_use = 0;  // op indices of the lifetime (-1: graph input)
};

struct MemoryPlan {
  std::vector<TensorPlacement> tensors;  // by tensor id
  uint64_t arena_base = 0;
  uint64_t arena_bytes = 0;              // peak use of activations
  bool in_dram = false;                  // the arena is in the DRAM (it did not fit the SRAM)
};

// Throws kiln::Error when the activations fit neither the SRAM nor a DRAM
// (naming the largest live set and the memory's size).
MemoryPlan plan_memory(const ir::Graph& g, const std::vector<Placement>& placement, const SocConfig& soc,
                       uint64_t reserved_sram_bytes = 0);

}  // namespace kiln::passes
