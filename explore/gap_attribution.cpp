#include "explore/gap_attribution.h"

#include <algorithm>
#include <utility>
#include <vector>

namespace kiln::explore {

std::string GapCauses::dominant() const {
  const std::pair<const char*, double> all[] = {{"compute", compute},   {"dma", dma},
                                                {"bus_wait", bus_wait}, {"bank_conflict", bank_conflict},
                                                {"token_wait", token_wait}, {"mcu", mcu}};
  const auto* best = std::max_element(std::begin(all), std::end(all),
                                      [](const auto& a, const auto& b) { return a.second < b.second; });
  return best->second > 0 ? best->first : "-";
}

GapCauses attribute_gap(const Profile& profile, size_t first, size_t end, double macs, double array_macs_per_cycle) {
  GapCauses g;
  std::vector<const ProfileEvent*> events;
  for (const auto& e : profile.events)
    if (e.command >= int64_t(first) && e.command < int64_t(end) && e.end_cycle > e.start_cycle) events.push_back(&e);
  if (events.empty()) return g;
  double compute_busy = 0;
  std::vector<uint64_t> bounds;
  for (const auto* e : events) {
    bounds.push_back(e->start_cycle);
    bounds.push_back(e->end_cycle);
    if (e->unit == "npu.compute") compute_busy += double(e->end_cycle - e->start_cycle);
  }
  g.compute = std::max(0.0, compute_busy - macs / array_macs_per_cycle);
  std::sort(bounds.begin(), bounds.end());
  bounds.erase(std::unique(bounds.begin(), bounds.end()), bounds.end());
  // Each elementary segment of the window: when the array queue is idle, the
  // transfers running then explain it in proportion to how they spent their
  // own time (moving data, waiting for the bus, waiting for a bank).
  for (size_t i = 0; i + 1 < bounds.size(); ++i) {
    const uint64_t a = bounds[i], b = bounds[i + 1];
    const double len = double(b - a);
    bool computing = false, mcu = false;
    double move = 0, bus = 0, bank = 0;
    for (const auto* e : events) {
      if (e->start_cycle > a || e->end_cycle < b) continue;
      if (e->unit == "npu.compute") computing = true;
      if (e->unit == "mcu") mcu = true;
      if (e->unit == "npu.load" || e->unit == "npu.store") {
        const double dur = double(e->end_ps - e->start_ps);
        const double w_bus = double(e->bus_wait_ps), w_bank = double(e->bank_wait_ps);
        if (dur <= 0) continue;
        bus += w_bus / dur, bank += w_bank / dur, move += std::max(0.0, dur - w_bus - w_bank) / dur;
      }
    }
    if (computing) continue;
    if (mcu) {
      g.mcu += len;
    } else if (move + bus + bank > 0) {
      const double total = move + bus + bank;
      g.dma += len * move / total, g.bus_wait += len * bus / total, g.bank_conflict += len * bank / total;
    } else {
      g.token_wait += len;
    }
  }
  return g;
}

}  // namespace kiln::explore
