// Energy and area in kiln's reports (`kiln run`): the technology of a SoC,
// a terminal table and the JSON objects "energy" and "area" (docs/energy.md).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "arch/soc_config.h"
#include "arch/technology.h"
#include "sim/energy.h"

namespace kiln::tools {

// The file the SoC names, else the shipped default (tools/paths.h).
Technology load_soc_technology(const SocConfig& soc);

std::string format_energy_area(const Technology& tech, const EnergyReport& energy, const AreaReport& area);
// "energy": totals and components in µJ, and the action counts they price.
nlohmann::json energy_json(const Technology& tech, const EnergyReport& energy, const ActionCounts& counts);
nlohmann::json area_json(const AreaReport& area);

}  // namespace kiln::tools
