// Per-channel requantization records {int32 bias, multiplier, shift}, 12
// bytes each (docs/command-stream.md), as the post-processing unit and the
// vector unit's vdwconv read them from a scratchpad: de-interleaved into the
// arrays the kernels take, each shift checked against the range
// multiply_by_quantized_multiplier takes.
#pragma once

#include <cstdint>
#include <vector>

#include "sim/scratchpad.h"

namespace kiln::sim {

struct ChannelRecords {
  std::vector<int32_t> bias, mult, shift;
};

// Reads `n` records at `at` into `out` (resized, so a caller may keep one
// between commands). Throws kiln::Error "<who>: channel j: shift s is outside
// [-31, 30] (params at <buffer>+0x...)".
void read_channel_records(const ScratchpadIf& spm, SpmAddr at, uint32_t n, const char* who, ChannelRecords& out);

}  // namespace kiln::sim
