// How an op runs on the vector unit (npu.units.vector), as one description
// that drives both the partition's prediction and the emitted commands: the
// tensors stream through the scratchpads in chunks, double-buffered. Chunk k
// uses slot k % 2 of the input buffer and of the output buffer; its loads,
// command and store overlap the neighbouring chunks' through tokens
// (compiler/codegen/vector_layer.h). Each kind of op has its mapping, a file
// compiler/mapping/vector_*_plan.cpp that registers its plan and its chunks
// (compiler/mapping/vector_op.h) and says at its head how it chunks the op.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "arch/soc_config.h"
#include "compiler/ir/graph.h"

namespace kiln::mapping {

struct VectorPlan {
  uint64_t count = 0;     // what the ops' mapping chunks: elements (pooling: channels)
  uint32_t chunk = 0;     // of those per chunk (the last may be shorter)
  uint32_t chunks = 0;
  uint32_t in_slot = 0;   // input-buffer bytes per slot
  uint32_t out_slot = 0;  // output-buffer bytes per slot
  double dma_cycles = 0;      // NPU cycles of the loads and stores on the bus, one after another
  double compute_cycles = 0;  // NPU cycles of the vector commands (their rows' closed forms, command_cycles)
  double cycles = 0;          // predicted: the busier side, plus one chunk of the other to fill and drain
  double roofline = 0;        // the busier side alone
  uint64_t bytes_moved = 0;   // DMA bytes
  uint32_t rows = 0;          // DepthwiseConv2d: output rows per chunk (chunk: channels per chunk)
  uint32_t repeat = 0;        // Mul: elements of an operand repeating over the other (0: none)
  bool swap = false;          // Mul: the repeating operand is the op's first input
};

// The plan for `op` on the SoC's vector unit, or nullopt with `why` set when
// it has none, no mapping takes the op, or its mapping does not run it (an
// Add of a broadcast operand, a pooling whose H x W of one channel does not
// fit a slot).
std::optional<VectorPlan> plan_vector_op(const ir::Graph& g, const ir::Op& op, const SocConfig& soc, std::string* why);

// Bus cycles of one DMA transfer of `bytes` from or to SRAM: bursts of the
// bus's maximum size, each its latency plus its beats.
double transfer_bus_cycles(const SocConfig& soc, uint64_t bytes);

// Bytes of a vlut table in the input buffer.
constexpr uint32_t kLutTableBytes = 256;
// Bytes a repeating vmul operand of `elements` takes at the input buffer's end (16-byte aligned).
inline uint32_t vector_reserved_bytes(uint32_t elements) { return (elements + 15) / 16 * 16; }

// Two slots per buffer, 16-byte aligned.
uint32_t vector_input_slot(const SocConfig& soc);
uint32_t vector_output_slot(const SocConfig& soc);

}  // namespace kiln::mapping
