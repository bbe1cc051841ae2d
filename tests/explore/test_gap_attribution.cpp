// Gap attribution: time the array queue is idle goes to the transfers running
// then, split by how they spent it, or to token waits when nothing runs.
#include <catch2/catch.hpp>

#include "explore/gap_attribution.h"

using namespace kiln;

namespace {

ProfileEvent ev(int64_t cmd, const char* unit, uint64_t start, uint64_t end, uint64_t bus_wait = 0,
                uint64_t bank_wait = 0) {
  ProfileEvent e;
  e.command = cmd, e.unit = unit;
  e.start_cycle = start, e.end_cycle = end;
  e.start_ps = start * 5000, e.end_ps = end * 5000;  // 200 MHz
  e.bus_wait_ps = bus_wait * 5000, e.bank_wait_ps = bank_wait * 5000;
  return e;
}

}  // namespace

TEST_CASE("gap attribution splits idle array time among transfers, bus and bank waits and tokens") {
  Profile p;
  p.events = {ev(0, "npu.load", 0, 100, 50, 0),      // array idle: 50 dma + 50 bus wait
              ev(1, "npu.compute", 100, 300),        // 300 busy
              ev(2, "npu.store", 300, 400, 0, 25),   // array idle: 75 dma + 25 bank
              ev(3, "npu.compute", 450, 550),        // 400-450 nothing runs: token wait
              ev(4, "mcu", 550, 560),                // outside the window below
              ev(9, "npu.compute", 0, 1000)};        // another layer's command
  p.total_ps = 560 * 5000, p.total_cycles = 560;
  const explore::GapCauses g = explore::attribute_gap(p, 0, 4, /*macs=*/256 * 200, /*array=*/256);
  CHECK(g.compute == Approx(100));  // 300 busy - 200 at full array use
  CHECK(g.dma == Approx(125));
  CHECK(g.bus_wait == Approx(50));
  CHECK(g.bank_conflict == Approx(25));
  CHECK(g.token_wait == Approx(50));
  CHECK(g.mcu == 0);
  CHECK(g.dominant() == "dma");
  CHECK(explore::attribute_gap(p, 4, 5, 0, 256).dominant() == "mcu");
  CHECK(explore::attribute_gap(p, 5, 6, 0, 256).dominant() == "-");
}
