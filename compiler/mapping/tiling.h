// Tiling: how one NPU layer (ConvShape) is cut into tiles that fit the NPU's
// scratchpads, and the order the tiles are visited.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "arch/soc_config.h"
#include "compiler/mapping/conv_shape.h"

namespace kiln::mapping {

// Which operand stays resident while the other one is streamed through.
enum class LoopOrder : uint8_t {
  WeightsOuter = 0,  // for each output-channel tile: weights once, every spatial tile streamed
  InputsOuter = 1,   // for each spatial tile: input once, every output-channel tile's weights streamed
};

// Which DMA channel moves each operand. A channel runs one transfer at a time
// (sim/dma), so two operands on one channel serialize and two on different
// channels overlap on the bus.
struct DmaChannels {
  uint8_t input = 0, weight = 0, store = 1;
  bool operator==(const DmaChannels& o) const { return input == o.input && weight == o.weight && store == o.store; }
};

// Loads on channel 0, stores on channel 1 (or everything on 0 with one channel):
// the load and store queues then never wait for each other's channel.
DmaChannels default_channels(const SocConfig& soc);
// Every assignment of the three operands to the SoC's channels, the default first.
std::vector<DmaChannels> channel_assignments(const SocConfig& soc);

struct Tiling {
  uint32_t tile_rows = 1;   // output rows per tile
  uint32_t tile_cols = 1;   // output columns per tile
  uint32_t tile_out_c = 1;  // output channels per tile (GEMM N)
  uint32_t tile_in_c = 1;   // input channels per K step; == in_c means K is not split
  Dataflow dataflow = Dataflow::WeightStationary;
  uint32_t buffers = 2;     // slots per input/weight/output scratchpad: 1 single, 2 double buffering
  LoopOrder order = LoopOrder::WeightsOuter;
  DmaChannels channels;
  // Cascading (layer fusion): the tensor between two consecutive NPU layers
  // stays at the top of the input scratchpad (resident_offset) instead of
  // going out to SRAM and back. The producer's post-processing writes it
  // there (output_resident: no stores) and the consumer's array tiles read it
  // there (input_resident: no input loads). Both need full-width tiles (the
  // tensor is dense NHWC, so a band of rows is contiguous); the consumer also
  // needs K unsplit. A layer may be both (a chain of three or more layers):
  // it reads its input at one end of the input scratchpad and writes its
  // output at the other (resident_output_offset), with no input slots.
  bool input_resident = false;
  bool output_resident = false;
  // Weight prefetch: the layer's first weight chunk is loaded during the
  // previous NPU layer (before its fence), into this layer's last weight slot,
  // as soon as that layer no longer reads those bytes; so the chunk's flash
  // read overlaps the previous layer's work instead of starting this one.
  bool prefetch_weights = false;
  // Resident weights: every weight chunk of the layer gets its own place in
  // the weight scratchpad (16-byte aligned, in load order) instead of
  // rotating through slots, so the chunks load back to back with no wait for
  // a slot to be read, each once. With prefetch_weights, the first
  // prefetch_chunks of them (0: all) are loaded during the previous NPU layer:
  // a flash-bound layer after a compute-bound one streams as much of its
  // weights as that one's compute covers, and the rest under its own.
  bool weights_resident = false;
  uint32_t prefetch_chunks = 0;
};

bool operator==(const Tiling& a, const Tiling& b);

// Bytes one tile needs in each buffer (the largest tile of the layer).
struct TileFootprint {
  uint64_t input = 0;        // int8 input tile incl. halo
  uint64_t weight = 0;       // int8 weights + 12-byte post-processing record per output channel
  uint64_t accumulator = 0;  // int32 partial sums
  uint64_t output = 0;       // int8 results
};

// Record size of one output channel's post-processing parameters (arch/command.h).
inline constexpr uint32_t kPpuParamBytes = 12;
// A lower bound on the stream bytes of one tile: its compute command (gemm
// or conv) alone encodes to 40 bytes or more (arch/command_codec).
inline constexpr uint64_t kMinTileStreamBytes = 32;
// Output tiles times input-channel chunks: the array steps of a layer.
uint64_t tile_count(const ConvShape& shape, const Tiling& t);

// Where a chunk's post-processing records start: after its weights as stored
// (ConvShape::chunk_weight_bytes), padded to 4 bytes, since the records are
// int32 words the PPU reads aligned (a 3x3x5 kernel of 7 channels is 315
// bytes of weights).
inline uint64_t chunk_params_offset(const ConvShape& s, uint64_t c, uint64_t n) {
  return (s.chunk_weight_bytes(c, n) + 3) & ~uint64_t(3);
}
// Weight-scratchpad bytes of a chunk of n output and c input channels: its
// weights, the padding, then their records.
inline uint64_t chunk_bytes(const ConvShape& s, uint64_t c, uint64_t n) {
  return chunk_params_offset(s, c, n) + kPpuParamBytes * n;
}
// The same, 16-byte aligned: the room a resident chunk takes (Tiling::weights_resident).
inline uint64_t resident_chunk_bytes(const ConvShape& s, uint64_t c, uint64_t n) {
  return (chunk_bytes(s, c, n) + 15) & ~uint64_t(15);
}

TileFootprint footprint(const ConvShape& shape, const Tiling& t);

// Whether the tiling fits the SoC's scratchpads (each buffer split in t.buffers
// slots) and names channels the DMA has; when not, *why says which buffer
// overflows and by how much (or which channel is missing).
bool fits(const ConvShape& shape, const Tiling& t, const SocConfig& soc, std::string* why = nullptr);

// Slot size in bytes of a scratchpad split in `buffers` slots (16-byte aligned).
uint64_t slot_bytes(uint64_t scratchpad_bytes, uint32_t buffers);

// Where a resident tensor of `bytes` starts in the input scratchpad: at the
// top, 16-byte aligned. A producer's input slots share what lies below it.
uint64_t resident_offset(uint64_t input_scratchpad_bytes, uint64_t bytes);
// Where a layer's resident output starts: at the top, unless the layer reads
// its own input resident at the top (offset > 0), then at offset 0, so a
// chain's tensors alternate ends and a layer's input and output never overlap.
uint64_t resident_output_offset(const ConvShape& shape, const Tiling& t, const SocConfig& soc,
                                uint64_t resident_input_offset);
// The largest bank's share of the layer's resident weight chunks
// (Tiling::weights_resident: chunk i in bank i % banks, each 16-byte
// aligned), and the bytes of one weight-scratchpad bank.
uint64_t resident_weight_bank_bytes(const ConvShape& shape, const Tiling& t, const SocConfig& soc);
uint64_t weight_bank_bytes(const SocConfig& soc);
// Bytes of the input scratchpad the tiling's input slots may use.
uint64_t input_slot_space(const ConvShape& shape, const Tiling& t, const SocConfig& soc);

std::string describe(const Tiling& t);
// "dmaIWS": the channels of input loads, weight loads and stores.
std::string describe(const DmaChannels& c);
const char* to_string(LoopOrder o);

}  // namespace kiln::mapping
