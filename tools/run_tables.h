// The tables `kiln run` prints on the terminal: the per-layer report and its
// totals, the SCALE-Sim comparison of a topology run, energy and area.
#pragma once

#include <string>
#include <vector>

#include "arch/soc_config.h"
#include "arch/technology.h"
#include "explore/run_report.h"
#include "sim/energy.h"

namespace kiln::tools {

std::string format_report(const explore::RunReport& report);
std::string format_scalesim_table(const std::vector<explore::ScaleSimRow>& rows, const SocConfig& soc);
std::string format_energy_area(const Technology& tech, const EnergyReport& energy, const AreaReport& area);

}  // namespace kiln::tools
