// kiln run [MODEL] [--soc CONFIG] [--input IN.npy]... [--output OUT.npy]... [--trace FILE] [--report FILE.json]
//          [--tuning RECORD] [--rtl] [--mcu-only]
// kiln run --topology FILE.csv [--scalesim-config FILE.cfg] [--soc CONFIG] ...
// Compiles, simulates, checks the outputs against the reference interpreter
// and prints the per-layer table. With no arguments: the bundled ResNet-8 on
// the embedded default SoC. With a SCALE-Sim topology: its synthetic network
// (explore/topology_run.h) and the table of SCALE-Sim's compute cycles beside
// kiln's array cycles (explore/scalesim_report.h).
#include <chrono>
#include <iostream>
#include <optional>

#include <fmt/format.h>

#include "arch/command_codec.h"
#include "arch/error.h"
#include "arch/mcu_profile.h"
#include "arch/unit_enable.h"
#include "arch/npy.h"
#include "arch/profile.h"
#include "arch/soc_config_yaml.h"
#include "compiler/reference/interpreter.h"
#include "explore/energy_report.h"
#include "explore/model_run.h"
#include "explore/paths.h"
#include "explore/run_report.h"
#include "explore/scalesim_report.h"
#include "explore/topology_run.h"
#include "sim/simulate.h"
#include "tools/commands.h"
#include "tools/run_tables.h"

namespace kiln::tools {

using namespace kiln::explore;  // the library the commands call
namespace {

struct RunOptions {
  std::string model = default_model_path(), soc = default_soc_path();
  std::vector<std::string> inputs, outputs;  // one per model input / output, in the model's order
  std::string trace, profile, report, tuning, mcu_profile;
  std::string topology, scalesim_config;
  std::vector<std::string> npu_units;
  bool model_given = false;
  std::optional<uint64_t> seed;
  bool rtl = false;
  bool mcu_only = false;
};

void run(const RunOptions& opt) {
  using clock = std::chrono::steady_clock;
  const auto t0 = clock::now();
  SocConfig soc = load_soc_config(opt.soc);
  if (!opt.mcu_profile.empty()) override_mcu_profile(soc, opt.mcu_profile);
  for (const auto& unit : opt.npu_units) enable_npu_unit(soc, unit, "--npu-unit");
  if (opt.rtl) use_rtl_engines(soc);
  const Technology tech = load_soc_technology(soc);  // before compiling: a bad file fails fast
  const bool topology = !opt.topology.empty();
  if (!topology && !opt.scalesim_config.empty())
    throw Error("--scalesim-config needs --topology (a SCALE-Sim topology CSV)");
  if (topology && opt.model_given)
    throw Error(fmt::format("give either a model ({}) or --topology ({}), not both", opt.model, opt.topology));
  if (topology && !opt.tuning.empty()) throw Error("--tuning applies to models, not to --topology networks");
  if (topology && opt.mcu_only) throw Error("--mcu-only applies to models, not to --topology networks");
  if (topology && opt.inputs.size() > 1) throw Error("--topology networks have one input: give --input once");
  TopologyRun from_topology;
  ModelRun from_model;
  if (topology) {
    from_topology = prepare_topology_run(opt.topology, opt.scalesim_config, soc,
                                         opt.inputs.empty() ? std::string() : opt.inputs[0], opt.seed);
    soc = from_topology.soc;
  } else {
    from_model = prepare_model_run(opt.model, soc, opt.inputs, opt.seed, opt.tuning,
                                   passes::PartitionOptions{opt.mcu_only});
  }
  const ModelRun& prepared = topology ? from_topology.run : from_model;
  const std::string source = topology ? opt.topology : opt.model;
  const ir::Graph& graph = prepared.graph;
  const codegen::CompiledModel& compiled = prepared.compiled;
  const auto t1 = clock::now();
  if (opt.outputs.size() > compiled.outputs.size())
    throw Error(fmt::format("{}: --output given {} times, the model has {} output(s) (one --output each, in the "
                            "model's order)",
                            source, opt.outputs.size(), compiled.outputs.size()));
  if (opt.inputs.empty()) std::cout << prepared.input_note << "\n";
  if (soc.npu.engine == "rtl")
    std::cout << fmt::format("array: the Verilated {}x{} RTL core (rtl engine)\n", soc.npu.rows, soc.npu.cols);

  SimOptions sim_options;
  sim_options.source = source;
  const SimResult sim = simulate(soc, compiled.program, sim_options);
  const auto t2 = clock::now();

  const auto expected = reference::run_reference(graph, prepared.inputs);
  const auto t3 = clock::now();
  RunReport report = build_report(source, soc, compiled, sim);
  const std::string mismatch = first_output_difference(compiled, sim, expected);
  report.outputs_match = mismatch.empty();
  for (size_t k = 0; k < opt.outputs.size(); ++k) {
    const auto& out = compiled.outputs[k];
    const auto got = sim.read(out.addr, out.bytes);
    write_npy(opt.outputs[k],
              output_npy(graph.tensors[size_t(out.tensor)], std::vector<int8_t>(got.begin(), got.end())));
  }

  std::cout << format_report(report);
  std::vector<ScaleSimRow> scalesim;
  if (topology) {
    scalesim = scalesim_rows(from_topology.topology, soc, compiled, sim, report);
    std::cout << format_scalesim_table(scalesim, soc);
  }
  const EnergyReport energy = compute_energy(soc, tech, sim.actions, sim.total_ps);
  const AreaReport area = compute_area(soc, tech);
  std::cout << format_energy_area(tech, energy, area);
  const auto ms = [](auto a, auto b) { return std::chrono::duration<double, std::milli>(b - a).count(); };
  std::cout << fmt::format("wall time    compile {:.1f} ms, simulate {:.1f} ms, reference {:.1f} ms\n", ms(t0, t1),
                           ms(t1, t2), ms(t2, t3));
  const ArrayEngineStats& a = sim.array;
  std::cout << fmt::format("array engine {}: {} commands, {} array cycles in {:.1f} ms ({:.3g} array cycles/s)\n",
                           a.engine, a.commands, a.cycles, 1e3 * a.wall_seconds,
                           a.wall_seconds > 0 ? double(a.cycles) / a.wall_seconds : 0.0);
  if (!opt.trace.empty()) write_chrome_trace_file(sim.profile, opt.trace);
  if (!opt.profile.empty()) write_profile_file(sim.profile, opt.profile);
  if (!opt.report.empty()) {
    report.wall_ms = RunWallMs{ms(t0, t1), ms(t1, t2), ms(t2, t3)};
    report.array_engine = RunArrayEngine{a.engine, a.commands, a.cycles, 1e3 * a.wall_seconds};
    report.energy = run_energy(tech, energy, sim.actions);
    if (topology) report.scalesim = scalesim;
    report.area = run_area(area);
    write_run_report(report, opt.report);
  }
  if (report.outputs_match) {
    std::cout << "outputs match the reference interpreter bit for bit\n";
  } else {
    std::cout << "MISMATCH against the reference interpreter: " << mismatch << "\n";
    command_exit_code() = kExitMismatch;
  }
}

}  // namespace

void add_run_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "run", "Compile a model, simulate it, check it against the reference and print the per-layer table");
  auto opt = std::make_shared<RunOptions>();
  cmd->add_option("MODEL", opt->model, "int8 model (.tflite or .onnx); default: the bundled ResNet-8")
      ->capture_default_str();
  cmd->add_option("--topology", opt->topology,
                  "a SCALE-Sim topology CSV (convolution or GEMM rows) to run as a synthetic int8 network");
  cmd->add_option("--scalesim-config", opt->scalesim_config,
                  "a SCALE-Sim .cfg: array, dataflow and SRAM sizes on top of --soc (with --topology)");
  cmd->add_option("--soc", opt->soc, "SoC config (YAML)")->capture_default_str();
  cmd->add_option("--input", opt->inputs,
                  "input tensor (.npy: int8 or uint8, float32 where the model's input is float); once per model "
                  "input, in the model's order; default: random from --seed")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  cmd->add_option("--output", opt->outputs,
                  "write the simulated output (.npy); repeated: the model's outputs in order (the first ones)")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  cmd->add_option("--trace", opt->trace, "write a Chrome/Perfetto trace (JSON)");
  cmd->add_option("--profile", opt->profile, "write the simulation profile (JSON)");
  cmd->add_option("--report", opt->report, "write the per-layer table and totals (JSON)");
  cmd->add_option("--seed", opt->seed, "seed of the random input");
  cmd->add_option("--tuning", opt->tuning, "use the tilings of a tuning record (kiln tune) made for this model and SoC");
  cmd->add_flag("--rtl", opt->rtl,
                "run the array and the vector unit (when enabled) on their Verilated RTL (engine: rtl)");
  cmd->add_flag("--mcu-only", opt->mcu_only, "run every op on the MCU (a software-only deployment on the same SoC)");
  cmd->add_option("--mcu-profile", opt->mcu_profile,
                  "MCU core profile (configs/mcu/ name or file) in place of the SoC config's; its mcu.costs still apply");
  cmd->add_option("--npu-unit", opt->npu_units,
                  "enable an optional NPU unit (npu.units, e.g. vector) with its defaults unless the SoC config sets it; "
                  "repeatable");
  cmd->callback([opt, cmd] {
    opt->model_given = cmd->count("MODEL") > 0;
    run(*opt);
  });
}

}  // namespace kiln::tools
