#include "compiler/mapping/vector_plan.h"

#include "arch/vector_timing.h"
#include "compiler/mapping/vector_op.h"

namespace kiln::mapping {

double transfer_bus_cycles(const SocConfig& soc, uint64_t bytes) {
  const uint64_t width = soc.bus.width_bytes, burst = uint64_t(soc.bus.max_burst_beats) * width;
  const uint64_t bursts = (bytes + burst - 1) / burst;
  return double(bursts * soc.bus.latency_cycles + (bytes + width - 1) / width);
}

uint32_t vector_input_slot(const SocConfig& soc) { return uint32_t(soc.npu.input.size_bytes / 2 / 16 * 16); }
uint32_t vector_output_slot(const SocConfig& soc) { return uint32_t(soc.npu.output.size_bytes / 2 / 16 * 16); }

std::optional<VectorPlan> plan_vector_op(const ir::Graph& g, const ir::Op& op, const SocConfig& soc,
                                         std::string* why) {
  if (vector_lanes(soc) == 0) {
    *why = "the SoC has no vector unit";
    return std::nullopt;
  }
  const VectorMapping* m = find_vector_mapping(op);
  if (!m) {
    *why = ir::op_name(op) + " has no vector mapping";
    return std::nullopt;
  }
  return m->plan(g, op, soc, why);
}

}  // namespace kiln::mapping
