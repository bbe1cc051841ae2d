#include "explore/sweep_report.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>

#include "arch/error.h"
#include "arch/profile.h"
#include "explore/pareto.h"
#include "explore/sweep_results.h"

namespace kiln::explore {
namespace fs = std::filesystem;

namespace {

struct PointTotals {
  std::vector<std::string> values;
  size_t workloads = 0;
  bool ok = true;
  double latency_us = 0, energy_uj = 0, edp = 0;
  std::optional<double> area_mm2;
  bool has_energy = true;
};

// Objective name -> (CSV column with its unit, value).
std::pair<std::string, std::optional<double>> objective(const std::string& name, const PointTotals& p) {
  if (name == "latency") return {"latency_us", p.latency_us};
  if (name == "energy") return {"energy_uj", p.has_energy ? std::optional<double>(p.energy_uj) : std::nullopt};
  if (name == "area") return {"area_mm2", p.area_mm2};
  return {"edp_uj_us", p.has_energy ? std::optional<double>(p.edp) : std::nullopt};
}

}  // namespace

SweepReportSummary write_sweep_report(const std::string& dir, const std::string& plot_script) {
  const SweepManifest manifest = read_sweep_manifest(dir);
  const std::vector<std::string>& params = manifest.parameters;
  const std::vector<std::string>& workloads = manifest.workloads;
  SweepReportSummary sum;
  sum.objectives = manifest.objectives;

  std::map<std::string, PointTotals> points;
  for (const SweepRow& r : read_sweep_rows(dir + "/results.jsonl", params)) {
    PointTotals& p = points[r.point];
    p.values = r.values;
    ++p.workloads;
    p.ok = p.ok && r.ok;
    if (!r.ok) continue;
    p.latency_us += r.latency_us;
    p.has_energy = p.has_energy && r.energy_uj.has_value();
    if (r.energy_uj) p.energy_uj += *r.energy_uj;
    if (r.edp()) p.edp += *r.edp();
    if (r.area_mm2) p.area_mm2 = r.area_mm2;
  }
  sum.points = points.size();

  std::vector<std::string> ids;
  std::vector<std::vector<double>> objs;
  for (const auto& [id, p] : points) {
    if (!p.ok || p.workloads != workloads.size()) continue;
    std::vector<double> o;
    for (const auto& name : sum.objectives) {
      const auto [column, v] = objective(name, p);
      if (!v) throw Error(fmt::format("{}: objective {} has no value for {} (a run without {})", dir, name, id, column));
      o.push_back(*v);
    }
    ids.push_back(id);
    objs.push_back(o);
  }
  sum.complete = ids.size();
  const std::vector<size_t> front = pareto_front(objs);
  sum.front = front.size();
  std::vector<bool> on_front(ids.size(), false);
  for (size_t i : front) on_front[i] = true;

  std::string header = "point";
  for (const auto& p : params) header += "," + csv_field(p);
  // Every metric a plot may need, whatever the objectives.
  header += ",latency_us,energy_uj,area_mm2,edp_uj_us,on_front\n";
  std::string all = header, pareto = header;
  for (size_t i = 0; i < ids.size(); ++i) {
    const PointTotals& p = points[ids[i]];
    std::string line = ids[i];
    for (const auto& v : p.values) line += "," + csv_field(v);
    const auto num = [](const std::optional<double>& v) { return v ? fmt::format("{:.6g}", *v) : std::string(); };
    line += fmt::format(",{},{},{},{},{}\n", num(objective("latency", p).second), num(objective("energy", p).second),
                        num(objective("area", p).second), num(objective("edp", p).second), on_front[i] ? 1 : 0);
    all += line;
    if (on_front[i]) pareto += line;
  }
  const std::string out = dir + "/report";
  fs::create_directories(out);
  write_text_file_atomic(out + "/points.csv", all);
  write_text_file_atomic(out + "/pareto.csv", pareto);
  sum.files = {out + "/points.csv", out + "/pareto.csv"};

  // The plots: matplotlib through scripts/plot_sweep.py (python3-matplotlib).
  // Debian's interpreter, where apt put matplotlib (not whatever python3 is first on PATH).
  const std::string cmd = fmt::format("/usr/bin/python3 '{}' '{}' --objectives '{}'", plot_script, out,
                                      fmt::join(sum.objectives, ","));
  const int status = std::system(cmd.c_str());
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw Error(fmt::format("{}: the plots could not be drawn ({} failed; is python3-matplotlib installed? "
                            "scripts/setup.sh installs it)", out, plot_script));
  for (const auto& f : fs::directory_iterator(out))
    if (f.path().extension() == ".png" || f.path().extension() == ".svg") sum.files.push_back(f.path().string());
  return sum;
}

}  // namespace kiln::explore
