// The catalogue of units (docs/soc-config.md, "Units by name"). One entry per
// unit; its implementation in sim/ registers itself under the same name, and
// tests/sim/test_unit_registry.cpp checks that the two lists agree.
#include "arch/unit_catalog.h"

#include "arch/command.h"

namespace kiln {

namespace {

// "vadd, vsub, ...: " and `what`: the unit's commands as the command table gives them.
std::string commands_then(const char* unit, const char* what) {
  std::string list;
  for (const Opcode op : unit_commands(unit)) list += (list.empty() ? "" : ", ") + std::string(to_string(op));
  return list + ": " + what;
}

}  // namespace

const std::vector<UnitSchema>& unit_catalog() {
  static const std::vector<UnitSchema> catalog = {
      {UnitSlot::ArrayEngine, "tlm", "closed-form timing (arch/array_timing.h) and a functional int8 GEMM", {}},
      {UnitSlot::ArrayEngine, "rtl", "the Verilated RTL array core of the configured size (rtl/, docs/rtl.md)", {}},
      {UnitSlot::NpuUnit, "array", "gemm and conv on the array engine into the accumulators (npu.array)", {}, true},
      {UnitSlot::NpuUnit, "post_process", "post_process: accumulators to int8 (npu.post_processing_lanes)", {}, true},
      {UnitSlot::NpuUnit,
       "vector",
       commands_then(kVectorUnit.name, "int8 work in the activation buffers, `lanes` elements (or channels) per NPU "
                                       "cycle (sim/vector_unit.h)"),
       {{"lanes", 1, 1024, 16, false, " lanes", "elements per NPU cycle"}},
       false,
       {{"engine", {"tlm", "rtl"}, "tlm",
         "tlm: the kernels and the closed-form timing; rtl: the Verilated RTL vector unit (rtl/, docs/rtl.md)"}}},
  };
  return catalog;
}

const UnitSchema* find_unit(UnitSlot slot, const std::string& name) {
  for (const UnitSchema& u : unit_catalog())
    if (u.slot == slot && name == u.name) return &u;
  return nullptr;
}

std::vector<std::string> unit_names(UnitSlot slot) {
  std::vector<std::string> names;
  for (const UnitSchema& u : unit_catalog())
    if (u.slot == slot) names.push_back(u.name);
  return names;
}

const char* to_string(UnitSlot slot) {
  switch (slot) {
    case UnitSlot::ArrayEngine: return "array engine";
    case UnitSlot::NpuUnit: return "NPU unit";
  }
  return "?";
}

}  // namespace kiln
