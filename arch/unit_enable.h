// Enabling an optional NPU unit on a loaded SoC config, as if its npu.units
// section named it: what `kiln run --npu-unit` and a deployment strategy's
// units (explore/strategy.h) do to the SoC they are given.
#pragma once

#include <string>

#include "arch/soc_config.h"

namespace kiln {

// Adds unit `name` (arch/unit_catalog.h) to soc.npu.units with every
// parameter at its default; a config that enables it already keeps its own
// section. Throws kiln::Error, prefixed by `what` (the option or strategy
// asking), for a name the catalogue has no optional NPU unit of, listing
// those it has.
void enable_npu_unit(SocConfig& soc, const std::string& name, const std::string& what);

// Puts the array and every enabled unit that has an rtl engine on their
// Verilated RTL (npu.array.engine and npu.units.<unit>.engine: rtl), as
// `kiln run --rtl` and `kiln simulate --rtl` ask.
void use_rtl_engines(SocConfig& soc);

}  // namespace kiln
