#include "explore/energy_report.h"

#include <fmt/format.h>

#include <filesystem>
#include <map>
#include <mutex>
#include <utility>

#include "arch/error.h"
#include "arch/soc_config_yaml.h"
#include "arch/technology_yaml.h"
#include "arch/yaml_reader.h"
#include "explore/paths.h"

namespace kiln::explore {
namespace {

// A technology file parsed once per process while its text stays the same:
// a sweep's points, forked from the sweep after it read the base config's
// technology, find it here instead of parsing the YAML again.
Technology load_technology_cached(const std::string& path) {
  static std::mutex lock;
  static std::map<std::string, std::pair<std::string, Technology>> parsed;
  std::string text = yaml::read_file(path, "technology file");
  const std::lock_guard<std::mutex> hold(lock);
  const auto it = parsed.find(path);
  if (it != parsed.end() && it->second.first == text) return it->second.second;
  Technology t = parse_technology(text, path);
  parsed[path] = {std::move(text), t};
  return t;
}

}  // namespace

Technology load_soc_technology(const SocConfig& soc) {
  if (technology_is_path(soc.technology)) return load_technology_cached(soc.technology);
  const std::string name = soc.technology.empty() ? default_technology_name() : soc.technology;
  const std::string path = technology_dir() + "/" + name + ".yaml";
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    std::string known;
    for (const auto& e : std::filesystem::directory_iterator(technology_dir(), ec))
      if (e.path().extension() == ".yaml") known += (known.empty() ? "" : ", ") + e.path().stem().string();
    throw Error(fmt::format("{}: technology: no shipped technology '{}' in {} (there are: {}); a path ending in "
                            ".yaml names a file of your own",
                            soc.source.empty() ? soc.name : soc.source, name, technology_dir(), known));
  }
  return load_technology_cached(path);
}

RunEnergy run_energy(const Technology& tech, const EnergyReport& energy, const ActionCounts& a) {
  RunEnergy e;
  e.technology = tech.name;
  e.technology_file = tech.source;
  e.total_uj = energy.total_pj() * 1e-6;
  e.dynamic_uj = energy.dynamic_pj() * 1e-6;
  e.leakage_uj = energy.leakage_pj() * 1e-6;
  for (const auto& c : energy.components)
    e.components.push_back({to_string(c.component), c.dynamic_pj * 1e-6, c.leakage_pj * 1e-6, c.total_pj() * 1e-6});
  RunActions& r = e.actions;
  r.array_macs = a.array_macs;
  r.mcu_macs = a.mcu_macs;
  r.vector_rescales = a.vector_rescales;
  r.vector_adds = a.vector_adds;
  r.vector_macs = a.vector_macs;
  for (size_t b = 0; b < 4; ++b) r.scratchpads[b] = {a.spm_read_bytes[b], a.spm_write_bytes[b]};
  for (const auto& m : a.memories) r.memories.push_back({m.name, to_string(m.kind), {m.read_bytes, m.write_bytes}});
  r.bus_bytes = a.bus_bytes;
  r.dma_bytes = a.dma_bytes;
  r.mcu_busy_cycles = a.mcu_busy_cycles;
  r.npu_cycles = a.npu_cycles;
  r.bus_cycles = a.bus_cycles;
  r.mcu_cycles = a.mcu_cycles;
  return e;
}

RunArea run_area(const AreaReport& area) {
  RunArea r;
  r.total_mm2 = area.total_um2() * 1e-6;
  for (const auto& c : area.components) r.components_mm2.emplace_back(to_string(c.component), c.um2 * 1e-6);
  return r;
}

}  // namespace kiln::explore
