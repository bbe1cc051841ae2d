// Deployment strategies (kiln compare): each a named, documented choice of
// where a model's operators run and which kernel library the MCU uses. The
// table in strategy.cpp is the one place strategies are declared; a new
// accelerator unit or MCU kernel library adds an entry there.
#pragma once

#include <string>
#include <vector>

#include "arch/soc_config.h"

namespace kiln::explore {

struct Strategy {
  std::string name;
  std::string summary;      // one line: --help, the JSON, docs/strategies.md
  // The MCU kernels: the profile "<core_id>-<mcu_library>" of the SoC's core
  // (arch/mcu_profile.h); "" keeps the SoC config's own profile and costs.
  std::string mcu_library;
  bool mcu_only = false;    // every operator on the MCU (kiln run --mcu-only)
  bool tuned = false;       // NPU tilings from kiln tune (a tuning record)
  // Optional NPU units (npu.units, arch/unit_catalog.h) the strategy enables
  // on the given SoC, each with its defaults unless the SoC config sets it.
  std::vector<std::string> npu_units = {};
};

// Every registered strategy, in the order tables list them; the first is the
// baseline speedups are measured against.
const std::vector<Strategy>& strategies();
// Throws kiln::Error naming the registered strategies when there is no `name`.
const Strategy& find_strategy(const std::string& name);

// The MCU profile a strategy runs with on `soc`: "" for the SoC's own; else
// "<core_id>-<library>" of the SoC's profile, or the file of that name beside
// the SoC's profile when the SoC picked a profile by path and it is there.
// Throws kiln::Error (naming the SoC config and the profile looked for) when
// the SoC has no profile with a core_id or the profile is not shipped.
std::string strategy_mcu_profile(const Strategy& s, const SocConfig& soc);

// `soc` with the strategy's NPU units enabled (arch/unit_enable.h); throws
// kiln::Error naming the strategy when the SoC cannot take one.
SocConfig strategy_soc(const Strategy& s, const SocConfig& soc);

}  // namespace kiln::explore
