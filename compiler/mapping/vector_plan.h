// How an op runs on the vector unit (npu.units.vector), as one description
// that drives both the partition's prediction and the emitted commands
// (compiler/codegen/vector_layer.h): the tensors stream through the
// scratchpads in chunks, double-buffered. Chunk k uses slot k % 2 of the
// input buffer and of the output buffer; its loads, command and store
// overlap the neighbouring chunks' through tokens.
//   Add, Maximum, Minimum (vadd, vmax, vmin): chunks of elements; a at the
//   slot's start, b after it.
//   Relu, Relu6, Requantize (vrequant): chunks of elements.
//   Sub, Mul (vsub, vmul): as Add. A Mul whose operand repeats along the
//   other's innermost dimensions (a per-channel gate; an activation or a
//   constant) loads that operand once, with the first chunk, into the input
//   buffer's last vector_reserved_bytes(repeat) bytes; its chunks hold whole
//   repeats of the other operand.
//   Lut (vlut): chunks of elements; its 256-byte table is loaded once, with
//   the first chunk, into the input buffer's last kLutTableBytes (past slot
//   1's chunk), where every chunk's command reads it.
//   DepthwiseConv2d (vdwconv; vector_depthwise_plan.cpp): chunks of output
//   rows and channels (depthwise_chunk), each with the input rows its
//   windows read; chunk k's taps (kh*kw rows of its channels, 4-byte
//   aligned) and then its 12-byte records take the last
//   vector_depthwise_reserved_bytes of its input slot, k % 2, loaded unless
//   chunk k-2 left the same there.
//   AvgPool, MaxPool, Mean (vavgpool, vmaxpool, vmean; vector_pool_plan.cpp):
//   chunks of channels, each the whole H x W of its channels (pooling and
//   the mean keep channels apart), loaded and stored with strided DMA when a
//   chunk is not all of them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "arch/soc_config.h"
#include "compiler/ir/graph.h"

namespace kiln::mapping {

struct VectorPlan {
  uint64_t count = 0;     // elements (pooling: channels)
  uint32_t chunk = 0;     // elements (pooling: channels) per chunk (the last may be shorter)
  uint32_t chunks = 0;
  uint32_t in_slot = 0;   // input-buffer bytes per slot
  uint32_t out_slot = 0;  // output-buffer bytes per slot
  double dma_cycles = 0;      // NPU cycles of the loads and stores on the bus, one after another
  double compute_cycles = 0;  // NPU cycles of the vector commands (arch/vector_timing.h)
  double cycles = 0;          // predicted: the busier side, plus one chunk of the other to fill and drain
  double roofline = 0;        // the busier side alone
  uint64_t bytes_moved = 0;   // DMA bytes
  uint32_t rows = 0;          // DepthwiseConv2d: output rows per chunk (chunk: channels per chunk)
  uint32_t repeat = 0;        // Mul: elements of an operand repeating over the other (0: none)
  bool swap = false;          // Mul: the repeating operand is the op's first input
};

// The plan for `op` on the SoC's vector unit, or nullopt with `why` set when
// it has none or the op is not one the unit runs (an Add of two activation
// tensors of its output's size, a unary requantize, a pooling of one image
// whose H x W of one channel fits a slot).
std::optional<VectorPlan> plan_vector_op(const ir::Graph& g, const ir::Op& op, const SocConfig& soc, std::string* why);

// The plan of pooling and of Mean (vector_pool_plan.cpp); plan_vector_op calls it.
std::optional<VectorPlan> plan_vector_pool(const ir::Graph& g, const ir::Op& op, const SocConfig& soc,
                                           std::string* why);

// The plan of a depthwise convolution (vector_depthwise_plan.cpp); plan_vector_op calls it.
std::optional<VectorPlan> plan_vector_depthwise(const ir::Graph& g, const ir::Op& op, const SocConfig& soc,
                                                std::string* why);
// Chunk k of a depthwise plan: channels [c0, c0+n), output rows
// [oy0, oy0+rows), which read input rows [iy0, iy0+in_rows) with pad_top
// rows of padding above the tile; load_taps when its taps and records are
// not in place from chunk k-2. Chunks run through the row blocks of one
// channel group, then the next group.
struct DepthwiseChunk {
  uint32_t c0 = 0, n = 0, oy0 = 0, rows = 0, iy0 = 0, in_rows = 0, pad_top = 0;
  bool load_taps = true;
};
DepthwiseChunk depthwise_chunk(const VectorPlan& p, const ir::Window& w, uint32_t in_h, uint32_t out_h, uint32_t k);

// Bytes of a vdwconv chunk's taps for `channels` (4-byte aligned, where its records start), and of
// its taps and records together (16-byte aligned) at the end of an input slot.
uint32_t vector_depthwise_taps_bytes(uint32_t taps, uint32_t channels);
uint32_t vector_depthwise_reserved_bytes(uint32_t taps, uint32_t channels);

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
