#include "sim/vector_unit.h"

#include <fmt/format.h>

#include "arch/error.h"
#include "sim/vector_unit_rtl.h"

namespace kiln::sim {

VectorUnit::VectorUnit(const NpuConfig& npu, ScratchpadIf& spm, unsigned lanes, const VectorCommands& commands)
    : npu_(npu), lanes_(lanes), commands_(commands), context_(spm) {
  check_vector_commands(commands_);
}

UnitWork VectorUnit::execute(const Command& cmd, int64_t) {
  const VectorCommand* c = commands_.find(cmd.op);
  if (!c || !c->execute)  // check_vector_commands refused the unit without it: the NPU hands the unit only its own
    throw Error(fmt::format("vector unit: no executor for {} (internal error)", to_string(cmd.op)));
  c->execute(context_, cmd);
  return table_work(cmd, npu_, lanes_);
}

void VectorUnit::count_actions(ActionCounts& a) const {
  a.vector_rescales += context_.actions.rescales;
  a.vector_adds += context_.actions.adds;
  a.vector_macs += context_.actions.macs;
}

namespace {
std::unique_ptr<NpuUnit> make_vector_unit(const NpuUnitContext& c) {
  // npu.units.vector.engine: rtl is the Verilated unit behind this one's books (sim/vector_unit_rtl.h).
  const auto engine = c.config->choices.find("engine");  // absent in a config built in code: tlm
  if (engine != c.config->choices.end() && engine->second == "rtl") return make_rtl_vector_unit(c);
  return make_tlm_vector_unit(c);
}
}  // namespace

KILN_REGISTER_UNIT(NpuUnitRegistry, "vector", make_vector_unit)

}  // namespace kiln::sim
