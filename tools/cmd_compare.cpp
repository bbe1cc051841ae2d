// kiln compare MODEL... [--soc CONFIG] [--strategy NAME]... [-o DIR] [-j N]
// Every model under every deployment strategy (explore/strategy.h) on one
// SoC, bit-exact against the reference interpreter: one table per model,
// DIR/compare.csv and .json, and a grouped bar chart (PNG and SVG).
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <memory>
#include <thread>

#include <fmt/format.h>

#include "explore/compare.h"
#include "explore/paths.h"
#include "explore/strategy.h"
#include "tools/commands.h"
#include "tools/compare_table.h"

namespace kiln::tools {

using namespace kiln::explore;  // the library the commands call

void add_compare_command(CLI::App& app) {
  std::string names;
  for (const auto& s : strategies()) names += (names.empty() ? "" : ", ") + s.name;
  auto* cmd = app.add_subcommand("compare", "Run models under deployment strategies (software only, NPU, tuned) "
                                            "on one SoC and compare latency, energy and memory");
  auto opt = std::make_shared<CompareOptions>();
  opt->soc = default_soc_path();
  opt->out_dir = "compare";
  opt->jobs = std::max(1u, std::thread::hardware_concurrency());
  auto no_plot = std::make_shared<bool>(false);
  cmd->add_option("MODEL", opt->models, "int8 models (.tflite or .onnx)")->required();
  cmd->add_option("--soc", opt->soc, "SoC config (YAML)")->capture_default_str();
  cmd->add_option("--strategy", opt->strategies, "strategies to run, in this order (default: all: " + names + ")");
  cmd->add_option("-o,--output", opt->out_dir, "directory for the runs, compare.csv/.json and the plots")
      ->capture_default_str();
  cmd->add_option("-j,--jobs", opt->jobs, "runs at once")->capture_default_str()->check(CLI::Range(1u, 256u));
  cmd->add_option("--tuning-dir", opt->tuning_dir,
                  "where tuning records MODEL.tuning.json (kiln tune's default name) are reused from");
  cmd->add_option("--tune-budget", opt->tune_budget, "simulations per model for npu-tuned")
      ->capture_default_str()
      ->check(CLI::Range(4u, 100000u));
  cmd->add_option("--tune-budget-seconds", opt->tune_budget_seconds, "per model for npu-tuned")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--seed", opt->seed, "seed of the random input every run uses")->capture_default_str();
  cmd->add_flag("--no-plot", *no_plot, "skip the PNG/SVG chart (no matplotlib needed)");
  cmd->callback([opt, no_plot] {
    CompareOptions o = *opt;
    o.kiln_exe = std::filesystem::read_symlink("/proc/self/exe").string();
    const bool tty = isatty(STDERR_FILENO);
    o.progress = [tty](const Progress& p) {
      if (p.kind == Progress::Kind::Step)
        std::cerr << p.text << "\n";
      else if (tty)
        std::cerr << "\r" << p.text << std::string(10, ' ') << (p.kind == Progress::Kind::StatusEnd ? "\n" : "")
                  << std::flush;
      else if (p.kind == Progress::Kind::StatusEnd)
        std::cerr << p.text << "\n";
    };
    const CompareResult r = run_compare(o);
    std::cout << format_compare(r);
    std::cout << fmt::format("wrote {0}/compare.csv, {0}/compare.json ({1} runs: {2} run, {3} reused)\n", o.out_dir,
                             r.runs.size(), r.ran, r.reused);
    if (!*no_plot) {
      plot_compare(o.out_dir, kiln_home() + "/scripts/plot_compare.py");
      std::cout << fmt::format("wrote {0}/compare.png, {0}/compare.svg\n", o.out_dir);
    }
    if (r.mismatched) {
      std::cout << fmt::format("MISMATCH: {} run(s) differ from the reference interpreter\n", r.mismatched);
      command_exit_code() = kExitMismatch;
    } else if (r.failed) {
      std::cout << fmt::format("{} run(s) failed (see the table)\n", r.failed);
      command_exit_code() = kExitUserError;
    } else {
      std::cout << "every run's outputs match the reference interpreter bit for bit\n";
    }
  });
}

}  // namespace kiln::tools
