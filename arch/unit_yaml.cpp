#include "arch/unit_yaml.h"

#include <algorithm>

#include <fmt/format.h>

namespace kiln {

namespace {

std::string listed(UnitSlot slot, bool built_in) {
  std::vector<std::string> names;
  for (const UnitSchema& u : unit_catalog())
    if (u.slot == slot && u.built_in == built_in) names.push_back(u.name);
  return names.empty() ? "none" : yaml::join(names);
}

UnitConfig read_unit(const yaml::Reader& reader, const yaml::Field& f, const UnitSchema& schema) {
  UnitConfig u;
  u.name = schema.name;
  std::vector<std::string> keys;
  for (const UnitParam& p : schema.params) keys.push_back(p.key);
  for (const UnitChoice& c : schema.choices) keys.push_back(c.key);
  // "vector:" or "vector: {}" enables the unit with every default.
  const bool empty = f.node.is_null() || (f.node.is_map() && f.node.size() == 0);
  if (!empty && !f.node.is_map())
    reader.fail(f.mark, f.path,
                fmt::format("expected the section of unit '{}': a map with keys {}, or nothing for the defaults, got {}",
                            schema.name, keys.empty() ? "(none)" : yaml::join(keys), yaml::describe(f.node)));
  std::optional<yaml::Reader::Map> m;
  if (!empty) m.emplace(reader, f, keys);
  for (const UnitParam& p : schema.params) {
    uint64_t value = p.fallback;
    if (m)
      if (auto v = m->get(p.key))
        value = p.power_of_two ? reader.power_of_two(*v, p.lo, p.hi, p.unit) : reader.integer(*v, p.lo, p.hi, p.unit);
    u.params[p.key] = value;
  }
  for (const UnitChoice& c : schema.choices) {
    std::string value = c.fallback;
    if (m)
      if (auto v = m->get(c.key)) {
        std::vector<std::pair<const char*, const char*>> options;
        for (const char* w : c.values) options.emplace_back(w, w);
        value = reader.choice(*v, options);
      }
    u.choices[c.key] = value;
  }
  return u;
}

}  // namespace

std::string read_unit_name(const yaml::Reader& reader, const yaml::Field& f, UnitSlot slot) {
  if (f.node.is_scalar() && find_unit(slot, f.node.text())) return f.node.text();
  reader.fail(f.mark, f.path,
              fmt::format("expected a registered {}: one of {}, got {}", to_string(slot), yaml::join(unit_names(slot)),
                          yaml::describe(f.node)));
}

std::vector<UnitConfig> read_npu_units(const yaml::Reader& reader, const yaml::Field& f) {
  if (f.node.is_null()) return {};
  if (!f.node.is_map())
    reader.fail(f.mark, f.path,
                fmt::format("expected a map from unit name ({}) to its section, got {}", listed(UnitSlot::NpuUnit, false),
                            yaml::describe(f.node)));
  // Unknown and repeated names are refused by Map, listing the names it allows;
  // a built-in unit gets its own message first.
  std::vector<std::string> optional_names;
  for (const UnitSchema& u : unit_catalog())
    if (u.slot == UnitSlot::NpuUnit && !u.built_in) optional_names.push_back(u.name);
  for (const auto& entry : f.node.entries()) {
    const yaml::Node& key = entry.first;
    if (!key.is_scalar()) continue;  // Map reports it
    const UnitSchema* schema = find_unit(UnitSlot::NpuUnit, key.text());
    if (schema && schema->built_in)
      reader.fail(key.mark(), f.path,
                  fmt::format("unit '{}' is part of every NPU and is configured where its summary says: {}",
                              schema->name, schema->summary));
    if (!schema)
      reader.fail(key.mark(), f.path,
                  fmt::format("unknown NPU unit '{}' (registered: {}; built into every NPU: {})",
                              yaml::shown(key.text()), listed(UnitSlot::NpuUnit, false),
                              listed(UnitSlot::NpuUnit, true)));
  }
  yaml::Reader::Map m(reader, f, optional_names);
  std::vector<UnitConfig> units;
  for (const std::string& name : optional_names)
    if (auto section = m.get(name)) units.push_back(read_unit(reader, *section, *find_unit(UnitSlot::NpuUnit, name)));
  std::sort(units.begin(), units.end(), [](const UnitConfig& a, const UnitConfig& b) { return a.name < b.name; });
  return units;
}

}  // namespace kiln
