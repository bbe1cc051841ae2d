#include "tools/energy_report.h"

#include <fmt/format.h>

#include <filesystem>

#include "arch/error.h"
#include "arch/soc_config_yaml.h"
#include "arch/technology_yaml.h"
#include "tools/paths.h"

namespace kiln::tools {

Technology load_soc_technology(const SocConfig& soc) {
  if (technology_is_path(soc.technology)) return load_technology(soc.technology);
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
  return load_technology(path);
}

std::string format_energy_area(const Technology& tech, const EnergyReport& energy, const AreaReport& area) {
  const double total = energy.total_pj();
  std::string out = fmt::format("\nenergy       {:.3f} uJ ({:.3f} dynamic + {:.3f} leakage), area {:.3f} mm^2; technology {}\n",
                                total * 1e-6, energy.dynamic_pj() * 1e-6, energy.leakage_pj() * 1e-6,
                                area.total_um2() * 1e-6, tech.name);
  out += fmt::format("  {:<12} {:>12} {:>12} {:>12} {:>7} {:>10}\n", "component", "dynamic uJ", "leakage uJ",
                     "total uJ", "share", "area mm^2");
  for (const auto& c : energy.components)
    out += fmt::format("  {:<12} {:>12.4f} {:>12.4f} {:>12.4f} {:>6.1f}% {:>10.4f}\n", to_string(c.component),
                       c.dynamic_pj * 1e-6, c.leakage_pj * 1e-6, c.total_pj() * 1e-6,
                       total > 0 ? 100 * c.total_pj() / total : 0.0, area.um2(c.component) * 1e-6);
  return out;
}

namespace {

nlohmann::json actions_json(const ActionCounts& a) {
  nlohmann::json spm = nlohmann::json::object();
  const char* buffers[] = {"input", "weight", "output", "accumulator"};
  for (size_t b = 0; b < 4; ++b)
    spm[buffers[b]] = {{"read_bytes", a.spm_read_bytes[b]}, {"write_bytes", a.spm_write_bytes[b]}};
  nlohmann::json memories = nlohmann::json::object();
  for (const auto& m : a.memories)
    memories[m.name] = {{"kind", to_string(m.kind)}, {"read_bytes", m.read_bytes}, {"write_bytes", m.write_bytes}};
  return {{"array_macs", a.array_macs},
          {"mcu_macs", a.mcu_macs},
          {"scratchpads", spm},
          {"memories", memories},
          {"bus_bytes", a.bus_bytes},
          {"dma_bytes", a.dma_bytes},
          {"mcu_busy_cycles", a.mcu_busy_cycles},
          {"cycles", {{"npu", a.npu_cycles}, {"bus", a.bus_cycles}, {"mcu", a.mcu_cycles}}}};
}

}  // namespace

nlohmann::json energy_json(const Technology& tech, const EnergyReport& energy, const ActionCounts& counts) {
  nlohmann::json components = nlohmann::json::object();
  for (const auto& c : energy.components)
    components[to_string(c.component)] = {
        {"dynamic_uj", c.dynamic_pj * 1e-6}, {"leakage_uj", c.leakage_pj * 1e-6}, {"total_uj", c.total_pj() * 1e-6}};
  return {{"technology", tech.name},
          {"technology_file", tech.source},
          {"total_uj", energy.total_pj() * 1e-6},
          {"dynamic_uj", energy.dynamic_pj() * 1e-6},
          {"leakage_uj", energy.leakage_pj() * 1e-6},
          {"components", components},
          {"actions", actions_json(counts)}};
}

nlohmann::json area_json(const AreaReport& area) {
  nlohmann::json components = nlohmann::json::object();
  for (const auto& c : area.components) components[to_string(c.component)] = c.um2 * 1e-6;
  return {{"total_mm2", area.total_um2() * 1e-6}, {"components_mm2", components}};
}

}  // namespace kiln::tools
