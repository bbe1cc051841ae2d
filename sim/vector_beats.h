// Beat patterns that several vector commands' beat programs share
// (sim/vector_command.h).
#pragma once

#include <cstdint>

#include "sim/vector_command.h"

namespace kiln::sim {

// An element-wise stream of `count` elements: one emitting beat per group
// of lanes, element i of each operand in lane i % lanes (b may be nullptr),
// each beat after an idle cycle when `passes` is 2 (the operands share a
// scratchpad bank); the last beat ends the command.
void stream_elements(VectorBeats& beats, uint64_t count, unsigned passes, const int8_t* a, const int8_t* b);

}  // namespace kiln::sim
