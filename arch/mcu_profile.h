// An MCU core profile: the cycles of every MCU kernel on one core with one
// kernel library (configs/mcu/<name>.yaml), which an SoC config picks by
// name (mcu.profile) and may override kernel by kernel (mcu.costs). Schema
// and rules: docs/soc-config.md, "MCU profiles".
#pragma once

#include <map>
#include <string>

#include "arch/soc_config.h"
#include "arch/yaml_reader.h"

namespace kiln {

struct McuProfile {
  std::string name;     // e.g. "cortex-m4-cmsis-nn"
  std::string core;     // e.g. "Cortex-M4"
  std::string library;  // e.g. "CMSIS-NN 5.0 through TFLite Micro"
  // Optional keys that let a deployment strategy swap the kernel library on
  // the same core: the profile of core `core_id` with library `lib` is the
  // shipped profile named "<core_id>-<lib>" (mcu_profile_for_library).
  std::string core_id;     // e.g. "cortex-m4"
  std::string library_id;  // e.g. "cmsis-nn", "portable-c"
  std::string source;   // the file it was read from
  std::map<std::string, McuKernelCost> costs;  // every kernel of arch/mcu_op.h
};

McuProfile load_mcu_profile(const std::string& path);
McuProfile parse_mcu_profile(const std::string& yaml_text, const std::string& source_name);

// The file an SoC config's mcu.profile names: a name is a shipped profile
// (mcu_profile_dir()/<name>.yaml); a value with a '/' or ending in .yaml is
// a path, relative to the SoC config's own file.
std::string mcu_profile_path(const std::string& value, const std::string& soc_source);

// The shipped profile name of `profile`'s core with kernel library
// `library_id` ("<core_id>-<library_id>"); an Error naming the profile's file
// when it has no core_id.
std::string mcu_profile_for_library(const McuProfile& profile, const std::string& library_id);

// Makes `profile` the MCU's cost table: `mcu.costs` becomes the profile's
// costs with the config's own entries (`mcu.cost_overrides`) over them, and
// `mcu.profile` becomes `reference` (the name or path it was picked by).
void use_mcu_profile(McuConfig& mcu, const McuProfile& profile, const std::string& reference);

// `kiln run --mcu-profile VALUE`: the profile VALUE names (a shipped name or
// a file relative to the working directory) replaces the SoC config's, under
// its own mcu.costs entries. Errors begin with `option` and say what is missing.
void override_mcu_profile(SocConfig& soc, const std::string& value, const std::string& option = "--mcu-profile");

// What is wrong with the profile `value` resolved to `path`
// (mcu_profile_path): "" when the file is there; otherwise "no MCU profile
// '<value>' (looked for <path>)" and, for a name, the shipped profiles.
std::string mcu_profile_missing(const std::string& value, const std::string& path);

// A map from MCU kernel name to {fixed, per_mac, per_element} cycles (an SoC
// config's mcu.costs, a profile's costs). `complete`: every kernel of
// arch/mcu_op.h must have an entry; otherwise the map may name a subset.
std::map<std::string, McuKernelCost> read_mcu_costs(const yaml::Reader& reader, const yaml::Field& f, bool complete);

}  // namespace kiln
