// `kiln sweep report DIR`: the Pareto front of a finished sweep and its
// plots. Per design point the objectives of the spec (all minimized) are
// summed over its workloads (area is the point's own); a point counts only
// when every workload ran. Writes DIR/report/points.csv (every such point,
// with on_front), DIR/report/pareto.csv (the front), and the plots of
// scripts/plot_sweep.py (PNG and SVG) when python3-matplotlib is installed.
#pragma once

#include <string>
#include <vector>

namespace kiln::explore {

struct SweepReportSummary {
  size_t points = 0, complete = 0, front = 0;
  std::vector<std::string> objectives;
  std::vector<std::string> files;  // written
};

SweepReportSummary write_sweep_report(const std::string& dir, const std::string& plot_script);

}  // namespace kiln::explore
