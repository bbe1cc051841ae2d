// LayerSchedule: the ordered steps (DMA loads, array tiles, post-processing,
// DMA stores) that execute one NPU layer under a Tiling, with the data
// dependencies between them. The cost model times it; codegen turns each step
// into commands and each dependency into tokens. One description, two uses,
// so what is predicted is what is emitted.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "arch/command.h"
#include "compiler/mapping/conv_shape.h"
#include "compiler/mapping/tiling.h"

namespace kiln::mapping {

enum class StepKind : uint8_t { LoadInput, LoadWeights, Compute, PostProcess, Store };

// The steps one step waits for, held in place: a step waits for at most its
// input and weight loads (compute) or its compute and the slot's previous
// store (post-processing), and the tiler builds thousands of schedules, so
// a heap list per step would cost more than the schedule itself.
class StepDeps {
 public:
  static constexpr size_t kCapacity = 4;
  void push_back(uint32_t step);  // throws std::logic_error beyond kCapacity
  void clear() { size_ = 0; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  uint32_t operator[](size_t i) const { return steps_[i]; }
  const uint32_t* begin() const { return steps_; }
  const uint32_t* end() const { return steps_ + size_; }

 private:
  uint32_t steps_[kCapacity] = {};
  uint8_t size_ = 0;
};

struct Step {
  StepKind kind = StepKind::Compute;
  uint32_t slot = 0;               // slot of the buffer this step writes (loads, post-processing) or reads
  uint32_t input_slot = 0;         // Compute: slot of its input tile
  uint32_t weight_slot = 0;        // Compute, PostProcess: slot of its weights and parameters
  // Output tile: pixels [oy0, oy0+rows) x [ox0, ox0+cols), channels [n0, n0+n).
  uint32_t oy0 = 0, ox0 = 0, rows = 0, cols = 0, n0 = 0, n = 0;
  // K step: input channels [c0, c0+c).
  uint32_t c0 = 0, c = 0;
  // Input region held in the slot (clipped to the image): rows [iy0, iy0+ih), cols [ix0, ix0+iw).
  uint32_t iy0 = 0, ix0 = 0, ih = 0, iw = 0;
  bool accumulate = false;         // Compute: add to the accumulators (not the first K step)
  bool last_k = true;              // Compute: last K step of its output tile
  bool prefetched = false;         // LoadWeights: done during the previous NPU layer (Tiling::prefetch_weights)
  StepDeps deps;                   // steps that must have finished before this one starts
};

Queue queue_of(StepKind kind);

struct LayerSchedule {
  ConvShape shape;
  Tiling tiling;
  std::vector<Step> steps;
  uint64_t input_bytes_moved = 0, weight_bytes_moved = 0, output_bytes_moved = 0;
  // Tiling::weights_resident: each weight slot's bytes, 16-byte aligned (one
  // slot per chunk, in load order); empty for rotating slots.
  std::vector<uint64_t> resident_weight_sizes;
};

// Weight-scratchpad offset of weight slot `slot`: slot * slot_bytes for
// rotating slots. Resident chunks go to the scratchpad's banks in turn (chunk
// i to bank i % banks, so the DMA fills one bank while the array reads
// another), packed from each bank's start, or from its end when `high` (so
// that a layer's prefetched chunks miss the previous layer's).
uint64_t weight_slot_offset(const LayerSchedule& sched, const SocConfig& soc, uint32_t slot, bool high);

// Steps for the layer in program order. Requires fits(shape, tiling, soc).
LayerSchedule build_schedule(const ConvShape& shape, const Tiling& tiling);
// The same into *reuse, whose buffers are kept (the tiler times thousands
// of candidate schedules one after another).
void build_schedule(const ConvShape& shape, const Tiling& tiling, LayerSchedule* reuse);

}  // namespace kiln::mapping
