#include "arch/vector_timing.h"

#include <algorithm>

namespace kiln {

namespace {

const ScratchpadConfig& buffer_config(const NpuConfig& npu, Buffer b) {
  return b == Buffer::Input ? npu.input : b == Buffer::Weight ? npu.weight : npu.output;
}

}  // namespace

unsigned vector_lanes(const SocConfig& soc) {
  const UnitConfig* u = soc.npu.unit("vector");
  return u ? unsigned(u->param("lanes")) : 0;
}

// Banks are contiguous (sim/scratchpad.h): bank = offset / (size / banks).
unsigned vector_operand_passes(const NpuConfig& npu, const SpmAddr& a, const SpmAddr& b, uint64_t count) {
  if (a.buf != b.buf || count == 0) return 1;
  const ScratchpadConfig& s = buffer_config(npu, a.buf);
  const uint64_t bank = std::max<uint64_t>(1, s.size_bytes / std::max(1u, s.banks));
  const uint64_t a0 = a.offset / bank, a1 = (a.offset + count - 1) / bank;
  const uint64_t b0 = b.offset / bank, b1 = (b.offset + count - 1) / bank;
  return a0 <= b1 && b0 <= a1 ? 2 : 1;
}

unsigned vector_operand_passes(const NpuConfig& npu, const SpmAddr& a, uint64_t a_bytes, const SpmAddr& b,
                               uint64_t b_bytes) {
  if (a.buf != b.buf || a_bytes == 0 || b_bytes == 0) return 1;
  const ScratchpadConfig& s = buffer_config(npu, a.buf);
  const uint64_t bank = std::max<uint64_t>(1, s.size_bytes / std::max(1u, s.banks));
  const uint64_t a0 = a.offset / bank, a1 = (a.offset + a_bytes - 1) / bank;
  const uint64_t b0 = b.offset / bank, b1 = (b.offset + b_bytes - 1) / bank;
  return a0 <= b1 && b0 <= a1 ? 2 : 1;
}

uint64_t vector_add_cycles(const NpuConfig& npu, const VectorAddCmd& v, unsigned lanes) {
  const uint64_t l = std::max(1u, lanes);
  return 1 + vector_operand_passes(npu, v.a, v.b, v.count) * ((uint64_t(v.count) + l - 1) / l);
}

uint64_t vector_pool_cycles(const VectorPoolCmd& v, bool average, unsigned lanes) {
  const uint64_t l = std::max(1u, lanes);
  const uint64_t steps = uint64_t(v.kh) * v.kw + (average ? 1 : 0);
  return 1 + uint64_t(v.out_h) * v.out_w * steps * ((uint64_t(v.c) + l - 1) / l);
}

uint64_t vector_max_min_cycles(const NpuConfig& npu, const VectorMaxMinCmd& v, unsigned lanes) {
  const uint64_t l = std::max(1u, lanes);
  return 1 + vector_operand_passes(npu, v.a, v.b, v.count) * ((uint64_t(v.count) + l - 1) / l);
}

uint64_t vector_mean_cycles(const VectorMeanCmd& v, unsigned lanes) {
  const uint64_t l = std::max(1u, lanes);
  return 1 + (uint64_t(v.h) * v.w + 1) * ((uint64_t(v.c) + l - 1) / l);
}

uint64_t vector_sub_cycles(const NpuConfig& npu, const VectorAddCmd& v, unsigned lanes) {
  return vector_add_cycles(npu, v, lanes);
}

uint64_t vector_mul_cycles(const NpuConfig& npu, const VectorMulCmd& v, unsigned lanes) {
  const uint64_t l = std::max(1u, lanes);
  return 1 + vector_operand_passes(npu, v.a, v.count, v.b, v.b_count) * ((uint64_t(v.count) + l - 1) / l);
}

uint64_t vector_lut_cycles(const NpuConfig& npu, const VectorLutCmd& v, unsigned lanes) {
  const uint64_t l = std::max(1u, lanes);
  return 1 + (256 + l - 1) / l + vector_operand_passes(npu, v.in, v.out, v.count) * ((uint64_t(v.count) + l - 1) / l);
}

uint64_t vector_depthwise_cycles(const VectorDepthwiseCmd& v, unsigned lanes) {
  const uint64_t l = std::max(1u, lanes);
  const uint64_t taps = uint64_t(v.kh) * v.kw;
  return 1 + ((uint64_t(v.c) + l - 1) / l) * (taps + 3 + uint64_t(v.out_h) * v.out_w * (taps + 1));
}

uint64_t vector_requantize_cycles(const NpuConfig& npu, const VectorRequantizeCmd& v, unsigned lanes) {
  const uint64_t l = std::max(1u, lanes);
  return 1 + vector_operand_passes(npu, v.in, v.out, v.count) * ((uint64_t(v.count) + l - 1) / l);
}

}  // namespace kiln
