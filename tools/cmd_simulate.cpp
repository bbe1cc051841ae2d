// kiln simulate STREAM [--soc CONFIG] [--profile FILE.json] [--trace FILE.json]
//                      [--dump MEM:ADDR:LEN:FILE]... [--quiet] [--rtl]
// Runs a command stream (.kbin, or .kasm assembled on the fly) on the SoC
// model, prints a summary (total time, per-unit busy and stall time, bus
// utilization), and writes the profile, the Perfetto trace and memory dumps
// (each atomically). Exit codes: 0 ok, 1 bad input or a run-time error in the
// stream (tools/commands.h).
#include <fmt/format.h>

#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "arch/command_codec.h"
#include "arch/error.h"
#include "arch/profile.h"
#include "arch/soc_config_yaml.h"
#include "arch/unit_enable.h"
#include "explore/model_run.h"
#include "explore/paths.h"
#include "sim/simulate.h"
#include "tools/commands.h"
#include "tools/option_number.h"

namespace kiln::tools {

using namespace kiln::explore;  // the library the commands call
namespace {

struct SimulateOptions {
  std::string stream;
  std::string soc;
  std::string profile;
  std::string trace;
  std::vector<std::string> dumps;
  bool quiet = false;
  bool rtl = false;
};

struct Dump {
  std::string memory;
  uint64_t addr = 0, len = 0;
  std::string file;
};

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
  return {parts[0], parse_option_number(parts[1], "--dump", spec), parse_option_number(parts[2], "--dump", spec),
          parts[3]};
}

const std::vector<std::pair<std::string, Buffer>>& scratchpad_names() {
  static const std::vector<std::pair<std::string, Buffer>> names = {
      {"input", Buffer::Input}, {"weight", Buffer::Weight}, {"output", Buffer::Output}, {"accumulator", Buffer::Accumulator}};
  return names;
}

// Checks a dump against the SoC before the run (a typo must not cost a
// simulation) and says where its bytes will be.
struct DumpSource {
  std::optional<Buffer> scratchpad;  // else a memory of the SoC
  uint64_t offset = 0;               // into the scratchpad or the memory
};

DumpSource resolve_dump(const SocConfig& soc, const Dump& d, const std::string& spec) {
  const auto check = [&](const std::string& what, uint64_t base, uint64_t size) {
    if (d.addr < base || d.addr - base > size || d.len > size - (d.addr - base))
      throw Error(fmt::format("--dump '{}': [0x{:x}, 0x{:x}) is outside {} [0x{:x}, 0x{:x})", spec, d.addr,
                              d.addr + d.len, what, base, base + size));
  };
  for (const auto& [name, buf] : scratchpad_names())
    if (d.memory == name) {
      const uint64_t size = buf == Buffer::Input    ? soc.npu.input.size_bytes
                            : buf == Buffer::Weight ? soc.npu.weight.size_bytes
                            : buf == Buffer::Output ? soc.npu.output.size_bytes
                                                    : soc.npu.accumulator_bytes;
      check("the " + name + " scratchpad", 0, size);
      return {buf, d.addr};
    }
  if (const MemoryConfig* m = soc.memory_named(d.memory)) {
    check(m->name, m->base, m->size_bytes);
    return {std::nullopt, d.addr - m->base};
  }
  throw Error(fmt::format("--dump '{}': no memory or scratchpad named '{}'", spec, d.memory));
}

std::vector<uint8_t> dump_bytes(const SimResult& r, const Dump& d, const DumpSource& src) {
  const uint8_t* bytes = nullptr;
  size_t size = 0;
  if (src.scratchpad) bytes = r.scratchpad(*src.scratchpad).data(), size = r.scratchpad(*src.scratchpad).size();
  for (const auto& m : r.memories)
    if (!src.scratchpad && m.name == d.memory) bytes = m.bytes.data(), size = m.bytes.size();
  if (!bytes || src.offset + d.len > size)
    throw Error(fmt::format("--dump: {} has no bytes [0x{:x}, 0x{:x}) after the run (internal error)", d.memory,
                            d.addr, d.addr + d.len));
  return std::vector<uint8_t>(bytes + src.offset, bytes + src.offset + d.len);
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
  SocConfig soc = load_soc_config(o.soc.empty() ? default_soc_path() : o.soc);
  if (o.rtl) use_rtl_engines(soc);
  std::vector<DumpSource> sources;
  for (size_t i = 0; i < dumps.size(); ++i) sources.push_back(resolve_dump(soc, dumps[i], o.dumps[i]));
  const Program program = read_stream_file(o.stream);
  validate_program(program, soc, o.stream);
  SimOptions sim;
  sim.source = o.stream;
  const SimResult r = simulate(soc, program, sim);
  std::vector<std::vector<uint8_t>> dumped;
  for (size_t i = 0; i < dumps.size(); ++i) dumped.push_back(dump_bytes(r, dumps[i], sources[i]));
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
  cmd->add_flag("--rtl", opts->rtl,
                "Run the array and the vector unit (when enabled) on their Verilated RTL (engine: rtl)");
  cmd->callback([opts] { run_simulate(*opts); });
}

}  // namespace kiln::tools
