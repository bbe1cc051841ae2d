#include "compiler/mapping/vector_plan.h"

#include <algorithm>

#include "arch/vector_timing.h"

namespace kiln::mapping {

namespace {

// Bus cycles of one DMA transfer of `bytes` from or to SRAM: bursts of the
// bus's maximum size, each its latency plus its beats.
double transfer_bus_cycles(const SocConfig& soc, uint64_t bytes) {
  const uint64_t width = soc.bus.width_bytes, burst = uint64_t(soc.bus.max_burst_beats) * width;
  const uint64_t bursts = (bytes + burst - 1) / burst;
  return double(bursts * soc.bus.latency_cycles + (bytes + width - 1) / width);
}

}  // namespace

std::optional<VectorPlan> plan_vector_op(const ir::Graph& g, const ir::Op& op, const SocConfig& soc,
                                         std::string* why) {
  const auto refuse = [&](const std::string& reason) {
    *why = reason;
    return std::nullopt;
  };
  const unsigned lanes = vector_lanes(soc);
  if (lanes == 0) return refuse("the SoC has no vector unit");
  if (op.kind != ir::OpKind::Add) return refuse(std::string(ir::op_kind_name(op.kind)) + " has no vector mapping");
  const ir::Tensor& out = g.tensors[op.outputs[0]];
  for (int t : op.inputs) {
    if (g.tensors[t].is_constant()) return refuse("vector add: a constant operand");
    if (g.tensors[t].num_elements() != out.num_elements()) return refuse("vector add: a broadcast operand");
  }
  VectorPlan p;
  p.count = uint64_t(out.num_elements());
  // Two slots per buffer; a and b share an input slot, 16-byte aligned.
  p.in_slot = uint32_t(soc.npu.input.size_bytes / 2 / 16 * 16);
  p.out_slot = uint32_t(soc.npu.output.size_bytes / 2 / 16 * 16);
  const uint64_t chunk = std::min<uint64_t>({p.in_slot / 2 / 16 * 16, p.out_slot, p.count});
  if (chunk == 0) return refuse("vector add: the scratchpads hold no chunk");
  p.chunk = uint32_t(chunk);
  p.chunks = uint32_t((p.count + chunk - 1) / chunk);
  const double npu_per_bus = soc.npu.clock_mhz / soc.bus.clock_mhz;
  for (uint32_t k = 0; k < p.chunks; ++k) {
    const uint64_t n = std::min<uint64_t>(chunk, p.count - uint64_t(k) * chunk);
    p.dma_cycles += 3 * transfer_bus_cycles(soc, n) * npu_per_bus;
    VectorAddCmd v;
    v.a = {Buffer::Input, (k % 2) * p.in_slot};
    v.b = {Buffer::Input, (k % 2) * p.in_slot + p.chunk};
    v.count = uint32_t(n);
    p.compute_cycles += double(vector_add_cycles(soc.npu, v, lanes));
  }
  p.roofline = std::max(p.dma_cycles, p.compute_cycles);
  p.cycles = p.roofline + std::min(p.dma_cycles, p.compute_cycles) / p.chunks;
  p.bytes_moved = 3 * p.count;
  return p;
}

}  // namespace kiln::mapping
