// kiln compare: every model under every chosen deployment strategy
// (explore/strategy.h) on one SoC, each run a `kiln run` child of its own
// (-j at a time) whose outputs are checked bit for bit against the reference
// interpreter. Tuned strategies first tune each model (kiln tune), reusing a
// matching tuning record. Each run's report is kept under OUT/runs/ with the
// fingerprint of what it was made from, so a repeated compare reuses runs
// whose model, SoC, strategy and kiln are unchanged. Writes OUT/compare.json
// and OUT/compare.csv atomically; the plots come from scripts/plot_compare.py.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "explore/progress.h"
#include "explore/run_report.h"

namespace kiln::explore {

struct CompareOptions {
  std::vector<std::string> models;
  std::string soc;
  std::vector<std::string> strategies;  // names; empty: every registered strategy
  std::string out_dir;
  std::string tuning_dir;               // where given tuning records are looked for ("" : none)
  std::string kiln_exe;                 // the binary that runs a model (`kiln run`, `kiln tune`)
  unsigned jobs = 1;
  unsigned tune_budget = 32;            // simulations per model for tuned strategies
  double tune_budget_seconds = 120;
  uint64_t seed = 1;                    // the random input every run uses
  double timeout_s = 900;               // per run
  ProgressFn progress;
};

struct CompareRun {
  std::string model;       // the model's id (file stem, made unique)
  std::string model_path, strategy, mcu_profile;  // mcu_profile: "" for the SoC's own
  bool ok = false;         // the run finished and its report was read
  bool reused = false;     // from an earlier compare with the same inputs
  std::string error;       // why not ok, or what is wrong with an ok run (e.g. a layer off the MCU)
  RunReport report;        // when ok
  double mcu_clock_mhz = 0;
  double speedup = 0;      // latency of the baseline strategy / this latency (0: no baseline)
  std::map<std::string, double> unit_share;  // share of layer time per unit ("mcu", "npu")
  size_t layers = 0;         // layers with work (a reshape has none)
  size_t layers_on_mcu = 0;
  bool bit_exact() const { return ok && report.outputs_match; }
  uint64_t mcu_cycles() const;  // latency in MCU clock cycles
};

struct CompareResult {
  std::string soc_name, soc_source;
  std::string baseline;    // the strategy speedups are against ("" when none ran)
  std::vector<std::string> strategies;
  std::vector<CompareRun> runs;  // model-major, strategies in the order chosen
  size_t reused = 0, ran = 0, failed = 0, mismatched = 0;
};

CompareResult run_compare(const CompareOptions& options);

// OUT/compare.json and OUT/compare.csv (atomic).
void write_compare_files(const CompareResult& r, const std::string& out_dir);

// Draws OUT/compare.png and .svg with `plot_script` (scripts/plot_compare.py)
// from OUT/compare.csv; throws kiln::Error when the plot cannot be drawn.
void plot_compare(const std::string& out_dir, const std::string& plot_script);

}  // namespace kiln::explore
