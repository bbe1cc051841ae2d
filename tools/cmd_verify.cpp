// kiln verify (MODEL | STREAM) [--soc CONFIG] [--input IN.npy... | --seed N]
//             [--vcd FILE [--vcd-commands FIRST[:LAST]]] [--report FILE.json]
// Lockstep verification of the TLM model against the RTL: the program runs
// once on the SoC model with both array engines side by side
// (sim/lockstep_engine.h) and, when the SoC has a vector unit, both vector
// unit engines side by side (sim/lockstep_unit.h); every array command (GEMM,
// convolution tile) and every vector command is compared bit for bit and
// cycle for cycle. Prints a table of the commands that differ, the first
// mismatch of each unit in detail and a summary; exit code 2 on any mismatch
// (tools/commands.h).
#include <fmt/format.h>

#include <algorithm>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "arch/command_codec.h"
#include "arch/command_text.h"
#include "arch/error.h"
#include "arch/profile.h"
#include "arch/soc_config_yaml.h"
#include "explore/model_run.h"
#include "explore/paths.h"
#include "sim/array_engine_rtl.h"
#include "sim/lockstep_engine.h"
#include "sim/lockstep_unit.h"
#include "sim/vector_unit_rtl.h"
#include "sim/simulate.h"
#include "tools/commands.h"
#include "tools/option_number.h"

namespace kiln::tools {

using namespace kiln::explore;  // the library the commands call
namespace {

struct VerifyOptions {
  std::string path, soc = default_soc_path(), vcd, vcd_commands, report;
  std::vector<std::string> inputs;  // one per model input, in the model's order
  std::optional<uint64_t> seed;
  size_t rows = 20;
};

// FIRST or FIRST:LAST (inclusive command indices).
std::pair<uint64_t, uint64_t> parse_command_range(const std::string& spec) {
  const auto number = [&](const std::string& s) { return parse_option_number(s, "--vcd-commands", spec); };
  const size_t colon = spec.find(':');
  if (colon == std::string::npos) return {number(spec), number(spec)};
  const auto range = std::make_pair(number(spec.substr(0, colon)), number(spec.substr(colon + 1)));
  if (range.first > range.second)
    throw Error(fmt::format("--vcd-commands '{}': FIRST is after LAST", spec));
  return range;
}

bool is_array_command(const Command& c) { return c.op == Opcode::Gemm || c.op == Opcode::Conv; }

// The model layer that emitted a command, for the table ("" for a stream).
std::string layer_of(const std::vector<codegen::LayerInfo>& layers, uint64_t command) {
  for (const auto& l : layers)
    if (command >= l.first_command && command < l.end_command) return l.name;
  return "";
}

std::string tile_text(const LockstepRecord& r) {
  return fmt::format("{}x{}x{} {} {}", r.m, r.n, r.k, to_string(r.dataflow), r.accumulate ? "accumulate" : "overwrite");
}

nlohmann::json record_json(const LockstepRecord& r, const std::string& layer) {
  nlohmann::json j = {{"command", r.command},         {"call", r.call},
                      {"m", r.m},                     {"n", r.n},
                      {"k", r.k},                     {"dataflow", to_string(r.dataflow)},
                      {"accumulate", r.accumulate},   {"tlm_cycles", r.expected_cycles},
                      {"rtl_cycles", r.got_cycles},   {"differing_elements", r.differing_elements}};
  if (!layer.empty()) j["layer"] = layer;
  if (r.first)
    j["first_difference"] = {{"row", r.first->row}, {"col", r.first->col}, {"tlm", r.first->expected},
                             {"rtl", r.first->got}};
  return j;
}

nlohmann::json vector_record_json(const sim::UnitLockstepRecord& r, const std::string& layer) {
  nlohmann::json j = {{"command", r.command},
                      {"call", r.call},
                      {"op", to_string(r.op)},
                      {"elements", r.elements},
                      {"tlm_cycles", r.expected_cycles},
                      {"rtl_cycles", r.got_cycles},
                      {"differing_elements", r.differing_elements}};
  if (!layer.empty()) j["layer"] = layer;
  if (!r.region_difference.empty()) j["region_difference"] = r.region_difference;
  if (r.first) j["first_difference"] = {{"index", r.first->index}, {"tlm", r.first->expected}, {"rtl", r.first->got}};
  return j;
}

void run_verify(const VerifyOptions& o) {
  const SocConfig soc = load_soc_config(o.soc);
  Program program;
  std::vector<codegen::LayerInfo> layers;
  if (is_model_file(o.path)) {
    ModelRun run = prepare_model_run(o.path, soc, o.inputs, o.seed);
    std::cout << run.input_note << "\n";
    program = std::move(run.compiled.program);
    layers = std::move(run.compiled.layers);
  } else {
    if (!o.inputs.empty() || o.seed) throw Error("--input and --seed apply to a model, not to a command stream");
    program = read_stream_file(o.path);
    validate_program(program, soc, o.path);
  }
  std::optional<std::pair<uint64_t, uint64_t>> vcd_range;
  if (!o.vcd_commands.empty() && o.vcd.empty()) throw Error("--vcd-commands needs --vcd FILE");
  if (!o.vcd.empty()) vcd_range = o.vcd_commands.empty() ? std::make_pair(uint64_t(0), ~uint64_t(0))
                                                         : parse_command_range(o.vcd_commands);

  auto log = std::make_shared<LockstepLog>();
  SimOptions sim;
  sim.source = o.path;
  sim.array_engine = [&](const NpuConfig& npu) -> std::unique_ptr<ArrayEngine> {
    std::unique_ptr<ArrayEngine> rtl = make_rtl_array_engine(npu);
    if (vcd_range) {
      auto* core = dynamic_cast<RtlArrayEngine*>(rtl.get());
      if (!core) throw Error("--vcd: the rtl engine of this build cannot dump waveforms (internal error)");
      core->set_vcd(o.vcd, vcd_range->first, vcd_range->second);
    }
    return std::make_unique<LockstepArrayEngine>(make_tlm_array_engine(npu), std::move(rtl), log);
  };
  // The vector unit, when the SoC has one, whatever engine its section names.
  const UnitConfig* vector = soc.npu.unit("vector");
  auto vlog = std::make_shared<sim::UnitLockstepLog>();
  sim.npu_unit = [&](const std::string& name, const sim::NpuUnitContext& c) -> std::unique_ptr<sim::NpuUnit> {
    if (name != "vector") return nullptr;
    return std::make_unique<sim::LockstepUnit>(c, sim::make_tlm_vector_unit, sim::make_rtl_vector_unit, "tlm",
                                               sim::vector_rtl_engine_name(unsigned(vector->param("lanes"))), vlog);
  };
  const SimResult result = simulate(soc, program, sim);

  const auto array_commands =
      uint64_t(std::count_if(program.commands.begin(), program.commands.end(), is_array_command));
  uint64_t tlm_cycles = 0, rtl_cycles = 0, result_diffs = 0, cycle_diffs = 0;
  for (const auto& r : log->records) {
    tlm_cycles += r.expected_cycles;
    rtl_cycles += r.got_cycles;
    result_diffs += !r.results_match();
    cycle_diffs += !r.cycles_match();
  }

  const auto vector_commands = uint64_t(std::count_if(
      program.commands.begin(), program.commands.end(), [&](const Command& c) {
        return std::find(vlog->opcodes.begin(), vlog->opcodes.end(), c.op) != vlog->opcodes.end();
      }));
  uint64_t tlm_vector_cycles = 0, rtl_vector_cycles = 0, vector_result_diffs = 0, vector_cycle_diffs = 0;
  for (const auto& r : vlog->records) {
    tlm_vector_cycles += r.expected_cycles;
    rtl_vector_cycles += r.got_cycles;
    vector_result_diffs += !r.results_match();
    vector_cycle_diffs += !r.cycles_match();
  }

  std::cout << fmt::format("kiln verify: {} on {} ({}x{} array, {}): {} engine against {} engine, in lockstep\n",
                           o.path, soc.name, soc.npu.rows, soc.npu.cols, to_string(soc.npu.dataflow), log->dut_name,
                           log->reference_name);
  if (vector)
    std::cout << fmt::format("             vector unit ({} lanes): {} engine against {} engine, in lockstep\n",
                             vector->param("lanes"), vlog->dut_name, vlog->reference_name);
  std::cout << "\n";
  const uint64_t mismatches = log->mismatches();
  if (mismatches) {
    std::cout << fmt::format("{:>8} {:>6}  {:<32} {:>10} {:>10} {:>9}  {}\n", "command", "call", "tile (MxNxK)",
                             "TLM cyc", "RTL cyc", "elements", "layer");
    size_t shown = 0;
    for (const auto& r : log->records) {
      if (r.ok()) continue;
      if (shown++ == o.rows) {
        std::cout << fmt::format("... and {} more (all of them: --report FILE)\n", mismatches - o.rows);
        break;
      }
      std::cout << fmt::format("{:>8} {:>6}  {:<32} {:>10} {:>10} {:>9}  {}\n", r.command, r.call, tile_text(r),
                               r.expected_cycles, r.got_cycles, r.differing_elements, layer_of(layers, r.command));
    }
    const LockstepRecord& f = *log->first_mismatch();
    std::cout << fmt::format("\nfirst mismatch: command {} ({}), array call {}, tile {}\n", f.command,
                             format_command(program.commands[f.command]), f.call, tile_text(f));
    if (f.first)
      std::cout << fmt::format("  element (row {}, col {}) of the tile: expected {} (TLM), got {} (RTL); {} of {} "
                               "elements differ\n",
                               f.first->row, f.first->col, f.first->expected, f.first->got, f.differing_elements,
                               uint64_t(f.m) * f.n);
    if (!f.cycles_match())
      std::cout << fmt::format("  cycles: expected {} (TLM closed form), got {} (RTL)\n", f.expected_cycles,
                               f.got_cycles);
    std::cout << "\n";
  }
  const uint64_t vector_mismatches = vlog->mismatches();
  if (vector_mismatches) {
    std::cout << fmt::format("{:>8} {:>6}  {:<32} {:>10} {:>10} {:>9}  {}\n", "command", "call", "vector command",
                             "TLM cyc", "RTL cyc", "elements", "layer");
    size_t shown = 0;
    for (const auto& r : vlog->records) {
      if (r.ok()) continue;
      if (shown++ == o.rows) {
        std::cout << fmt::format("... and {} more (all of them: --report FILE)\n", vector_mismatches - o.rows);
        break;
      }
      std::cout << fmt::format("{:>8} {:>6}  {:<32} {:>10} {:>10} {:>9}  {}\n", r.command, r.call,
                               fmt::format("{} of {} elements", to_string(r.op), r.elements), r.expected_cycles,
                               r.got_cycles, r.differing_elements, layer_of(layers, r.command));
    }
    const sim::UnitLockstepRecord& f = *vlog->first_mismatch();
    std::cout << fmt::format("\nfirst vector mismatch: command {} ({}), vector call {}\n", f.command,
                             format_command(program.commands[f.command]), f.call);
    if (!f.region_difference.empty())
      std::cout << fmt::format("  the results went elsewhere: {}\n", f.region_difference);
    if (f.first)
      std::cout << fmt::format("  element {} of the output: expected {} (TLM), got {} (RTL); {} of {} elements differ\n",
                               f.first->index, f.first->expected, f.first->got, f.differing_elements, f.elements);
    if (!f.cycles_match())
      std::cout << fmt::format("  cycles: expected {} (TLM closed form), got {} (RTL)\n", f.expected_cycles,
                               f.got_cycles);
    std::cout << "\n";
  }
  std::cout << fmt::format("array commands  {} in the stream, {} compared; {} with different results, {} with "
                           "different cycles\n",
                           array_commands, log->records.size(), result_diffs, cycle_diffs);
  std::cout << fmt::format("array cycles    TLM {}, RTL {}\n", tlm_cycles, rtl_cycles);
  if (vector) {
    std::cout << fmt::format("vector commands {} in the stream, {} compared; {} with different results, {} with "
                             "different cycles\n",
                             vector_commands, vlog->records.size(), vector_result_diffs, vector_cycle_diffs);
    std::cout << fmt::format("vector cycles   TLM {}, RTL {}\n", tlm_vector_cycles, rtl_vector_cycles);
  }
  std::cout << fmt::format("NPU cycles      {} (the run, timed by the TLM engine)\n", result.total_cycles);
  if (vcd_range) {
    // The engine opens the file at the first array command in the range.
    const bool traced = std::any_of(log->records.begin(), log->records.end(), [&](const LockstepRecord& r) {
      return r.command >= vcd_range->first && r.command <= vcd_range->second;
    });
    std::cout << (traced ? fmt::format("waveforms       {}\n", o.vcd)
                         : fmt::format("waveforms       none: no array command in {}..{}\n", vcd_range->first,
                                       vcd_range->second));
  }

  if (!o.report.empty()) {
    nlohmann::json j = {{"source", o.path},
                        {"soc", soc.name},
                        {"array_commands", array_commands},
                        {"compared", log->records.size()},
                        {"result_mismatches", result_diffs},
                        {"cycle_mismatches", cycle_diffs},
                        {"tlm_array_cycles", tlm_cycles},
                        {"rtl_array_cycles", rtl_cycles},
                        {"npu_cycles", result.total_cycles},
                        {"mismatches", nlohmann::json::array()}};
    for (const auto& r : log->records)
      if (!r.ok()) j["mismatches"].push_back(record_json(r, layer_of(layers, r.command)));
    if (vector) {
      nlohmann::json v = {{"lanes", vector->param("lanes")},
                          {"engine", vlog->dut_name},
                          {"commands", vector_commands},
                          {"compared", vlog->records.size()},
                          {"result_mismatches", vector_result_diffs},
                          {"cycle_mismatches", vector_cycle_diffs},
                          {"tlm_cycles", tlm_vector_cycles},
                          {"rtl_cycles", rtl_vector_cycles},
                          {"mismatches", nlohmann::json::array()}};
      for (const auto& r : vlog->records)
        if (!r.ok()) v["mismatches"].push_back(vector_record_json(r, layer_of(layers, r.command)));
      j["vector"] = v;
    }
    write_text_file_atomic(o.report, j.dump(2) + "\n");
  }
  if (mismatches == 0 && log->records.size() == array_commands) {
    std::cout << "PASS: the RTL array core matches the TLM engine on every array command\n";
  } else {
    if (mismatches == 0)
      std::cout << fmt::format("FAIL: {} of the stream's {} array commands were not executed\n",
                               array_commands - log->records.size(), array_commands);
    else
      std::cout << fmt::format("FAIL: {} of {} array commands differ\n", mismatches, log->records.size());
    command_exit_code() = kExitMismatch;
  }
  if (!vector) return;
  if (vector_mismatches == 0 && vlog->records.size() == vector_commands) {
    std::cout << "PASS: the RTL vector unit matches the TLM unit on every vector command\n";
  } else {
    if (vector_mismatches == 0)
      std::cout << fmt::format("FAIL: {} of the stream's {} vector commands were not executed\n",
                               vector_commands - vlog->records.size(), vector_commands);
    else
      std::cout << fmt::format("FAIL: {} of {} vector commands differ\n", vector_mismatches, vlog->records.size());
    command_exit_code() = kExitMismatch;
  }
}

}  // namespace

void add_verify_command(CLI::App& app) {
  auto opt = std::make_shared<VerifyOptions>();
  CLI::App* cmd = app.add_subcommand(
      "verify",
      "Run a model or stream with the TLM and RTL engines (array, vector unit) in lockstep and compare every command "
      "they run");
  cmd->add_option("INPUT", opt->path, "int8 model (.onnx, .tflite) or command stream (.kasm, .kbin)")->required();
  cmd->add_option("--soc", opt->soc, "SoC config (YAML); its array size needs a Verilated core")->capture_default_str();
  cmd->add_option("--input", opt->inputs,
                  "model input (.npy, int8 or uint8; float32 where the model's input is float); once per model "
                  "input, in the model's order; default: random from --seed");
  cmd->add_option("--seed", opt->seed, "seed of the random model input");
  cmd->add_option("--vcd", opt->vcd, "write the RTL core's waveforms (VCD, for GTKWave)");
  cmd->add_option("--vcd-commands", opt->vcd_commands,
                  "stream commands to dump: FIRST or FIRST:LAST (default: all; large files)");
  cmd->add_option("--report", opt->report, "write the comparison (JSON): totals and every differing command");
  cmd->add_option("--rows", opt->rows, "differing commands to list in the table")->capture_default_str();
  cmd->callback([opt] { run_verify(*opt); });
}

}  // namespace kiln::tools
