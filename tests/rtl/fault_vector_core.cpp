// Test-only: registers the fault-injected 16-lane vector unit (lane 3 flips
// bit 0 of its vadd results; tests/CMakeLists.txt Verilates it with
// -GFAULT_LANE=3) in place of the real one. Linked only into
// kiln_fault_vector, the build with which tests prove that `kiln verify`
// catches a broken vector unit and names its first mismatch.
#include "Vkiln_vector_fault_lane3_16.h"
#include "sim/verilated_vector_core.h"

namespace {

const bool registered = kiln::sim::register_vector_rtl_core(16, "fault-lane 3", [] {
  return std::make_unique<kiln::sim::VerilatedVectorCore<Vkiln_vector_fault_lane3_16>>(16);
});

}  // namespace
