// kiln sweep SPEC -o DIR [-j N] [--resume] [--shard K/N]
// kiln sweep merge -o OUT DIR...
// kiln sweep report DIR
// Design-space sweeps from a YAML spec (explore/sweep_spec.h, docs/sweep.md):
// every design point and workload runs as a `kiln run` process of its own;
// results go to DIR/results.csv and DIR/results.jsonl as they finish.
#include <unistd.h>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "arch/error.h"
#include "explore/paths.h"
#include "explore/sweep_report.h"
#include "explore/sweep_runner.h"
#include "tools/commands.h"

namespace kiln::tools {

using namespace kiln::explore;  // the library the commands call
namespace {

struct SweepCliOptions {
  std::string spec, out, shard;
  unsigned jobs = std::max(1u, std::thread::hardware_concurrency());
  bool resume = false;
  std::vector<std::string> merge_dirs;
  std::string merge_out, report_dir;
};

void run(const SweepCliOptions& o) {
  if (o.spec.empty()) throw Error("kiln sweep: give a sweep spec (YAML), or a subcommand: merge");
  if (o.out.empty()) throw Error("kiln sweep: -o DIR is required (the results go there)");
  SweepOptions s;
  s.spec = o.spec;
  s.out_dir = o.out;
  s.jobs = o.jobs;
  s.resume = o.resume;
  if (!o.shard.empty()) s.shard = parse_shard(o.shard);
  // On stderr: on a terminal one line rewritten in place; in a log a line
  // every tenth of the runs and at the end.
  const bool tty = isatty(STDERR_FILENO);
  s.progress = [tty](const Progress& p) {
    if (p.kind == Progress::Kind::Step)
      std::cerr << p.text << "\n";
    else if (tty)
      std::cerr << "\r" << p.text << (p.kind == Progress::Kind::StatusEnd ? "\n" : "") << std::flush;
    else if (p.kind == Progress::Kind::StatusEnd || p.done % std::max<size_t>(1, p.total / 10) == 0)
      std::cerr << p.text << "\n";
  };
  const SweepSummary r = run_sweep(s);
  std::cout << fmt::format("{} design points x workloads = {} runs{}: {} ran ({} failed), {} already done\n", r.points,
                           r.tasks, s.shard ? fmt::format(" (shard {}/{})", s.shard->first, s.shard->second) : "",
                           r.ran, r.failed, r.skipped);
  std::cout << fmt::format("{:.1f} s, {:.1f} runs per minute with -j {}\n", r.seconds,
                           r.seconds > 0 ? double(r.ran) / r.seconds * 60 : 0.0, s.jobs);
  std::cout << fmt::format("results: {0}/results.csv, {0}/results.jsonl\n", o.out);
}

}  // namespace

void add_sweep_command(CLI::App& app) {
  auto o = std::make_shared<SweepCliOptions>();
  CLI::App* cmd = app.add_subcommand("sweep", "Run a design-space sweep from a YAML spec (docs/sweep.md)");
  cmd->add_option("SPEC", o->spec, "sweep spec (YAML)");
  cmd->add_option("-o,--output", o->out, "directory for the results (created)");
  cmd->add_option("-j,--jobs", o->jobs, "runs at a time")->capture_default_str()->check(CLI::Range(1u, 256u));
  cmd->add_flag("--resume", o->resume, "go on with the sweep in -o DIR, skipping the runs it has finished");
  cmd->add_option("--shard", o->shard, "run slice K of N (0 <= K < N): the points with index % N == K");
  CLI::App* merge = cmd->add_subcommand("merge", "Join the result directories of the shards of one sweep");
  merge->add_option("DIRS", o->merge_dirs, "shard result directories")->required();
  merge->add_option("-o,--output", o->merge_out, "directory for the joined results")->required();
  merge->callback([o] {
    merge_sweeps(o->merge_dirs, o->merge_out);
    std::cout << fmt::format("merged {} directories into {}/results.csv\n", o->merge_dirs.size(), o->merge_out);
  });
  CLI::App* report = cmd->add_subcommand("report", "Pareto front (CSV) and plots (PNG, SVG) of a finished sweep");
  report->add_option("DIR", o->report_dir, "sweep result directory")->required();
  report->callback([o] {
    const SweepReportSummary s = write_sweep_report(o->report_dir, kiln_home() + "/scripts/plot_sweep.py");
    std::cout << fmt::format("{} design points, {} with every workload run, {} on the Pareto front of {}\n", s.points,
                             s.complete, s.front, fmt::join(s.objectives, ", "));
    for (const auto& f : s.files) std::cout << "wrote " << f << "\n";
  });
  cmd->callback([o, cmd] {
    if (cmd->get_subcommands().empty()) run(*o);
  });
}

}  // namespace kiln::tools
