// The optional NPU units of the catalogue, as errors list them ("vector,
// ..."), so that a test of such an error holds whatever units a tree adds
// (docs/extending.md's template adds one).
#pragma once

#include <string>

#include "arch/unit_catalog.h"

namespace kiln::test {

inline std::string optional_npu_units() {
  std::string names;
  for (const UnitSchema& u : unit_catalog())
    if (u.slot == UnitSlot::NpuUnit && !u.built_in) names += (names.empty() ? "" : ", ") + std::string(u.name);
  return names;
}

}  // namespace kiln::test
