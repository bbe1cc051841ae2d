#include "explore/sweep_runner.h"

#include <cstring>

#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "arch/error.h"
#include "arch/escaped.h"
#include "arch/profile.h"
#include "arch/soc_config_yaml.h"
#include "explore/directory_lock.h"
#include "explore/energy_report.h"
#include "explore/point_run.h"
#include "explore/process_pool.h"
#include "explore/run_report.h"
#include "explore/sweep_results.h"
#include "explore/sweep_spec.h"

namespace kiln::explore {
namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

struct Task {
  const DesignPoint* point = nullptr;
  size_t workload = 0;
};

std::vector<std::string> parameter_paths(const SweepSpec& spec) {
  std::vector<std::string> paths;
  for (const auto& p : spec.parameters) paths.push_back(p.path);
  return paths;
}

std::string point_config_path(const std::string& dir, const DesignPoint& p) {
  return dir + "/points/" + p.id + ".yaml";
}

std::string task_stem(const SweepOptions& o, const Task& t) {
  return fmt::format("{}/tmp/{}-w{}", o.out_dir, t.point->id, t.workload);
}

// `kiln run` for one task, in a fork of this process: its report goes to
// <stem>.json, its stderr (a one-line error, as `kiln run` prints it) to
// <stem>.err, its exit code is kiln run's.
ChildJob run_job(const SweepOptions& o, const SweepSpec& spec, const Task& t, const PreparedWorkload& workload) {
  const std::string stem = task_stem(o, t);
  std::remove((stem + ".json").c_str());
  ChildJob job;
  job.stderr_path = stem + ".err";
  job.run = [&workload, &spec, soc = point_config_path(o.out_dir, *t.point), report = stem + ".json"] {
    try {
      return run_design_point(workload, soc, spec.seed, report);
    } catch (const Error& e) {
      std::cerr << "kiln: error: " << escaped(e.what(), 4000) << "\n";
      return 1;
    } catch (const std::exception& e) {
      std::cerr << "kiln: internal error: " << escaped(e.what(), 4000) << "\n";
      return 3;
    }
  };
  return job;
}

SweepRow finish(const SweepOptions& o, const SweepSpec& spec, const Task& t, const ChildResult& c) {
  const std::string report = task_stem(o, t) + ".json", err = task_stem(o, t) + ".err";
  SweepRow row;
  row.point = t.point->id;
  row.workload = fs::path(spec.workloads[t.workload]).filename().string();
  row.values = t.point->values;
  row.wall_ms = c.wall_ms;
  if (c.timed_out) {
    row.error = fmt::format("timeout: no result after {} s (timeout_s)", spec.timeout_s);
  } else if (c.signaled) {
    row.error = fmt::format("crashed: killed by signal {} ({})", c.signal, strsignal(c.signal));
  } else if (c.exit_code == 0) {
    try {
      const RunReport r = read_run_report(report);
      row.latency_cycles = r.total_cycles;
      row.latency_us = r.total_us;
      if (r.energy) row.energy_uj = r.energy->total_uj;
      if (r.area) row.area_mm2 = r.area->total_mm2;
      row.ok = true;
    } catch (const std::exception& e) {
      row.error = fmt::format("internal: the run's report {} is unreadable: {}", report, e.what());
    }
  } else if (c.exit_code == 2) {
    row.error = "outputs differ from the reference interpreter (a kiln bug: please report)";
  } else if (c.exit_code == 127) {
    row.error = "cannot execute the kiln binary";
  } else {
    row.error = child_error_line(read_child_file(err));
    if (row.error.empty()) row.error = fmt::format("exit code {}", c.exit_code);
  }
  std::remove(report.c_str());
  std::remove(err.c_str());
  return row;
}

std::string duration_text(double s) {
  if (s < 60) return fmt::format("{:.0f}s", s);
  return fmt::format("{}m{:02d}s", int(s / 60), int(s) % 60);
}

void write_manifest(const SweepOptions& o, const SweepSpec& spec, size_t points) {
  SweepManifest m;
  m.spec = fs::absolute(spec.file).string();
  m.fingerprint = spec.fingerprint;
  m.parameters = parameter_paths(spec);
  m.workloads = spec.workloads;
  m.objectives = spec.objectives;
  m.points = points;
  m.shard = o.shard;
  write_sweep_manifest(o.out_dir, m);
}

}  // namespace

std::pair<unsigned, unsigned> parse_shard(const std::string& text) {
  unsigned k = 0, n = 0;
  char slash = 0;
  std::istringstream in(text);
  if (!(in >> k >> slash >> n) || slash != '/' || !in.eof() || n == 0 || k >= n || text.find('-') != std::string::npos)
    throw Error(fmt::format("--shard '{}': expected K/N with 0 <= K < N (e.g. $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT)",
                            text));
  return {k, n};
}

SweepSummary run_sweep(const SweepOptions& o) {
  const auto begin = Clock::now();
  const SweepSpec spec = load_sweep_spec(o.spec);
  const std::vector<DesignPoint> all = enumerate_points(spec);
  std::vector<const DesignPoint*> mine;
  for (const auto& p : all)
    if (!o.shard || p.index % o.shard->second == o.shard->first) mine.push_back(&p);

  SweepSummary sum;
  sum.points = mine.size();
  fs::create_directories(o.out_dir);
  const DirectoryLock lock(o.out_dir, "kiln sweep");
  fs::create_directories(o.out_dir + "/points");
  fs::create_directories(o.out_dir + "/tmp");
  const std::string jsonl = o.out_dir + "/results.jsonl", csv = o.out_dir + "/results.csv";
  const auto paths = parameter_paths(spec);
  if (fs::exists(o.out_dir + "/sweep.json")) {
    const auto m = read_sweep_manifest(o.out_dir);
    if (!o.resume)
      throw Error(fmt::format("{} holds a sweep already: add --resume to go on with it, or choose another -o",
                              o.out_dir));
    if (m.fingerprint != spec.fingerprint)
      throw Error(fmt::format("{}: --resume: the sweep there was run from another spec, base config or model "
                              "(fingerprint {} here, {} there)",
                              o.out_dir, spec.fingerprint, m.fingerprint));
    if (m.shard != o.shard)
      throw Error(fmt::format("{}: --resume: the sweep there is another shard", o.out_dir));
  }
  write_manifest(o, spec, mine.size());
  for (const auto* p : mine) write_text_file_atomic(point_config_path(o.out_dir, *p), point_soc_yaml(spec, *p));

  std::set<std::string> done;
  std::vector<SweepRow> rows = read_sweep_rows(jsonl, paths);
  for (const auto& r : rows) done.insert(r.key());
  std::vector<Task> tasks;
  for (const auto* p : mine)
    for (size_t w = 0; w < spec.workloads.size(); ++w) {
      ++sum.tasks;
      if (done.count(p->id + "\t" + fs::path(spec.workloads[w]).filename().string()))
        ++sum.skipped;
      else
        tasks.push_back({p, w});
    }
  // The CSV is regenerated from the JSON lines: a torn CSV line from a kill is gone.
  write_sweep_csv(o.out_dir, rows, paths);

  const size_t to_run = tasks.size();
  const auto report = [&](Progress::Kind kind, std::string text) {
    if (o.progress) o.progress({kind, std::move(text), sum.ran, to_run});
  };
  auto progress = [&](bool last) {
    const double s = std::chrono::duration<double>(Clock::now() - begin).count();
    const double rate = s > 0 ? double(sum.ran) / s * 60 : 0;
    const double left = sum.ran ? s / double(sum.ran) * double(to_run - sum.ran) : 0;
    report(last ? Progress::Kind::StatusEnd : Progress::Kind::Status,
           fmt::format("sweep: {}/{} done, {} failed, {:.1f} points/min, {} left", sum.ran, to_run, sum.failed, rate,
                       duration_text(left)));
  };
  if (sum.skipped)
    report(Progress::Kind::Step, fmt::format("sweep: resuming, {} of {} runs already done", sum.skipped, sum.tasks));

  // Each model read and its reference outputs computed once, before the
  // workers fork; a point of a workload with nothing left to run needs neither.
  std::vector<PreparedWorkload> workloads(spec.workloads.size());
  std::vector<bool> needed(spec.workloads.size());
  for (const auto& t : tasks) needed[t.workload] = true;
  for (size_t w = 0; w < spec.workloads.size(); ++w)
    workloads[w] = needed[w] ? prepare_workload(spec.workloads[w], spec.seed) : PreparedWorkload{spec.workloads[w], {}, {}, {}};
  if (!tasks.empty()) {
    // The technology a point prices energy with is parsed here once, so that
    // the points (forks of this process) find it parsed (energy_report.h).
    try {
      load_soc_technology(load_soc_config(point_config_path(o.out_dir, *tasks.front().point)));
    } catch (const std::exception&) {
      // The point meets the error again and reports it.
    }
  }
  std::vector<ChildJob> jobs;
  for (const auto& t : tasks) jobs.push_back(run_job(o, spec, t, workloads[t.workload]));
  run_children(jobs, o.jobs, spec.timeout_s, [&](const ChildResult& c) {
    SweepRow row = finish(o, spec, tasks[c.index], c);
    append_line_durably(jsonl, sweep_row_json(row, paths).dump() + "\n");
    // results.csv is rewritten from results.jsonl on --resume: only the
    // JSON line needs to reach the disk before the next row.
    append_line(csv, sweep_csv_line(row), sweep_csv_header(paths));
    ++sum.ran;
    sum.failed += !row.ok;
    rows.push_back(std::move(row));
    progress(false);
  });
  if (to_run) progress(true);
  write_sweep_csv(o.out_dir, rows, paths);
  std::error_code ec;
  fs::remove_all(o.out_dir + "/tmp", ec);
  sum.seconds = std::chrono::duration<double>(Clock::now() - begin).count();
  return sum;
}

void merge_sweeps(const std::vector<std::string>& dirs, const std::string& out_dir) {
  if (dirs.empty()) throw Error("kiln sweep merge: name the sweep directories to join");
  std::optional<SweepManifest> first;
  std::map<std::string, SweepRow> rows;
  std::set<std::pair<unsigned, unsigned>> shards;
  for (const auto& d : dirs) {
    const SweepManifest m = read_sweep_manifest(d);
    if (!first) {
      first = m;
    } else if (m.fingerprint != first->fingerprint) {
      throw Error(fmt::format("{}: another sweep than {} (fingerprint {} against {})", d, dirs[0], m.fingerprint,
                              first->fingerprint));
    }
    if (m.shard && !shards.insert(*m.shard).second)
      throw Error(fmt::format("{}: shard {}/{} is given twice", d, m.shard->first, m.shard->second));
    for (auto& r : read_sweep_rows(d + "/results.jsonl", first->parameters)) {
      const auto [at, fresh] = rows.emplace(r.key(), r);
      if (!fresh && (sweep_csv_line(at->second) != sweep_csv_line(r)))
        throw Error(fmt::format("{}: point {} on {} differs from the same point in another directory", d, r.point,
                                r.workload));
    }
  }
  fs::create_directories(out_dir);
  const DirectoryLock lock(out_dir, "kiln sweep");
  SweepManifest m = *first;
  m.shard.reset();
  m.merged_from = dirs;
  const std::vector<std::string>& paths = m.parameters;
  std::string jsonl;
  std::vector<SweepRow> all;
  for (const auto& [key, r] : rows) {
    jsonl += sweep_row_json(r, paths).dump() + "\n";
    all.push_back(r);
  }
  write_text_file_atomic(out_dir + "/results.jsonl", jsonl);
  write_sweep_csv(out_dir, all, paths);
  write_sweep_manifest(out_dir, m);
}

}  // namespace kiln::explore
