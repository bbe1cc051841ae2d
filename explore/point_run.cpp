#include "explore/point_run.h"

#include <chrono>
#include <string>
#include <vector>

#include "arch/command_codec.h"
#include "arch/error.h"
#include "arch/soc_config_yaml.h"
#include "compiler/frontend/load_model.h"
#include "compiler/reference/interpreter.h"
#include "explore/energy_report.h"
#include "explore/model_run.h"
#include "explore/run_report.h"
#include "sim/simulate.h"

namespace kiln::explore {

PreparedWorkload prepare_workload(const std::string& model, uint64_t seed) {
  PreparedWorkload w;
  w.model = model;
  try {
    w.graph = frontend::load_model(model);
    // The graph's inputs in order, as compile_model binds them.
    w.inputs = random_inputs(*w.graph, seed);
    w.expected = reference::run_reference(*w.graph, w.inputs);
  } catch (const std::exception&) {
    // Each point meets the error again where `kiln run` would.
  }
  return w;
}

int run_design_point(const PreparedWorkload& w, const std::string& soc_config, uint64_t seed,
                     const std::string& report_path) {
  using clock = std::chrono::steady_clock;
  const auto t0 = clock::now();
  // In the order of `kiln run`, so that a point fails with the same error.
  const SocConfig soc = load_soc_config(soc_config);
  const Technology tech = load_soc_technology(soc);
  std::optional<ir::Graph> loaded;
  if (!w.graph) loaded = frontend::load_model(w.model);
  const ir::Graph& graph = w.graph ? *w.graph : *loaded;
  ModelRun run;  // its graph stays empty: `graph` is the one compiled
  run.compiled = codegen::compile_model(graph, soc);
  validate_program(run.compiled.program, soc, w.model);
  place_inputs(run, graph, soc, w.model, std::vector<std::string>{}, seed);  // every input random, as prepare_workload
  const auto t1 = clock::now();

  SimOptions sim_options;
  sim_options.source = w.model;
  const SimResult sim = simulate(soc, run.compiled.program, sim_options);
  const auto t2 = clock::now();

  const bool same_input = w.expected && w.inputs == run.inputs;
  const std::vector<std::vector<int8_t>> computed =
      same_input ? std::vector<std::vector<int8_t>>{} : reference::run_reference(graph, run.inputs);
  const std::vector<std::vector<int8_t>>& expected = same_input ? *w.expected : computed;
  const auto t3 = clock::now();

  RunReport report = build_report(w.model, soc, run.compiled, sim);
  report.outputs_match = first_output_difference(run.compiled, sim, expected).empty();
  const EnergyReport energy = compute_energy(soc, tech, sim.actions, sim.total_ps);
  const auto ms = [](auto a, auto b) { return std::chrono::duration<double, std::milli>(b - a).count(); };
  const ArrayEngineStats& a = sim.array;
  report.wall_ms = RunWallMs{ms(t0, t1), ms(t1, t2), ms(t2, t3)};
  report.array_engine = RunArrayEngine{a.engine, a.commands, a.cycles, 1e3 * a.wall_seconds};
  report.energy = run_energy(tech, energy, sim.actions);
  report.area = run_area(compute_area(soc, tech));
  write_run_report(report, report_path);
  return report.outputs_match ? 0 : 2;
}

}  // namespace kiln::explore
