// The vector unit's timing per command, in closed form, shared by the
// simulator (sim/vector_unit.cpp charges it) and the compiler's cost
// (compiler/mapping/vector_plan.h predicts with it), as arch/array_timing.h
// is for the array. docs/simulator.md, "Vector unit":
//   cycles = 1 + passes * ceil(count / lanes)
// One cycle of handshake, then `lanes` elements per cycle; passes is 2 when
// the two operands share a scratchpad bank (a bank delivers one operand per
// cycle), else 1.
#pragma once

#include <cstdint>

#include "arch/command.h"
#include "arch/soc_config.h"

namespace kiln {

// The lanes of the SoC's vector unit; 0 when it has none.
unsigned vector_lanes(const SocConfig& soc);

// 2 when `count` bytes at a and at b touch a common bank of one buffer, else 1.
unsigned vector_operand_passes(const NpuConfig& npu, const SpmAddr& a, const SpmAddr& b, uint64_t count);

uint64_t vector_add_cycles(const NpuConfig& npu, const VectorAddCmd& v, unsigned lanes);

}  // namespace kiln
