// Test-only: registers the fault-injected 8x8 array core (PE row 2, column 3
// adds one to every product; tests/CMakeLists.txt Verilates it with
// -GFAULT_ROW=2 -GFAULT_COL=3) in place of the real 8x8 core. Linked only into
// kiln_fault_pe, the build with which tests prove that `kiln verify` catches a
// broken RTL core and names the first mismatch.
#include "Vkiln_array_core_fault_pe_8x8.h"
#include "sim/verilated_array_core.h"

namespace {

const bool registered = kiln::register_rtl_core(8, 8, "fault-pe r2c3", [](const kiln::NpuConfig& npu) {
  return std::make_unique<kiln::VerilatedCore<Vkiln_array_core_fault_pe_8x8>>(8, 8, npu.clock_mhz);
});

}  // namespace
