#include "sim/sram.h"

#include <algorithm>

namespace kiln::sim {

Sram::Sram(sc_core::sc_module_name name, const MemoryConfig& config, const BusConfig& bus)
    : MemoryTarget(name, config, bus),
      banks_(config.banks, config.bank_width_bytes, bus.width_bytes, bus_clock_.period_ps(),
             bus_clock_.period_ps() * (1 + config.wait_states)) {}

sc_core::sc_time Sram::access_time(bool, uint64_t offset, uint64_t len, const sc_core::sc_time& start,
                                   sc_core::sc_time* bank_wait) {
  if (len == 0) return sc_core::SC_ZERO_TIME;
  const BankedAccess a = banks_.access(offset, len, ps(start));
  *bank_wait += from_ps(a.stalled_ps);
  return from_ps(a.duration_ps);
}

}  // namespace kiln::sim
