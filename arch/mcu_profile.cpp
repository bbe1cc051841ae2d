#include "arch/mcu_profile.h"

#include <algorithm>
#include <filesystem>
#include <vector>

#include <fmt/format.h>

#include "arch/bundled_files.h"
#include "arch/error.h"
#include "arch/mcu_op.h"
#include "arch/soc_config_yaml.h"

namespace kiln {

namespace {

constexpr double kMaxCost = 1e9;

using yaml::Field;

}  // namespace

std::map<std::string, McuKernelCost> read_mcu_costs(const yaml::Reader& reader, const Field& f, bool complete) {
  std::vector<std::string> kernels;
  for (const auto& k : mcu_kernels()) kernels.push_back(k.name);
  if (!f.node.is_map())
    reader.fail(f.mark, f.path, fmt::format("expected a map from kernel name to cost, got {}", yaml::describe(f.node)));
  // Name the kernel first so that a misspelling reads as such, not as "unknown key".
  for (const auto& entry : f.node.entries()) {
    const yaml::Node& key = entry.first;
    if (key.is_scalar() && !find_mcu_kernel(key.text()))
      reader.fail(key.mark(), f.path,
                  fmt::format("unknown MCU kernel '{}' (kernels of arch/mcu_op.h: {})", yaml::shown(key.text()),
                              yaml::join(kernels)));
  }
  yaml::Reader::Map costs(reader, f, kernels);
  std::map<std::string, McuKernelCost> out;
  for (const auto& name : kernels) {
    auto entry = costs.get(name);
    if (!entry) {
      if (!complete || find_mcu_kernel(name)->priced_as) continue;
      reader.fail(f.key_mark, f.path,
                  fmt::format("no cost for MCU kernel '{}' (every kernel of arch/mcu_op.h needs one)", name));
    }
    yaml::Reader::Map cost(reader, *entry, {"fixed", "per_mac", "per_element"});
    McuKernelCost k;
    if (auto v = cost.get("fixed")) k.fixed = reader.real(*v, 0, true, kMaxCost, " cycles");
    if (auto v = cost.get("per_mac")) k.per_mac = reader.real(*v, 0, true, kMaxCost, " cycles");
    if (auto v = cost.get("per_element")) k.per_element = reader.real(*v, 0, true, kMaxCost, " cycles");
    out[name] = k;
  }
  return out;
}

McuProfile parse_mcu_profile(const std::string& yaml_text, const std::string& source_name) {
  const yaml::Node root = yaml::parse_document(yaml_text, source_name);
  const yaml::Reader reader(source_name);
  if (!root.is_defined() || root.is_null())
    reader.fail(yaml::Mark{0, 0}, "", "expected a map with keys name, core, library, costs; the document is empty");
  const Field self{root, "", root.mark(), root.mark()};
  yaml::Reader::Map top(reader, self, {"name", "core", "library", "core_id", "library_id", "costs"});
  McuProfile p;
  p.source = source_name;
  p.name = reader.identifier(top.need("name"));
  p.core = reader.text(top.need("core"), "the core's name (e.g. Cortex-M4)");
  p.library = reader.text(top.need("library"), "the kernel library's name and version");
  if (auto v = top.get("core_id")) p.core_id = reader.identifier(*v);
  if (auto v = top.get("library_id")) p.library_id = reader.identifier(*v);
  p.costs = read_mcu_costs(reader, top.need("costs"), true);
  return p;
}

McuProfile load_mcu_profile(const std::string& path) {
  return parse_mcu_profile(yaml::read_file(path, "MCU profile"), path);
}

void use_mcu_profile(McuConfig& mcu, const McuProfile& profile, const std::string& reference) {
  mcu.profile = reference;
  mcu.costs = profile.costs;
  for (const auto& [name, cost] : mcu.cost_overrides) mcu.costs[name] = cost;
}

std::string mcu_profile_missing(const std::string& value, const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_regular_file(path, ec)) return "";
  std::string shipped;
  if (!names_a_file(value)) {
    std::vector<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(mcu_profile_dir(), ec))
      if (e.path().extension() == ".yaml") names.push_back(e.path().stem().string());
    std::sort(names.begin(), names.end());
    if (!names.empty()) shipped = "; shipped profiles: " + yaml::join(names);
  }
  return fmt::format("no MCU profile '{}' (looked for {}){}", yaml::shown(value), yaml::printable(path), shipped);
}

void override_mcu_profile(SocConfig& soc, const std::string& value, const std::string& option) {
  if (value.empty()) throw Error(fmt::format("{}: expected an MCU profile name or file, got an empty value", option));
  std::error_code ec;
  const std::string base = (std::filesystem::current_path(ec) / "-").string();
  const std::string path = mcu_profile_path(value, base);
  if (const std::string why = mcu_profile_missing(value, path); !why.empty())
    throw Error(fmt::format("{}: {}", option, why));
  use_mcu_profile(soc.mcu, load_mcu_profile(path), names_a_file(value) ? path : value);
}

std::string mcu_profile_for_library(const McuProfile& profile, const std::string& library_id) {
  if (profile.core_id.empty())
    throw Error(fmt::format("{}: MCU profile '{}' has no core_id, so the {} kernels of its core cannot be found "
                            "(add core_id: e.g. cortex-m4, and ship {}/<core_id>-{}.yaml)",
                            profile.source, profile.name, library_id, mcu_profile_dir(), library_id));
  return profile.core_id + "-" + library_id;
}

std::string mcu_profile_path(const std::string& value, const std::string& soc_source) {
  if (!technology_is_path(value)) return mcu_profile_dir() + "/" + value + ".yaml";
  std::filesystem::path path(value);
  if (path.is_relative()) path = std::filesystem::path(soc_source).parent_path() / path;
  std::error_code ec;
  const auto absolute = std::filesystem::absolute(path, ec);
  return (ec ? path : absolute).lexically_normal().string();
}

}  // namespace kiln
