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
    // The banks the beat touches, each once: from first_bank's, wrapping.
    const uint64_t touched = std::min(last_bank - first_bank + 1, banks), first = first_bank % banks;
    const auto next = [banks](uint64_t b) { return b + 1 == banks ? 0 : b + 1; };
    uint64_t ready = issue;
    for (uint64_t i = 0, b = first; i < touched; ++i, b = next(b)) ready = std::max(ready, bank_free_ps_[b]);
    stalled += ready - issue;
    for (uint64_t i = 0, b = first; i < touched; ++i, b = next(b)) bank_free_ps_[b] = ready + busy;
    issue = ready + period;
  }
  *bank_wait += from_ps(stalled);
  return from_ps(issue - t0);
}

}  // namespace kiln::sim
