#include "sim/sram_banks.h"

#include <algorithm>

namespace kiln::sim {

SramBanks::SramBanks(unsigned banks, uint64_t bank_width_bytes, uint64_t bus_width_bytes, uint64_t period_ps,
                     uint64_t busy_ps)
    : free_ps_(std::max(1u, banks), 0),
      bank_width_(std::max<uint64_t>(1, bank_width_bytes)),
      bus_width_(std::max<uint64_t>(1, bus_width_bytes)),
      period_(period_ps),
      busy_(busy_ps),
      beats_per_granule_(bank_width_ % bus_width_ == 0 ? bank_width_ / bus_width_ : 0),
      bus_words_(bus_width_) {}

BankedAccess SramBanks::access(uint64_t offset, uint64_t len, uint64_t start_ps) {
  const uint64_t w = bus_width_, bw = bank_width_, banks = free_ps_.size();
  const auto next = [banks](uint64_t b) { return b + 1 == banks ? 0 : b + 1; };
  uint64_t issue = start_ps;  // earliest time the next beat may go
  uint64_t stalled = 0;
  if (beats_per_granule_) {
    // Each beat lies in one bank: step the bank every beats_per_granule_
    // beats instead of dividing per beat (this runs for every SRAM burst of
    // a simulation, so it divides as little as it can).
    const uint64_t bpg = beats_per_granule_;
    uint64_t word = words(offset);
    const uint64_t last_word = words(offset + len - 1);
    uint64_t b = (bpg == 1 ? word : word / bpg) % banks, k = bpg == 1 ? 0 : word % bpg;
    // A bank free again by the next beat's slot (busy_ <= period_, no wait
    // states) makes every beat after each bank's first of this access go
    // without a stall: beat by beat only through that first round.
    uint64_t first_round = busy_ <= period_ ? banks * bpg - k : UINT64_MAX;
    for (; word <= last_word && first_round > 0; ++word, --first_round) {
      const uint64_t ready = std::max(issue, free_ps_[b]);
      stalled += ready - issue;
      free_ps_[b] = ready + busy_;
      issue = ready + period_;
      if (++k == bpg) {
        k = 0;
        b = next(b);
      }
    }
    if (word <= last_word) {
      // The rest, from bank b's granule on: beat j at issue + j * period_.
      // Its last granules, one per bank, say when each bank is free again:
      // one busy_ after the last beat it takes there.
      const uint64_t rest = last_word - word + 1, granules = bpg == 1 ? rest : (rest + bpg - 1) / bpg;
      uint64_t bank = (b + granules - 1) % banks;
      for (uint64_t i = 0; i < banks && i < granules; ++i) {
        const uint64_t j = i == 0 ? rest - 1 : (granules - i) * bpg - 1;  // the last beat of granule granules-1-i
        free_ps_[bank] = issue + j * period_ + busy_;
        bank = bank == 0 ? banks - 1 : bank - 1;
      }
      issue += rest * period_;
    }
    return {issue - start_ps, stalled};
  }
  for (uint64_t word = offset / w; word * w < offset + len; ++word) {
    const uint64_t lo = std::max(offset, word * w), hi = std::min(offset + len, (word + 1) * w);
    const uint64_t first_bank = lo / bw, last_bank = (hi - 1) / bw;
    // The banks the beat touches, each once: from first_bank's, wrapping.
    const uint64_t touched = std::min(last_bank - first_bank + 1, banks), first = first_bank % banks;
    uint64_t ready = issue;
    for (uint64_t i = 0, b = first; i < touched; ++i, b = next(b)) ready = std::max(ready, free_ps_[b]);
    stalled += ready - issue;
    for (uint64_t i = 0, b = first; i < touched; ++i, b = next(b)) free_ps_[b] = ready + busy_;
    issue = ready + period_;
  }
  return {issue - start_ps, stalled};
}

}  // namespace kiln::sim
