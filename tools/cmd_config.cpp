// kiln config check CONFIG [--json]: validate a SoC config and print what it
// describes (memory map, bus, DMA, NPU) with the peak rates it implies.
// A bad config throws kiln::Error from the loader; main() prints it.
#include <algorithm>
#include <iostream>
#include <memory>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "arch/escaped.h"
#include "arch/soc_config.h"
#include "arch/soc_config_yaml.h"
#include "tools/commands.h"
#include "tools/energy_report.h"
#include "tools/soc_json.h"

namespace kiln::tools {

namespace {

struct CheckOptions {
  std::string config;
  bool json = false;
};

// Peak rates the config implies; docs/soc-config.md ("Derived figures") gives the formulas.
struct Peaks {
  double macs_per_s;              // rows * cols MACs per NPU cycle
  double bus_bytes_per_s;         // one bus-width beat per bus cycle
  double bus_burst_bytes_per_s;   // full bursts, each paying the bus latency
  double flash_bytes_per_s;       // a read_width word per (its beats + wait states)
  double sram_bytes_per_s;        // limited by the bus or by the banks' access time
  double spm_port_bytes_per_s;    // scratchpad port per NPU cycle
  double ridge_macs_per_byte;     // MACs per bus byte at which compute and bus time balance
};

Peaks peaks_of(const SocConfig& soc) {
  Peaks p{};
  const double bus_hz = soc.bus.clock_mhz * 1e6;
  const double bus_width = soc.bus.width_bytes;
  p.macs_per_s = double(soc.npu.rows) * soc.npu.cols * soc.npu.clock_mhz * 1e6;
  p.bus_bytes_per_s = bus_width * bus_hz;
  const double beats = soc.bus.max_burst_beats;
  p.bus_burst_bytes_per_s = p.bus_bytes_per_s * beats / (beats + soc.bus.latency_cycles);
  if (const MemoryConfig* flash = soc.first_of_kind(MemoryKind::Flash)) {
    p.flash_bytes_per_s = flash->flash_bytes_per_bus_cycle(soc.bus.width_bytes) * bus_hz;
  }
  if (const MemoryConfig* sram = soc.first_of_kind(MemoryKind::Sram)) {
    const double banks_per_cycle = double(sram->banks) * sram->bank_width_bytes / (1.0 + sram->wait_states);
    p.sram_bytes_per_s = std::min(bus_width, banks_per_cycle) * bus_hz;
  }
  p.spm_port_bytes_per_s = double(soc.npu.spm_bytes_per_cycle) * soc.npu.clock_mhz * 1e6;
  p.ridge_macs_per_byte = p.macs_per_s / p.bus_bytes_per_s;
  return p;
}

std::string bytes_text(uint64_t bytes) {
  if (bytes >= (uint64_t(1) << 20) && bytes % (uint64_t(1) << 20) == 0) return fmt::format("{} MiB", bytes >> 20);
  if (bytes >= 1024 && bytes % 1024 == 0) return fmt::format("{} KiB", bytes >> 10);
  return fmt::format("{} B", bytes);
}

std::string rate_text(double bytes_per_s) { return fmt::format("{:.2f} GB/s", bytes_per_s / 1e9); }

std::string banks_text(const ScratchpadConfig& s) {
  if (s.banks == 1) return bytes_text(s.size_bytes);
  return fmt::format("{} in {} banks of {}", bytes_text(s.size_bytes), s.banks, bytes_text(s.size_bytes / s.banks));
}

void print_summary(const SocConfig& soc, std::ostream& out) {
  const Peaks p = peaks_of(soc);
  out << fmt::format("SoC '{}' ({}): valid\n\n", soc.name, soc.source);

  out << fmt::format("MCU   {} MHz; cost table for {} fallback kernels{}\n", soc.mcu.clock_mhz, soc.mcu.costs.size(),
                     soc.mcu.profile.empty() ? "" : " from profile " + escaped(soc.mcu.profile));
  out << fmt::format("Bus   {} bits at {} MHz, {} arbitration, {} latency cycles per burst, bursts up to {} beats\n",
                     soc.bus.width_bytes * 8, soc.bus.clock_mhz, to_string(soc.bus.arbitration),
                     soc.bus.latency_cycles, soc.bus.max_burst_beats);
  out << fmt::format("DMA   {} channel(s), {} outstanding burst(s) each, 2-D strides {}\n\n", soc.dma.channels,
                     soc.dma.outstanding_bursts, soc.dma.strides_2d ? "on" : "off");

  out << "Memory map\n";
  out << fmt::format("  {:<12} {:<6} {:<10}  {:<10}  {:>9}  {}\n", "name", "kind", "base", "end", "size", "timing");
  for (const auto& m : soc.memories) {
    std::string timing =
        m.kind == MemoryKind::Flash
            ? fmt::format("{} wait state(s) per {}-bit read", m.wait_states, m.read_width_bytes * 8)
        : m.kind == MemoryKind::Dram
            ? fmt::format("{} cycle(s) latency per burst, {} bytes per cycle", m.latency_cycles, m.bytes_per_cycle)
            : fmt::format("{} bank(s) x {} bits, {} wait state(s)", m.banks, m.bank_width_bytes * 8, m.wait_states);
    out << fmt::format("  {:<12} {:<6} 0x{:08x}  0x{:08x}  {:>9}  {}\n", m.name, to_string(m.kind), m.base,
                       m.base + m.size_bytes, bytes_text(m.size_bytes), timing);
  }
  out << fmt::format("  {:<12} {:<6} 0x{:08x}  0x{:08x}  {:>9}  NPU control registers\n", "npu", "regs",
                     soc.npu.reg_base, soc.npu.reg_base + kNpuRegWindowBytes, bytes_text(kNpuRegWindowBytes));
  out << "  (end is exclusive)\n\n";

  const MinimumTileBuffers need = minimum_tile_buffers(soc.npu.rows, soc.npu.cols);
  out << fmt::format("NPU   {}x{} int8 array at {} MHz, {}, {} engine\n", soc.npu.rows, soc.npu.cols,
                     soc.npu.clock_mhz, to_string(soc.npu.dataflow), to_string(soc.npu.engine));
  out << fmt::format("      input scratchpad   {} (one full tile needs {} B per bank)\n", banks_text(soc.npu.input),
                     need.input_bank_bytes);
  out << fmt::format("      weight scratchpad  {} (one full tile needs {} B per bank)\n", banks_text(soc.npu.weight),
                     need.weight_bank_bytes);
  out << fmt::format("      output scratchpad  {} (one full tile needs {} B per bank)\n", banks_text(soc.npu.output),
                     need.output_bank_bytes);
  out << fmt::format("      accumulators       {} = {} int32 (one full tile needs {} B)\n",
                     bytes_text(soc.npu.accumulator_bytes), soc.npu.accumulator_bytes / 4, need.accumulator_bytes);
  out << fmt::format("      post-processing    {} lanes\n", soc.npu.ppu_lanes);
  out << fmt::format("      scratchpad port    {} bits per NPU cycle\n\n", soc.npu.spm_bytes_per_cycle * 8);

  out << "Peak rates\n";
  out << fmt::format("  array            {:.2f} GMAC/s ({} MACs per cycle at {} MHz)\n", p.macs_per_s / 1e9,
                     soc.npu.rows * soc.npu.cols, soc.npu.clock_mhz);
  out << fmt::format("  bus              {} ({} with full bursts)\n", rate_text(p.bus_bytes_per_s),
                     rate_text(p.bus_burst_bytes_per_s));
  out << fmt::format("  flash read       {}\n", rate_text(p.flash_bytes_per_s));
  out << fmt::format("  sram             {}\n", rate_text(p.sram_bytes_per_s));
  out << fmt::format("  scratchpad port  {}\n", rate_text(p.spm_port_bytes_per_s));
  out << fmt::format("  ridge point      {:.1f} MACs per bus byte (layers below it are bandwidth-bound)\n",
                     p.ridge_macs_per_byte);
}

}  // namespace

nlohmann::ordered_json soc_config_json(const SocConfig& soc) {
  using nlohmann::ordered_json;
  ordered_json j;
  j["name"] = soc.name;
  j["source"] = soc.source;
  ordered_json costs = ordered_json::object();
  for (const auto& [kernel, c] : soc.mcu.costs)
    costs[kernel] = {{"fixed", c.fixed}, {"per_mac", c.per_mac}, {"per_element", c.per_element}};
  j["mcu"] = {{"clock_mhz", soc.mcu.clock_mhz}, {"costs", costs}};
  j["bus"] = {{"width_bytes", soc.bus.width_bytes},
              {"clock_mhz", soc.bus.clock_mhz},
              {"arbitration", to_string(soc.bus.arbitration)},
              {"latency_cycles", soc.bus.latency_cycles},
              {"max_burst_beats", soc.bus.max_burst_beats}};
  ordered_json memories = ordered_json::array();
  for (const auto& m : soc.memories) {
    ordered_json e = {{"name", m.name},
                      {"kind", to_string(m.kind)},
                      {"base", m.base},
                      {"end", m.base + m.size_bytes},
                      {"size_bytes", m.size_bytes},
                      {"wait_states", m.wait_states}};
    if (m.kind == MemoryKind::Flash) {
      e["read_width_bytes"] = m.read_width_bytes;
    } else if (m.kind == MemoryKind::Dram) {
      e["latency_cycles"] = m.latency_cycles;
      e["bytes_per_cycle"] = m.bytes_per_cycle;
    } else {
      e["banks"] = m.banks;
      e["bank_width_bytes"] = m.bank_width_bytes;
    }
    memories.push_back(e);
  }
  j["memories"] = memories;
  j["dma"] = {{"channels", soc.dma.channels},
              {"outstanding_bursts", soc.dma.outstanding_bursts},
              {"strides_2d", soc.dma.strides_2d}};
  auto spm = [](const ScratchpadConfig& s) { return ordered_json{{"size_bytes", s.size_bytes}, {"banks", s.banks}}; };
  j["npu"] = {{"clock_mhz", soc.npu.clock_mhz},
              {"reg_base", soc.npu.reg_base},
              {"reg_bytes", kNpuRegWindowBytes},
              {"rows", soc.npu.rows},
              {"cols", soc.npu.cols},
              {"dataflow", to_string(soc.npu.dataflow)},
              {"engine", to_string(soc.npu.engine)},
              {"input", spm(soc.npu.input)},
              {"weight", spm(soc.npu.weight)},
              {"output", spm(soc.npu.output)},
              {"accumulator_bytes", soc.npu.accumulator_bytes},
              {"ppu_lanes", soc.npu.ppu_lanes},
              {"spm_bytes_per_cycle", soc.npu.spm_bytes_per_cycle}};
  const Peaks p = peaks_of(soc);
  j["derived"] = {{"peak_macs_per_s", p.macs_per_s},
                  {"bus_bytes_per_s", p.bus_bytes_per_s},
                  {"bus_burst_bytes_per_s", p.bus_burst_bytes_per_s},
                  {"flash_read_bytes_per_s", p.flash_bytes_per_s},
                  {"sram_bytes_per_s", p.sram_bytes_per_s},
                  {"spm_port_bytes_per_s", p.spm_port_bytes_per_s},
                  {"ridge_macs_per_bus_byte", p.ridge_macs_per_byte}};
  return j;
}

namespace {

void run_check(const CheckOptions& opts) {
  const SocConfig soc = load_soc_config(opts.config);
  // The technology is part of a valid config: check it too, and show the area it implies.
  const Technology tech = load_soc_technology(soc);
  const AreaReport area = compute_area(soc, tech);
  if (opts.json) {
    nlohmann::ordered_json j = soc_config_json(soc);
    j["technology"] = {{"name", tech.name}, {"file", tech.source}};
    j["area"] = area_json(area);
    std::cout << j.dump(2) << "\n";
  } else {
    print_summary(soc, std::cout);
    std::cout << fmt::format("\nArea  {:.3f} mm^2 in technology {} ({}):", area.total_um2() * 1e-6, tech.name,
                             tech.source);
    for (const auto& c : area.components) std::cout << fmt::format(" {} {:.3f}", to_string(c.component), c.um2 * 1e-6);
    std::cout << "\n";
  }
}

}  // namespace

void add_config_command(CLI::App& app) {
  CLI::App* config = app.add_subcommand("config", "Work with SoC configs (YAML, see docs/soc-config.md)");
  config->require_subcommand(1);
  auto opts = std::make_shared<CheckOptions>();
  CLI::App* check = config->add_subcommand(
      "check", "Validate a SoC config; print its memory map, units and peak rates (exit 0 if valid, 1 if not)");
  // No CLI11 existence check: the loader's own message names the file the same way as every other error.
  check->add_option("CONFIG", opts->config, "SoC config YAML file")->required();
  check->add_flag("--json", opts->json, "Print the loaded config and derived rates as JSON instead");
  check->callback([opts] { run_check(*opts); });
}

}  // namespace kiln::tools
