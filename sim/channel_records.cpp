#include "sim/channel_records.h"

#include <fmt/format.h>

#include "arch/error.h"

namespace kiln::sim {

void read_channel_records(const ScratchpadIf& spm, SpmAddr at, uint32_t n, const char* who, ChannelRecords& out) {
  std::vector<int32_t> raw(3 * size_t(n));
  spm.read(at.buf, at.offset, raw.data(), 12 * uint64_t(n));
  out.bias.resize(n), out.mult.resize(n), out.shift.resize(n);
  for (uint32_t j = 0; j < n; ++j) {
    out.bias[j] = raw[3 * j], out.mult[j] = raw[3 * j + 1], out.shift[j] = raw[3 * j + 2];
    if (out.shift[j] < -31 || out.shift[j] > 30)
      throw Error(fmt::format("{}: channel {}: shift {} is outside [-31, 30] (params at {}+0x{:x})", who, j,
                              out.shift[j], to_string(at.buf), at.offset + 12 * uint64_t(j)));
  }
}

}  // namespace kiln::sim
