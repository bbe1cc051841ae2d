// Code generation of one NPU layer: the steps of its LayerSchedule become DMA,
// convolution-tile and post-processing commands with their tokens, and its
// weights become flash chunks laid out as the tiles consume them.
#pragma once

#include <cstdint>
#include <map>
#include <utility>
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
  // Resident weights (Tiling::weights_resident) packed from each bank's end
  // (mapping::weight_slot_offset).
  bool weights_high = false;
};

struct NpuLayerCode {
  std::vector<Command> commands;
  uint64_t weight_bytes = 0;  // flash bytes of this layer's chunks
};

// A layer's prefetched weight chunks (mapping::Tiling::prefetch_weights: the
// first, or all of them with resident weights): the loads the previous NPU
// layer emits for them, and where they landed.
struct WeightPrefetch {
  std::vector<Command> loads;                                  // DmaLoads into the weight scratchpad
  std::map<std::pair<uint32_t, uint32_t>, uint64_t> flash_addr;  // chunk (n0, c0) -> its flash address
  std::vector<std::pair<uint64_t, uint64_t>> spm;              // weight-scratchpad [offset, +bytes) of each load
};

// The prefetch of `sched`'s steps marked prefetched (resident weights placed
// by `weights_high`); appends the chunks to flash.
WeightPrefetch prefetch_weights(const ir::Graph& g, const ir::Op& op, const mapping::LayerSchedule& sched,
                                const SocConfig& soc, bool weights_high, FlashImage& flash);

// The last step of `sched` (resident weights placed by `weights_high`) that
// reads weight-scratchpad bytes in [offset, offset + bytes) (a tile's weights
// or its post-processing records), or -1 when none does.
int last_weight_reader(const mapping::LayerSchedule& sched, const SocConfig& soc, bool weights_high,
                       uint64_t offset, uint64_t bytes);

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
