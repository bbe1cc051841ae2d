// Runs a sweep: every design point and workload compiled and simulated as
// `kiln run` would, each in a child process of its own (-j at a time; a fork
// of this one, which has read the models and computed their reference
// outputs once: explore/point_run.h), with a timeout; a
// failure (does not fit, crash, timeout) becomes a failed row and the sweep
// goes on. Rows are appended durably as they finish (sweep_results.h), so
// `--resume` after a kill skips what is done and ends with the same results.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "explore/progress.h"

namespace kiln::explore {

struct SweepOptions {
  std::string spec;
  std::string out_dir;
  unsigned jobs = 1;
  bool resume = false;
  std::optional<std::pair<unsigned, unsigned>> shard;  // K of N, K in [0, N): points with index % N == K
  ProgressFn progress;  // resuming (Step), runs done (Status after each, StatusEnd after the last)
};

struct SweepSummary {
  size_t points = 0;   // in this shard
  size_t tasks = 0;    // points x workloads
  size_t skipped = 0;  // already done (resume)
  size_t ran = 0, failed = 0;
  double seconds = 0;
};

SweepSummary run_sweep(const SweepOptions& options);

// "K/N" -> (K, N); throws kiln::Error unless 0 <= K < N.
std::pair<unsigned, unsigned> parse_shard(const std::string& text);

// Joins the results of shards of one sweep (same spec) into out_dir.
void merge_sweeps(const std::vector<std::string>& dirs, const std::string& out_dir);

}  // namespace kiln::explore
