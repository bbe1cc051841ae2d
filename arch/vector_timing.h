// The vector unit's lanes, as the SoC config gives them. Each of the unit's
// commands carries its own timing in closed form in its row of the command
// table (arch/command.h: CommandSpec::cycles and passes, beside its struct),
// which the simulator charges (sim/vector_unit.cpp) and the compiler's cost
// predicts with (compiler/mapping/vector_plan.h): command_cycles(). This
// file holds what the rows share: the lanes, and the scratchpad banks that
// decide the operand passes (vector_operand_passes, declared in
// arch/command.h). docs/simulator.md, "Vector unit".
#pragma once

#include "arch/command.h"
#include "arch/soc_config.h"

namespace kiln {

// The lanes of the SoC's vector unit; 0 when it has none.
unsigned vector_lanes(const SocConfig& soc);

}  // namespace kiln
