// The units a SoC config may name, and the parameters each one takes: the
// array engines (npu.array.engine) and the optional NPU units (npu.units).
// The simulator registers an implementation under each name
// (sim/unit_registry.h); the catalogue lives here so that the SoC config is
// validated, and its unit parameters read by the compiler's cost model,
// without either side seeing the simulator. A unit's own section is checked
// against its parameter list with the located errors of arch/yaml_reader.h.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace kiln {

// Where a unit plugs into the SoC.
enum class UnitSlot : uint8_t {
  ArrayEngine = 0,  // the systolic array behind the compute unit (npu.array.engine)
  NpuUnit = 1,      // a unit of the NPU that executes commands of the compute queue (npu.units)
};

// An integer parameter of a unit's section: key, range, default.
struct UnitParam {
  const char* key;
  uint64_t lo, hi;
  uint64_t fallback;    // when the section leaves it out
  bool power_of_two;
  const char* unit;     // " lanes", " KiB", "" (error messages)
  const char* meaning;  // one line for docs and `kiln config check`
};

// A named choice of a unit's section among fixed words (e.g. its engine).
struct UnitChoice {
  const char* key;
  std::vector<const char*> values;
  const char* fallback;  // when the section leaves it out
  const char* meaning;
};

struct UnitSchema {
  UnitSlot slot;
  const char* name;     // as written in the SoC config
  std::string summary;  // an NPU unit's: its commands (from the command table), then what it does
  std::vector<UnitParam> params;
  // Part of every NPU, configured by its established keys (npu.array,
  // npu.post_processing_lanes) rather than in npu.units.
  bool built_in = false;
  std::vector<UnitChoice> choices = {};
};

// Every unit kiln knows, in the order `kiln config check` and errors list them.
const std::vector<UnitSchema>& unit_catalog();
// The unit of that slot and name, or nullptr.
const UnitSchema* find_unit(UnitSlot slot, const std::string& name);
// The names of a slot's units, in catalogue order.
std::vector<std::string> unit_names(UnitSlot slot);
const char* to_string(UnitSlot slot);

}  // namespace kiln
