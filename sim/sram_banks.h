// The bank timing of an interleaved SRAM, apart from SystemC: byte a is in
// bank (a / bank_width) % banks; a beat of the bus (bus_width bytes, aligned)
// occupies every bank it touches for `busy_ps`; beats follow one per `period_ps`
// unless a bank they need is still busy. Bank occupancy persists across accesses.
#pragma once

#include <cstdint>
#include <vector>

#include "sim/divisor.h"

namespace kiln::sim {

struct BankedAccess {
  uint64_t duration_ps = 0;  // from the start to the issue slot after the last beat
  uint64_t stalled_ps = 0;   // of that, waiting for busy banks
};

class SramBanks {
 public:
  SramBanks(unsigned banks, uint64_t bank_width_bytes, uint64_t bus_width_bytes, uint64_t period_ps, uint64_t busy_ps);

  // The beats of [offset, offset + len) issued from start_ps; len > 0.
  BankedAccess access(uint64_t offset, uint64_t len, uint64_t start_ps);

 private:
  uint64_t words(uint64_t bytes) const { return bus_words_.divide(bytes); }

  std::vector<uint64_t> free_ps_;  // time each bank can take its next beat
  uint64_t bank_width_, bus_width_, period_, busy_;
  uint64_t beats_per_granule_;  // bus words per bank granule; 0 when a beat may span banks
  Divisor bus_words_;           // bytes to bus words
};

}  // namespace kiln::sim
