// kiln simulate STREAM [--soc CONFIG] [--profile FILE.json] [--trace FILE.json]
//                      [--dump MEM:ADDR:LEN:FILE]... [--quiet]
// Runs a command stream (.kbin, or .kasm assembled on the fly) on the SoC
// model, prints a summary (total time, per-unit busy and stall time, bus
// utilization), and writes the profile, the Perfetto trace and memory dumps
// (each atomically). Exit codes: 0 ok, 1 bad input or a run-time error in the
// stream (tools/commands.h).
#include <fmt/format.h>

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "arch/command_codec.h"
#include "arch/command_text.h"
#include "arch/error.h"
#include "arch/profile.h"
#include "arch/soc_config_yaml.h"
#include "sim/simulate.h"
#include "tools/commands.h"
#include "tools/paths.h"

namespace kiln::tools {
namespace {

struct SimulateOptions {
  std::string stream;
  std::string soc;
  std::string profile;
  std::string trace;
  std::vector<std::string> dumps;
  bool quiet = false;
};

struct Dump {
  std::string memory;
  uint64_t addr = 0, len = 0;
  std::string file;
};

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

uint64_t parse_number(const std::string& text, const std::string& spec) {
  size_t used = 0;
  uint64_t v = 0;
  try {
    v = std::stoull(text, &used, 0);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != text.size())
    throw Error(fmt::format("--dump '{}': '{}' is not a number (decimal or 0x hex)", spec, text));
  return v;
}

// MEM:ADDR:LEN:FILE. MEM names a memory of the SoC (ADDR absolute) or a
// scratchpad: input, weight, output, accumulator (ADDR an offset in it).
Dump parse_dump(const std::string& spec) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (int i = 0; i < 3; ++i) {
    const size_t colon = spec.find(':', start);
    if (colon == std::string::npos) break;
    parts.push_back(spec.substr(start, colon - start));
    start = colon + 1;
  }
  parts.push_back(spec.substr(start));
  if (parts.size() != 4 || parts[0].empty() || parts[3].empty())
    throw Error(fmt::format("--dump '{}': expected MEM:ADDR:LEN:FILE", spec));
  return {parts[0], parse_number(parts[1], spec), parse_number(parts[2], spec), parts[3]};
}

const std::vector<std::pair<std::string, Buffer>>& scratchpad_names() {
  static const std::vector<std::pair<std::string, Buffer>> names = {
      {"input", Buffer::Input}, {"weight", Buffer::Weight}, {"output", Buffer::Output}, {"accumulator", Buffer::Accumulator}};
  return names;
}

std::vector<uint8_t> dump_bytes(const SimResult& r, const Dump& d, const std::string& spec) {
  for (const auto& [name, buf] : scratchpad_names())
    if (d.memory == name) {
      const auto& bytes = r.scratchpad(buf);
      if (d.addr > bytes.size() || d.len > bytes.size() - d.addr)
        throw Error(fmt::format("--dump '{}': [0x{:x}, 0x{:x}) is outside the {} bytes of the {} scratchpad", spec,
                                d.addr, d.addr + d.len, bytes.size(), name));
      return std::vector<uint8_t>(bytes.begin() + long(d.addr), bytes.begin() + long(d.addr + d.len));
    }
  for (const auto& m : r.memories)
    if (m.name == d.memory) {
      if (d.addr < m.base || d.addr - m.base > m.bytes.size() || d.len > m.bytes.size() - (d.addr - m.base))
        throw Error(fmt::format("--dump '{}': [0x{:x}, 0x{:x}) is outside {} [0x{:x}, 0x{:x})", spec, d.addr,
                                d.addr + d.len, m.name, m.base, m.base + m.bytes.size()));
      const auto first = m.bytes.begin() + long(d.addr - m.base);
      return std::vector<uint8_t>(first, first + long(d.len));
    }
  throw Error(fmt::format("--dump '{}': no memory or scratchpad named '{}'", spec, d.memory));
}

Program read_stream(const std::string& path) {
  if (ends_with(path, ".kasm")) return read_program_text_file(path);
  return read_program_file(path);
}

std::string percent(uint64_t part, uint64_t whole) {
  return whole ? fmt::format("{:5.1f} %", 100.0 * double(part) / double(whole)) : "    - ";
}

void print_summary(const SocConfig& soc, const SimResult& r, const std::string& stream) {
  const Profile& p = r.profile;
  const double period_ps = 1e6 / p.reference_clock_mhz;
  auto cycles = [&](uint64_t ps) { return uint64_t(double(ps) / period_ps + 0.5); };
  std::cout << fmt::format("{} on {}: {} NPU cycles ({:.3f} us at {} MHz)\n\n", stream, soc.name, r.total_cycles,
                           double(r.total_ps) / 1e6, p.reference_clock_mhz);
  std::cout << fmt::format("{:<12} {:>7} {:>12} {:>7} {:>12} {:>10} {:>10} {:>12} {:>12}\n", "unit", "events",
                           "busy (cyc)", "busy", "token stall", "bus wait", "bank wait", "bytes", "MACs");
  for (const auto& u : p.units)
    std::cout << fmt::format("{:<12} {:>7} {:>12} {:>7} {:>12} {:>10} {:>10} {:>12} {:>12}\n", u.name, u.events,
                             cycles(u.busy_ps), percent(u.busy_ps, p.total_ps), cycles(u.token_wait_ps),
                             cycles(u.bus_wait_ps), cycles(u.bank_wait_ps), u.bytes, u.macs);
  std::cout << fmt::format("\nbus: {} busy ({} of {} NPU cycles)\n", percent(p.bus_busy_ps, p.total_ps),
                           cycles(p.bus_busy_ps), r.total_cycles);
  std::cout << fmt::format("{:<12} {:>8} {:>12} {:>12} {:>12}\n", "initiator", "bursts", "bytes", "busy (cyc)",
                           "wait (cyc)");
  for (const auto& i : p.bus_initiators)
    std::cout << fmt::format("{:<12} {:>8} {:>12} {:>12} {:>12}\n", i.name, i.bursts, i.bytes, cycles(i.busy_ps),
                             cycles(i.wait_ps));
}

void run_simulate(const SimulateOptions& o) {
  std::vector<Dump> dumps;
  for (const auto& spec : o.dumps) dumps.push_back(parse_dump(spec));
  const SocConfig soc = load_soc_config(o.soc.empty() ? default_soc_path() : o.soc);
  const Program program = read_stream(o.stream);
  validate_program(program, soc, o.stream);
  SimOptions sim;
  sim.source = o.stream;
  const SimResult r = simulate(soc, program, sim);
  // Check every dump before writing any file.
  std::vector<std::vector<uint8_t>> dumped;
  for (size_t i = 0; i < dumps.size(); ++i) dumped.push_back(dump_bytes(r, dumps[i], o.dumps[i]));
  if (!o.profile.empty()) write_profile_file(r.profile, o.profile);
  if (!o.trace.empty()) write_chrome_trace_file(r.profile, o.trace);
  for (size_t i = 0; i < dumps.size(); ++i)
    write_text_file_atomic(dumps[i].file, std::string(dumped[i].begin(), dumped[i].end()));
  if (!o.quiet) print_summary(soc, r, o.stream);
}

}  // namespace

void add_simulate_command(CLI::App& app) {
  auto opts = std::make_shared<SimulateOptions>();
  CLI::App* cmd = app.add_subcommand("simulate", "Run a command stream on the SoC model (docs/simulator.md)");
  cmd->add_option("STREAM", opts->stream, "Command stream: .kbin, or .kasm (assembled on the fly)")->required();
  cmd->add_option("--soc", opts->soc, "SoC config YAML (default: configs/soc/default.yaml)");
  cmd->add_option("--profile", opts->profile, "Write the profile JSON here (docs/profile.md)");
  cmd->add_option("--trace", opts->trace, "Write a Chrome/Perfetto trace JSON here (open in ui.perfetto.dev)");
  cmd->add_option("--dump", opts->dumps,
                  "Write memory bytes to a file after the run: MEM:ADDR:LEN:FILE; MEM is a memory of the SoC (ADDR "
                  "absolute) or input|weight|output|accumulator (ADDR an offset in that scratchpad). Repeatable.");
  cmd->add_flag("--quiet", opts->quiet, "Do not print the summary table");
  cmd->callback([opts] { run_simulate(*opts); });
}

}  // namespace kiln::tools
