// The 2-D DMA transfers that move one step's data between an NHWC tensor in
// memory and its scratchpad slot. Shared by codegen (which emits them) and the
// cost model (which times them).
#pragma once

#include <cstdint>
#include <vector>

#include "compiler/mapping/schedule.h"

namespace kiln::mapping {

// Offsets are relative to the tensor's base address and to the slot's base.
struct Transfer {
  uint64_t mem_offset = 0;
  uint32_t spm_offset = 0;
  uint32_t rows = 1, row_bytes = 0;
  uint32_t mem_stride = 0, spm_stride = 0;
  uint64_t bytes() const { return uint64_t(rows) * row_bytes; }
};

// Input tile (LoadInput step): the clipped input region [iy0,+ih) x [ix0,+iw)
// x channels [c0,+c), stored densely as ih x iw x c in the slot.
std::vector<Transfer> input_transfers(const ConvShape& s, const Step& step);

// Output tile (Store step): rows x cols x n, dense in the output slot with row
// stride n, to its place in the NHWC output tensor.
std::vector<Transfer> output_transfers(const ConvShape& s, const Step& step);

// The same into `out` (cleared first), whose storage is reused: the cost
// model times thousands of steps.
void input_transfers(const ConvShape& s, const Step& step, std::vector<Transfer>* out);
void output_transfers(const ConvShape& s, const Step& step, std::vector<Transfer>* out);

// Weight chunk (LoadWeights step) of `bytes` at `mem_offset` in flash: one linear transfer.
Transfer weight_transfer(uint64_t mem_offset, uint32_t bytes);

}  // namespace kiln::mapping
