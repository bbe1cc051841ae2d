// kiln tune MODEL [--soc CONFIG] [-o RECORD] [-j N] [--budget N] [--budget-seconds S]
// Chooses each NPU layer's tiling from simulation (explore/tune.h), prints the
// rounds and the per-layer report, and writes the tuning record that
// `kiln compile --tuning` and `kiln run --tuning` reuse.
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <thread>

#include <fmt/format.h>

#include "explore/paths.h"
#include "explore/tune.h"
#include "tools/commands.h"
#include "tools/tuning_table.h"

namespace kiln::tools {

using namespace kiln::explore;  // the library the commands call

void add_tune_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("tune", "Choose each NPU layer's tiling by simulating candidates (profile-guided)");
  auto opt = std::make_shared<TuneOptions>();
  opt->soc = default_soc_path();
  opt->jobs = std::max(1u, std::thread::hardware_concurrency());
  cmd->add_option("MODEL", opt->model, "int8 model (.tflite or .onnx)")->required();
  cmd->add_option("--soc", opt->soc, "SoC config (YAML)")->capture_default_str();
  cmd->add_option("-o,--output", opt->record, "tuning record to write (JSON); default: MODEL's name + .tuning.json");
  cmd->add_option("-j,--jobs", opt->jobs, "simulations at once")->capture_default_str()->check(CLI::Range(1u, 256u));
  cmd->add_option("--budget", opt->budget_simulations, "most simulations in all")
      ->capture_default_str()
      ->check(CLI::Range(4u, 100000u));
  cmd->add_option("--budget-seconds", opt->budget_seconds, "stop starting rounds after this long")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--mcu-profile", opt->mcu_profile,
                  "MCU core profile (configs/mcu/ name or file) in place of the SoC config's");
  cmd->add_option("--seed", opt->seed, "seed of the random input every candidate runs on")->capture_default_str();
  cmd->callback([opt] {
    TuneOptions o = *opt;
    if (o.record.empty()) o.record = std::filesystem::path(o.model).stem().string() + ".tuning.json";
    o.work_dir = o.record + ".work";
    o.kiln_exe = std::filesystem::read_symlink("/proc/self/exe").string();
    // Rounds and decisions on stdout; the running count of simulations on a
    // terminal's stderr only, rewritten in place and wiped when a batch ends.
    const bool tty = isatty(STDERR_FILENO);
    o.progress = [tty](const Progress& p) {
      if (p.kind == Progress::Kind::Step)
        std::cout << p.text << "\n";
      else if (tty && p.kind == Progress::Kind::Status)
        std::cerr << "\r" << p.text << std::flush;
      else if (tty)
        std::cerr << "\r" << std::string(60, ' ') << "\r" << std::flush;
    };
    const TuningRecord r = run_tune(o);
    std::cout << "\n" << format_tuning(r);
    std::cout << fmt::format("wrote {} (reuse it: kiln run {} --tuning {})\n", o.record, o.model, o.record);
  });
}

}  // namespace kiln::tools
