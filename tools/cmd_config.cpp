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
#include "arch/soc_config_json.h"
#include "arch/soc_config_yaml.h"
#include "explore/energy_report.h"
#include "tools/commands.h"

namespace kiln::tools {

using namespace kiln::explore;  // the library the commands call

namespace {

struct CheckOptions {
  std::string config;
  bool json = false;
};

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
                     soc.npu.clock_mhz, to_string(soc.npu.dataflow), soc.npu.engine);
  out << fmt::format("      input scratchpad   {} (one full tile needs {} B per bank)\n", banks_text(soc.npu.input),
                     need.input_bank_bytes);
  out << fmt::format("      weight scratchpad  {} (one full tile needs {} B per bank)\n", banks_text(soc.npu.weight),
                     need.weight_bank_bytes);
  out << fmt::format("      output scratchpad  {} (one full tile needs {} B per bank)\n", banks_text(soc.npu.output),
                     need.output_bank_bytes);
  out << fmt::format("      accumulators       {} = {} int32 (one full tile needs {} B)\n",
                     bytes_text(soc.npu.accumulator_bytes), soc.npu.accumulator_bytes / 4, need.accumulator_bytes);
  out << fmt::format("      post-processing    {} lanes\n", soc.npu.ppu_lanes);
  out << fmt::format("      scratchpad port    {} bits per NPU cycle\n", soc.npu.spm_bytes_per_cycle * 8);
  for (const UnitConfig& u : soc.npu.units) {
    std::string params;
    for (const auto& [key, value] : u.params) params += fmt::format("{}{} {}", params.empty() ? "" : ", ", key, value);
    for (const auto& [key, value] : u.choices) params += fmt::format("{}{} {}", params.empty() ? "" : ", ", key, value);
    out << fmt::format("      unit {:<13} {}\n", u.name, params.empty() ? "(no parameters)" : params);
  }
  out << "\n";

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

namespace {

void run_check(const CheckOptions& opts) {
  const SocConfig soc = load_soc_config(opts.config);
  // The technology is part of a valid config: check it too, and show the area it implies.
  const Technology tech = load_soc_technology(soc);
  const AreaReport area = compute_area(soc, tech);
  if (opts.json) {
    nlohmann::ordered_json j = soc_config_json(soc);
    j["technology"] = {{"name", tech.name}, {"file", tech.source}};
    j["area"] = nlohmann::json(run_area(area));
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
