// The terminal tables of `kiln compare`: one per model, a row per strategy.
#pragma once

#include <string>

#include "explore/compare.h"

namespace kiln::tools {

std::string format_compare(const explore::CompareResult& r);

}  // namespace kiln::tools
