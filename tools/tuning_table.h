// The table `kiln tune` prints on the terminal: each NPU layer's analytic and
// tuned choice with their measured cycles, and the totals of the record.
#pragma once

#include <string>

#include "explore/tuning_record.h"

namespace kiln::tools {

std::string format_tuning(const explore::TuningRecord& record);

}  // namespace kiln::tools
