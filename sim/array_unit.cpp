#include "sim/array_unit.h"

namespace kiln::sim {

ArrayUnit::ArrayUnit(const NpuUnitContext& c) : engine_(c.ctx.make_array_engine(c.soc.npu)), compute_(c.spm, *engine_) {}

UnitWork ArrayUnit::execute(const Command& cmd, int64_t index) {
  if (const auto* g = std::get_if<GemmCmd>(&cmd.body)) {
    const ArrayResult r = compute_.run(*g, uint64_t(index));
    return {r.cycles, r.macs, ComputeUnit::regions(*g)};
  }
  const auto& c = std::get<ConvCmd>(cmd.body);
  const ArrayResult r = compute_.run(c, uint64_t(index));
  return {r.cycles, r.macs, ComputeUnit::regions(c)};
}

namespace {
std::unique_ptr<NpuUnit> make_array_unit(const NpuUnitContext& c) { return std::make_unique<ArrayUnit>(c); }
}  // namespace

KILN_REGISTER_UNIT(NpuUnitRegistry, "array", make_array_unit)

}  // namespace kiln::sim
