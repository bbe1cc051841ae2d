// NpuUnit: a unit of the NPU that executes commands of the compute queue,
// registered by name (sim/unit_registry.h) and built by the NPU from the SoC
// config: the built-in units "array" (gemm, conv; sim/array_unit.h) and
// "post_process" (sim/post_process_unit.h) on every NPU, and each optional
// unit that npu.units enables. The NPU's compute queue waits for tokens,
// asks the unit to execute the command, then holds the scratchpad regions the
// unit names for the cycles it returns (bank conflicts with the DMA follow).
//
// A new unit is one file here that implements this interface and registers
//   KILN_REGISTER_UNIT(NpuUnitRegistry, "name", make_my_unit)
// plus its entry (name, parameters) in arch/unit_catalog.cpp. The rows of
// the command table that name the unit (CommandSpec::unit) are the commands
// it must claim: the NPU refuses to start otherwise.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "arch/command.h"
#include "arch/soc_config.h"
#include "sim/action_counts.h"
#include "sim/scratchpad.h"
#include "sim/sim_context.h"
#include "sim/unit_registry.h"

namespace kiln::sim {

// What executing one command costs: NPU cycles, the scratchpad bytes held
// meanwhile, and the MACs done (energy).
struct UnitWork {
  uint64_t cycles = 0;
  uint64_t macs = 0;
  std::vector<SpmRegion> regions;
};

class NpuUnit {
 public:
  virtual ~NpuUnit() = default;
  virtual std::string name() const = 0;
  // The opcodes it executes, each of the compute queue; no two units of one NPU share one.
  virtual std::vector<Opcode> opcodes() const = 0;
  // Computes the command's results into the scratchpads (functionally, at
  // once) and returns what it costs. `index` is the command's place in the stream.
  virtual UnitWork execute(const Command& cmd, int64_t index) = 0;
  // Adds the actions it counted beyond MACs and scratchpad bytes (which the
  // NPU counts for every unit) for the energy model; most units have none.
  virtual void count_actions(ActionCounts&) const {}
};

// What a unit is built from.
struct NpuUnitContext {
  const SocConfig& soc;
  const UnitConfig* config;  // its npu.units section; nullptr for a built-in unit
  ScratchpadIf& spm;
  SimContext& ctx;
};

using NpuUnitRegistry = UnitRegistry<NpuUnit, const NpuUnitContext&>;

// What a command costs whose row in the command table times it
// (CommandSpec::on): its closed form on a unit of `lanes` lanes, and its
// scratchpad operands as the regions it holds. No MACs: a unit that counts
// them adds its own.
inline UnitWork table_work(const Command& cmd, const NpuConfig& npu, unsigned lanes) {
  UnitWork w;
  w.cycles = command_cycles(cmd, npu, lanes);
  for (const SpmOperand& o : command_spec(cmd.op).operands(cmd)) w.regions.push_back({o.at.buf, o.at.offset, o.bytes});
  return w;
}

}  // namespace kiln::sim
