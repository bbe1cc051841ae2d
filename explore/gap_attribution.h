// Why a layer took longer than its roofline bound, from what the simulation
// recorded: the time between the bound and the measurement is split among
// causes (docs/tune.md, "Attribution"):
//   compute        the array queue busy beyond MACs / (rows*cols): tiles that
//                  do not fill the array, fill and drain, post-processing
//   dma            the array queue idle while a transfer moves data
//   bus_wait       ... while a transfer waits for the bus
//   bank_conflict  ... while a transfer waits for a busy memory or scratchpad bank
//   token_wait     the array queue idle with no transfer running (waiting on
//                  tokens, command fetch)
//   mcu            MCU work inside the layer's window
#pragma once

#include <cstddef>
#include <string>

#include "arch/profile.h"

namespace kiln::explore {

struct GapCauses {
  double compute = 0, dma = 0, bus_wait = 0, bank_conflict = 0, token_wait = 0, mcu = 0;  // NPU cycles
  // The largest cause, or "-" when there is no time to explain.
  std::string dominant() const;
};

// Attributes the window of commands [first, end) of `profile`; `array_macs_per_cycle`
// is rows * cols and `macs` the layer's MACs.
GapCauses attribute_gap(const Profile& profile, size_t first, size_t end, double macs, double array_macs_per_cycle);

}  // namespace kiln::explore
