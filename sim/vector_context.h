// VectorContext: what a vector command's executor (sim/vector_command.h)
// works with: the unit's scratchpad port, the actions it counts for the
// energy model (docs/energy.md, "Vector unit"), and operand and result
// buffers kept between commands, so that a command allocates nothing.
#pragma once

#include <cstdint>
#include <vector>

#include "arch/command.h"
#include "sim/channel_records.h"
#include "sim/scratchpad.h"

namespace kiln::sim {

struct VectorActions {
  uint64_t rescales = 0;  // multiply_by_quantized_multiplier steps (and divides)
  uint64_t adds = 0;      // add, compare, clamp and table-read steps
  uint64_t macs = 0;      // multiply-accumulates (vdwconv's taps)
};

class VectorContext {
 public:
  explicit VectorContext(ScratchpadIf& spm) : spm_(spm) {}

  // `bytes` bytes at `at` into `into` (resized); returns its data.
  const int8_t* read(const SpmAddr& at, uint64_t bytes, std::vector<int8_t>& into) const {
    into.resize(bytes);
    spm_.read(at.buf, at.offset, into.data(), bytes);
    return into.data();
  }
  // The first `bytes` bytes of `from` at `at`.
  void write(const SpmAddr& at, const std::vector<int8_t>& from, uint64_t bytes) {
    spm_.write(at.buf, at.offset, from.data(), bytes);
  }
  ScratchpadIf& spm() { return spm_; }

  VectorActions actions;
  std::vector<int8_t> a, b, out;  // operands and result
  ChannelRecords records;         // vdwconv's per-channel records

 private:
  ScratchpadIf& spm_;
};

}  // namespace kiln::sim
