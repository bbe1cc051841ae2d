#include "arch/unit_enable.h"

#include <algorithm>

#include <fmt/format.h>

#include "arch/error.h"
#include "arch/unit_catalog.h"
#include "arch/yaml_reader.h"

namespace kiln {

void enable_npu_unit(SocConfig& soc, const std::string& name, const std::string& what) {
  const UnitSchema* schema = find_unit(UnitSlot::NpuUnit, name);
  if (!schema || schema->built_in) {
    std::vector<std::string> optional;
    for (const UnitSchema& u : unit_catalog())
      if (u.slot == UnitSlot::NpuUnit && !u.built_in) optional.push_back(u.name);
    throw Error(fmt::format("{}: cannot enable NPU unit '{}' on SoC config {}: {} (optional NPU units: {})", what,
                            yaml::shown(name), soc.source.empty() ? soc.name : soc.source,
                            schema ? "it is part of every NPU" : "no such unit",
                            optional.empty() ? "none" : yaml::join(optional)));
  }
  if (soc.npu.unit(name)) return;
  UnitConfig u;
  u.name = schema->name;
  for (const UnitParam& p : schema->params) u.params[p.key] = p.fallback;
  for (const UnitChoice& c : schema->choices) u.choices[c.key] = c.fallback;
  soc.npu.units.push_back(u);
  std::sort(soc.npu.units.begin(), soc.npu.units.end(),
            [](const UnitConfig& a, const UnitConfig& b) { return a.name < b.name; });
}

void use_rtl_engines(SocConfig& soc) {
  soc.npu.engine = "rtl";
  for (UnitConfig& u : soc.npu.units)
    if (const UnitSchema* schema = find_unit(UnitSlot::NpuUnit, u.name))
      for (const UnitChoice& c : schema->choices)
        if (std::string(c.key) == "engine" &&
            std::any_of(c.values.begin(), c.values.end(), [](const char* v) { return std::string(v) == "rtl"; }))
          u.choices[c.key] = "rtl";
}

}  // namespace kiln
