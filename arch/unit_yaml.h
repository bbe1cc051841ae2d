// Reading the unit choices of a SoC config against the unit catalogue
// (arch/unit_catalog.h): an array engine by name, and the npu.units section,
// one map per enabled unit checked against that unit's parameter list. Errors
// are the located ones of arch/yaml_reader.h and list the registered names.
#pragma once

#include <string>
#include <vector>

#include "arch/soc_config.h"
#include "arch/unit_catalog.h"
#include "arch/yaml_reader.h"

namespace kiln {

// A unit name of `slot` from the catalogue; an unknown one fails listing the names there are.
std::string read_unit_name(const yaml::Reader& reader, const yaml::Field& f, UnitSlot slot);

// npu.units: a map from unit name to that unit's section (a map of its
// parameters, or empty for all defaults). Sorted by name.
std::vector<UnitConfig> read_npu_units(const yaml::Reader& reader, const yaml::Field& f);

}  // namespace kiln
