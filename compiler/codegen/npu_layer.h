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
};

struct NpuLayerCode {
  std::vector<Command> commands;
  uint64_t weight_bytes = 0;  // flash bytes of this layer's chunks
};

// Emits the layer. `op` is a Conv2d or FullyConnected of `g` whose implicit
// GEMM is sched.shape; its post-processing folds the input zero point into the
// bias (bias - zp_in * sum(w)) so the array multiplies raw int8 values.
NpuLayerCode emit_npu_layer(const ir::Graph& g, const ir::Op& op, const mapping::LayerSchedule& sched,
                            const SocConfig& soc, const NpuLayerIo& io, FlashImage& flash);

}  // namespace kiln::codegen
