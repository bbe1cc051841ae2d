#include "sim/sram.h"

#include <algorithm>

namespace kiln::sim {

Sram::Sram(sc_core::sc_module_name name, const MemoryConfig& config, const BusConfig& bus)
    : MemoryTarget(name, config, bus), bank_free_ps_(std::max(1u, config.banks), 0) {}

sc_core::sc_time Sram::access_time(bool, uint64_t offset, uint64_t len, const sc_core::sc_time& start,
                                   sc_core::sc_time* bank_wait) {
  if (len == 0) return sc_core::SC_ZERO_TIME;
  const uint64_t period = bus_clock_.period_ps();
  const uint64_t busy = period * (1 + config().wait_states);
  const uint64_t w = bus_.width_bytes;
  const uint64_t bw = std::max(1u, config().bank_width_bytes);
  const uint64_t banks = bank_free_ps_.size();
  const uint64_t t0 = ps(start);
  uint64_t issue = t0;  // earliest time the next beat may go
  uint64_t stalled = 0;
  for (uint64_t word = offset / w; word * w < offset + len; ++word) {
    const uint64_t lo = std::max(offset, word * w), hi = std::min(offset + len, (word + 1) * w);
    const uint64_t first_bank = lo / bw, last_bank = (hi - 1) / bw;
    uint64_t ready = issue;
    for (uint64_t b = first_bank; b <= last_bank && b < first_bank + banks; ++b)
      ready = std::max(ready, bank_free_ps_[b % banks]);
    stalled += ready - issue;
    for (uint64_t b = first_bank; b <= last_bank && b < first_bank + banks; ++b) bank_free_ps_[b % banks] = ready + busy;
    issue = ready + period;
  }
  *bank_wait += from_ps(stalled);
  return from_ps(issue - t0);
}

}  // namespace kiln::sim
