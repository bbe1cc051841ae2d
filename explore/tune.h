// kiln tune: profile-guided choice of each NPU layer's tiling. Candidates
// (tile sizes, loop order, buffering depth, DMA channel assignment; every one
// checked against the scratchpads) are ranked by the cost model, compiled
// into whole programs and simulated in parallel processes; the measured
// layer times calibrate the cost model, which re-ranks, until the choice is
// stable or the budget is spent. The result is a TuningRecord.
#pragma once

#include <cstdint>
#include <string>

#include "explore/progress.h"
#include "explore/tuning_record.h"

namespace kiln::explore {

struct TuneOptions {
  std::string model, soc;
  std::string mcu_profile;      // in place of the SoC config's (kiln run --mcu-profile); "" keeps it
  std::string record;           // where to write the tuning record
  std::string work_dir;         // candidates, reports and profiles; removed at the end
  std::string kiln_exe;         // the binary that simulates a candidate (`kiln run`)
  unsigned jobs = 2;
  unsigned budget_simulations = 64;
  double budget_seconds = 240;
  uint64_t seed = 1;            // input of every candidate run
  double timeout_s = 300;       // per candidate run
  ProgressFn progress;          // each round and decision (Step), the simulations done (Status)
};

TuningRecord run_tune(const TuneOptions& options);

}  // namespace kiln::explore
