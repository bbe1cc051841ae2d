// One design point of a sweep run inside a forked worker (process_pool.h's
// ChildJob::run): what `kiln run MODEL --soc CONFIG --seed S --report FILE`
// does, the same checks, errors, exit codes and report, without the work that
// is the same for every point of a workload. The sweep reads each model and
// runs the reference interpreter on its input once (prepare_workload), before
// the workers fork; a point then compiles, simulates and compares.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "compiler/ir/graph.h"

namespace kiln::explore {

struct PreparedWorkload {
  std::string model;               // the model file
  std::optional<ir::Graph> graph;  // none when it did not load: each point reads it and reports the error
  // The random input from the seed (one per graph input) and the reference
  // interpreter's outputs on it; none when the reference failed.
  std::vector<std::vector<int8_t>> inputs;
  std::optional<std::vector<std::vector<int8_t>>> expected;
};

// Never throws: what fails here fails again, with its error, in every point.
PreparedWorkload prepare_workload(const std::string& model, uint64_t seed);

// Runs the workload on the SoC config file, writes the run report (JSON) and
// returns kiln run's exit code (0, or 2 when the outputs differ from the
// reference); throws kiln::Error where `kiln run` reports an error.
int run_design_point(const PreparedWorkload& workload, const std::string& soc_config, uint64_t seed,
                     const std::string& report_path);

}  // namespace kiln::explore
