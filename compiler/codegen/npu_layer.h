// Code generation of one NPU layer: the steps of its LayerSchedule become DMA,
// convolution-tile and post-processing commands with their tokens, and its
// weights become flash chunks laid out as the tiles consume them.
#pragma once

#include <cstdint>
#include <vector>

#include "arch/command.h"
#include "arch/soc_config.h"
#include "compiler/ir/graph.h"
#include "compiler/mapping/schedule.h"

namespace kiln::codegen {

// Appends constant data to the flash image, 16-byte aligned.
class FlashImage {
 public:
  explicit FlashImage(uint64_t base) : base_(base) {}
  uint64_t append(const std::vector<uint8_t>& bytes);  // returns the absolute address
  uint64_t base() const { return base_; }
  const std::vector<uint8_t>& bytes() const { return bytes_; }

 private:
  uint64_t base_;
  std::vector<uint8_t> bytes_;
};

struct NpuLayerIo {
  uint64_t input_addr = 0;   // NHWC input tensor in SRAM
  uint64_t output_addr = 0;  // NHWC output tensor in SRAM
  // Input-scratchpad offset of a resident input (mapping::resident_output_offset of the producer).
  uint64_t resident_input = 0;
};

struct NpuLayerCode {
  std::vector<Command> commands;
  uint64_t weight_bytes = 0;  // flash bytes of this layer's chunks
};

// A layer's prefetched first weight chunk (mapping::Tiling::prefetch_weights):
// the load the previous NPU layer emits for it, and where it landed.
struct WeightPrefetch {
  Command load;                 // DmaLoad into the weight scratchpad
  uint32_t n0 = 0, c0 = 0;      // the chunk
  uint64_t flash_addr = 0;
  uint64_t spm_offset = 0, bytes = 0;  // the weight-scratchpad bytes it writes
};

// The prefetch of `sched`'s first weight chunk (its step marked prefetched);
// appends the chunk to flash.
WeightPrefetch prefetch_weights(const ir::Graph& g, const ir::Op& op, const mapping::LayerSchedule& sched,
                                const SocConfig& soc, FlashImage& flash);

// The last step of `sched` that reads weight-scratchpad bytes in
// [offset, offset + bytes) (a tile's weights or its post-processing records),
// or -1 when none does.
int last_weight_reader(const mapping::LayerSchedule& sched, const SocConfig& soc, uint64_t offset, uint64_t bytes);

// Emits the layer. `op` is a Conv2d or FullyConnected of `g` whose implicit
// GEMM is sched.shape; its post-processing folds the input zero point into the
// bias (bias - zp_in * sum(w)) so the array multiplies raw int8 values.
// `mine`: this layer's first chunk was prefetched (its step emits nothing).
// `next`: the next NPU layer's prefetch, emitted last, after the last step
// that reads the bytes it overwrites.
NpuLayerCode emit_npu_layer(const ir::Graph& g, const ir::Op& op, const mapping::LayerSchedule& sched,
                            const SocConfig& soc, const NpuLayerIo& io, FlashImage& flash,
                            const WeightPrefetch* mine = nullptr, const WeightPrefetch* next = nullptr);

}  // namespace kiln::codegen
