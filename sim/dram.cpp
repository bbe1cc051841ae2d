#include "sim/dram.h"

#include <algorithm>

namespace kiln::sim {

sc_core::sc_time Dram::access_time(bool, uint64_t offset, uint64_t len, const sc_core::sc_time&, sc_core::sc_time*) {
  if (len == 0) return sc_core::SC_ZERO_TIME;
  const uint64_t rate = std::max(1u, config().bytes_per_cycle);
  const uint64_t device = (len + rate - 1) / rate;
  return bus_clock_.cycles(config().latency_cycles + std::max(beats(offset, len), device));
}

}  // namespace kiln::sim
