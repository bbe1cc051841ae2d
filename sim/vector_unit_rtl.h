// The vector unit's RTL engine (npu.units.vector.engine: rtl): the Verilated
// kiln_vector of rtl/ behind the NpuUnit interface of the TLM vector unit
// (sim/vector_unit.h). For each command it reads the operands its row in
// arch/command.h lists, as the scratchpads hold them; the TLM unit runs on a
// scratchpad port that keeps its writes (sim/recording_scratchpad.h), and its
// work (regions held, action counts) is the unit's; then the command's beat
// program (its file in sim/vector/) streams the operands through the
// Verilated unit, one lane-wide beat per cycle (sim/verilated_vector_core.h),
// and the RTL's results, written where the command's result operand lies,
// and its cycle count are the command's. A command without a beat program is
// an error, and so is a lane count with no Verilated unit in this build
// (KILN_RTL_VECTOR_LANES); docs/rtl.md.
#pragma once

#include <memory>

#include "sim/npu_unit.h"
#include "sim/vector_rtl_core.h"

namespace kiln::sim {

// The vector unit with each engine on the context's scratchpad port; the rtl
// one throws kiln::Error naming the built lane counts when its lanes have no
// Verilated unit.
std::unique_ptr<NpuUnit> make_tlm_vector_unit(const NpuUnitContext& c);
std::unique_ptr<NpuUnit> make_rtl_vector_unit(const NpuUnitContext& c);

}  // namespace kiln::sim
