// Energy and area in kiln's run report (docs/energy.md): the technology of a
// SoC, and the report's "energy" and "area" entries from what sim/energy.h
// computed.
#pragma once

#include "arch/soc_config.h"
#include "arch/technology.h"
#include "explore/run_report.h"
#include "sim/energy.h"

namespace kiln::explore {

// The file the SoC names, else the shipped default (explore/paths.h); a file
// whose text this process has parsed before is not parsed again.
Technology load_soc_technology(const SocConfig& soc);

// Totals and components in uJ, and the action counts they price.
RunEnergy run_energy(const Technology& tech, const EnergyReport& energy, const ActionCounts& counts);
RunArea run_area(const AreaReport& area);

}  // namespace kiln::explore
