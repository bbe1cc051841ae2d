#include "arch/vector_timing.h"

#include <algorithm>

namespace kiln {

namespace {

const ScratchpadConfig& buffer_config(const NpuConfig& npu, Buffer b) {
  return b == Buffer::Input ? npu.input : b == Buffer::Weight ? npu.weight : npu.output;
}

}  // namespace

unsigned vector_lanes(const SocConfig& soc) {
  const UnitConfig* u = soc.npu.unit(kVectorUnit.name);
  return u ? unsigned(u->param("lanes")) : 0;
}

// Banks are contiguous (sim/scratchpad.h): bank = offset / (size / banks).
unsigned vector_operand_passes(const NpuConfig& npu, const SpmAddr& a, uint64_t a_bytes, const SpmAddr& b,
                               uint64_t b_bytes) {
  if (a.buf != b.buf || a_bytes == 0 || b_bytes == 0) return 1;
  const ScratchpadConfig& s = buffer_config(npu, a.buf);
  const uint64_t bank = std::max<uint64_t>(1, s.size_bytes / std::max(1u, s.banks));
  const uint64_t a0 = a.offset / bank, a1 = (a.offset + a_bytes - 1) / bank;
  const uint64_t b0 = b.offset / bank, b1 = (b.offset + b_bytes - 1) / bank;
  return a0 <= b1 && b0 <= a1 ? 2 : 1;
}

}  // namespace kiln
