#include "explore/strategy.h"

#include <filesystem>

#include <fmt/format.h>

#include "arch/bundled_files.h"
#include "arch/error.h"
#include "arch/mcu_profile.h"
#include "arch/soc_config_yaml.h"
#include "arch/unit_enable.h"
#include "arch/yaml_reader.h"

namespace kiln::explore {

const std::vector<Strategy>& strategies() {
  static const std::vector<Strategy> table = {
      {"mcu-reference",
       "every operator on the MCU with portable C kernels, no SIMD (TFLite Micro's reference kernels, or code "
       "generated without an optimized library)",
       "portable-c", true, false},
      {"mcu-optimized", "every operator on the MCU with CMSIS-NN, the optimized int8 kernels TFLite Micro links on Cortex-M",
       "cmsis-nn", true, false},
      {"npu", "kiln compile's partition and analytic tiling: the NPU where it can, MCU work with CMSIS-NN", "cmsis-nn",
       false, false},
      {"npu-tuned", "as npu, with each NPU layer's tiling chosen by kiln tune (profile-guided, from simulation)",
       "cmsis-nn", false, true},
      {"npu-vector",
       "as npu, with the NPU's vector unit enabled (npu.units.vector, its defaults unless the SoC sets it): "
       "element-wise adds on the NPU where the partition finds them cheaper",
       "cmsis-nn", false, false, {"vector"}},
  };
  return table;
}

const Strategy& find_strategy(const std::string& name) {
  std::vector<std::string> names;
  for (const auto& s : strategies()) {
    if (s.name == name) return s;
    names.push_back(s.name);
  }
  throw Error(fmt::format("no deployment strategy '{}' (strategies: {})", yaml::shown(name), yaml::join(names)));
}

std::string strategy_mcu_profile(const Strategy& s, const SocConfig& soc) {
  if (s.mcu_library.empty()) return "";
  if (soc.mcu.profile.empty())
    throw Error(fmt::format("{}: strategy '{}' needs the MCU's {} kernels, but this SoC config gives its MCU costs "
                            "without a profile (set mcu.profile to a profile with a core_id)",
                            soc.source, s.name, s.mcu_library));
  const bool by_path = names_a_file(soc.mcu.profile);
  const std::string path = by_path ? soc.mcu.profile : mcu_profile_dir() + "/" + soc.mcu.profile + ".yaml";
  McuProfile own;
  try {
    own = load_mcu_profile(path);
  } catch (const Error& e) {
    throw Error(fmt::format("{}: strategy '{}': {}", soc.source, s.name, e.what()));
  }
  const std::string name = mcu_profile_for_library(own, s.mcu_library);
  if (by_path) {
    const auto beside = std::filesystem::path(path).parent_path() / (name + ".yaml");
    std::error_code ec;
    if (std::filesystem::is_regular_file(beside, ec)) return beside.string();
  }
  if (const std::string why = mcu_profile_missing(name, mcu_profile_dir() + "/" + name + ".yaml"); !why.empty())
    throw Error(fmt::format("{}: strategy '{}' runs the MCU with the {} kernels of core '{}' (profile {}): {}",
                            soc.source, s.name, s.mcu_library, own.core_id, own.name, why));
  return name;
}

SocConfig strategy_soc(const Strategy& s, const SocConfig& soc) {
  SocConfig out = soc;
  for (const auto& unit : s.npu_units) enable_npu_unit(out, unit, "strategy '" + s.name + "'");
  return out;
}

}  // namespace kiln::explore
