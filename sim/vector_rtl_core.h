// VectorRtlCore: one Verilated kiln_vector (rtl/) of a fixed number of
// lanes, as the vector unit's rtl engine (sim/vector_unit_rtl.h) drives it,
// and the registry of the lane counts built. Apart from the unit so that the
// Verilated headers never meet SystemC's in one file
// (sim/verilated_vector_core.h). Built when KILN_RTL_VECTOR_LANES is not
// empty (KILN_HAVE_VECTOR_RTL); docs/rtl.md.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "sim/vector_command.h"

namespace kiln::sim {

// One Verilated vector unit of a fixed number of lanes.
class VectorRtlCore {
 public:
  virtual ~VectorRtlCore() = default;
  // Runs one command through the beat program its file registers
  // (sim/vector_command.h) on the operands it reads, its results into out
  // (cmd.out_bytes bytes). Returns the cycles from the start edge to done.
  // A command without a beat program is an error naming it.
  virtual uint64_t run(const VectorRtlCommand& cmd, int8_t* out) = 0;
};

// A Verilated unit built outside kiln_sim (the test-only fault-injected
// variant, tests/rtl/) registers itself from a static initializer; it is then
// used for its lanes instead of the built-in one, and the engine's name
// carries `variant`.
using VectorRtlCoreFactory = std::function<std::unique_ptr<VectorRtlCore>()>;
bool register_vector_rtl_core(unsigned lanes, const std::string& variant, VectorRtlCoreFactory factory);

// The Verilated unit of that many lanes (a registered variant first), or
// nullptr when this build has none of that many lanes.
std::unique_ptr<VectorRtlCore> make_vector_rtl_core(unsigned lanes);

// The lane counts with a Verilated vector unit in this build; empty without.
std::vector<unsigned> vector_rtl_lanes();

// "rtl", or "rtl[variant]" for a registered test variant of that many lanes.
std::string vector_rtl_engine_name(unsigned lanes);

}  // namespace kiln::sim
