// A SoC config as JSON (kiln config check --json): every field after
// defaults and units are applied, plus the peak rates it implies. kiln tune
// fingerprints the timing fields of this form to key its records.
#pragma once

#include <nlohmann/json.hpp>

#include "arch/soc_config.h"

namespace kiln {

// Peak rates the config implies; docs/soc-config.md ("Derived figures") gives the formulas.
struct Peaks {
  double macs_per_s;              // rows * cols MACs per NPU cycle
  double bus_bytes_per_s;         // one bus-width beat per bus cycle
  double bus_burst_bytes_per_s;   // full bursts, each paying the bus latency
  double flash_bytes_per_s;       // a read_width word per (its beats + wait states)
  double sram_bytes_per_s;        // limited by the bus or by the banks' access time
  double spm_port_bytes_per_s;    // scratchpad port per NPU cycle
  double ridge_macs_per_byte;     // MACs per bus byte at which compute and bus time balance
};

Peaks peaks_of(const SocConfig& soc);

nlohmann::ordered_json soc_config_json(const SocConfig& soc);

}  // namespace kiln
