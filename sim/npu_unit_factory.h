// NpuUnitFactory: builds an NPU unit in place of its registered
// implementation (sim/npu_unit.h), as ArrayEngineFactory does for the array
// engine; `kiln verify` runs the vector unit in lockstep with one. Apart from
// npu_unit.h so that simulate.h need not see SystemC.
#pragma once

#include <functional>
#include <memory>
#include <string>

namespace kiln::sim {

class NpuUnit;
struct NpuUnitContext;

// Returns the unit to use for `name`, or nullptr to leave it to the registry.
using NpuUnitFactory = std::function<std::unique_ptr<NpuUnit>(const std::string& name, const NpuUnitContext&)>;

}  // namespace kiln::sim
