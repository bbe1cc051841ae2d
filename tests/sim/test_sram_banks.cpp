// SramBanks against a per-byte statement of the rule (sim/sram.h): a beat is
// the bus-width-aligned word, it touches the bank of every byte it carries,
// waits until all of them are free, holds each for busy_ps, and the next
// beat goes one period later at the earliest.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <random>
#include <set>
#include <vector>

#include "sim/sram_banks.h"

using kiln::sim::BankedAccess;
using kiln::sim::SramBanks;

namespace {

struct ByteRule {
  std::vector<uint64_t> free_ps;
  uint64_t bank_width, bus_width, period, busy;
  BankedAccess access(uint64_t offset, uint64_t len, uint64_t start) {
    uint64_t issue = start, stalled = 0;
    for (uint64_t beat = offset / bus_width * bus_width; beat < offset + len; beat += bus_width) {
      std::set<uint64_t> banks;
      for (uint64_t a = std::max(beat, offset); a < std::min(beat + bus_width, offset + len); ++a)
        banks.insert(a / bank_width % free_ps.size());
      uint64_t ready = issue;
      for (uint64_t b : banks) ready = std::max(ready, free_ps[b]);
      stalled += ready - issue;
      for (uint64_t b : banks) free_ps[b] = ready + busy;
      issue = ready + period;
    }
    return {issue - start, stalled};
  }
};

// 200 accesses of up to max_len bytes, often overlapping the previous one's
// banks, through SramBanks and the rule: equal durations and stalls. Returns
// how many accesses stalled.
int compare_with_rule(std::mt19937_64& rng, unsigned banks, uint64_t bank_width, uint64_t bus_width, uint64_t period,
                      uint64_t busy, uint64_t max_len) {
  SramBanks fast(banks, bank_width, bus_width, period, busy);
  ByteRule rule{std::vector<uint64_t>(banks, 0), bank_width, bus_width, period, busy};
  uint64_t start = 0;
  int stalls = 0;
  for (int k = 0; k < 200; ++k) {
    const uint64_t offset = rng() % 4096, len = 1 + rng() % max_len;
    const BankedAccess got = fast.access(offset, len, start);
    const BankedAccess want = rule.access(offset, len, start);
    INFO("banks " << banks << ", bank width " << bank_width << ", bus width " << bus_width << ", access " << k
                  << " at " << offset << " of " << len);
    REQUIRE(got.duration_ps == want.duration_ps);
    REQUIRE(got.stalled_ps == want.stalled_ps);
    stalls += want.stalled_ps > 0;
    start += rng() % 4 == 0 ? 0 : period * (rng() % 40);
  }
  return stalls;
}

}  // namespace

TEST_CASE("sram banks: every bank and bus width, unaligned accesses, conflicts across accesses, as the per-byte rule",
          "[sram]") {
  std::mt19937_64 rng(7);
  int configs = 0, stalls = 0;
  for (unsigned banks : {1u, 2u, 3u, 4u, 8u})
    for (uint64_t bank_width : {1u, 2u, 4u, 8u, 16u, 12u})
      for (uint64_t bus_width : {1u, 4u, 8u, 16u}) {
        const uint64_t period = 5000, busy = period * (1 + rng() % 3);
        stalls += compare_with_rule(rng, banks, bank_width, bus_width, period, busy, 300);
        ++configs;
      }
  CHECK(configs == 120);
  CHECK(stalls > 1000);  // the conflicts, not only the free path, were compared
}

TEST_CASE("sram banks without wait states (the beats after each bank's first in closed form) as the per-byte rule",
          "[sram]") {
  std::mt19937_64 rng(11);
  int stalls = 0;
  for (unsigned banks : {1u, 2u, 3u, 4u, 8u})
    for (uint64_t bank_width : {1u, 2u, 4u, 8u, 16u, 12u, 32u})
      for (uint64_t bus_width : {1u, 4u, 8u, 16u})
        stalls += compare_with_rule(rng, banks, bank_width, bus_width, 5000, 5000, 700);
  CHECK(stalls > 1000);
}

TEST_CASE("sram banks: two beats in one bank wait for it, two banks overlap", "[sram]") {
  // 2 banks of 8 bytes, a 8-byte bus, 1 ns beats, a bank busy for 2 ns.
  SramBanks s(2, 8, 8, 1000, 2000);
  const BankedAccess a = s.access(0, 16, 0);  // banks 0, 1: no wait
  CHECK(a.duration_ps == 2000);
  CHECK(a.stalled_ps == 0);
  const BankedAccess b = s.access(16, 8, 2000);  // bank 0 again, free at 2000
  CHECK(b.duration_ps == 1000);
  CHECK(b.stalled_ps == 0);
  const BankedAccess c = s.access(0, 8, 2500);  // bank 0 busy until 4000
  CHECK(c.stalled_ps == 1500);
  CHECK(c.duration_ps == 2500);
}
