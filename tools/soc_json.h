// A SoC config as JSON (kiln config check --json): every field after
// defaults and units are applied, plus the peak rates it implies. kiln tune
// fingerprints the timing fields of this form to key its records.
#pragma once

#include <nlohmann/json.hpp>

#include "arch/soc_config.h"

namespace kiln::tools {

nlohmann::ordered_json soc_config_json(const SocConfig& soc);

}  // namespace kiln::tools
