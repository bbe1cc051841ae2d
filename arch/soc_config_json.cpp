#include "arch/soc_config_json.h"

#include <algorithm>

#include "arch/soc_config_yaml.h"
#include "arch/unit_catalog.h"

namespace kiln {

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
              {"engine", soc.npu.engine},
              {"input", spm(soc.npu.input)},
              {"weight", spm(soc.npu.weight)},
              {"output", spm(soc.npu.output)},
              {"accumulator_bytes", soc.npu.accumulator_bytes},
              {"ppu_lanes", soc.npu.ppu_lanes},
              {"spm_bytes_per_cycle", soc.npu.spm_bytes_per_cycle}};
  // Only when some unit is enabled: the JSON (and the fingerprints taken of
  // it) of a config without optional units stays as it was.
  if (!soc.npu.units.empty()) {
    ordered_json units = ordered_json::object();
    for (const UnitConfig& u : soc.npu.units) {
      ordered_json params = ordered_json::object();
      for (const auto& [key, value] : u.params) params[key] = value;
      // A choice only when it is not its default: the fingerprints of configs
      // written before the unit had the choice stay as they were.
      if (const UnitSchema* schema = find_unit(UnitSlot::NpuUnit, u.name))
        for (const UnitChoice& c : schema->choices)
          if (u.choices.count(c.key) && u.choices.at(c.key) != c.fallback) params[c.key] = u.choices.at(c.key);
      units[u.name] = params;
    }
    j["npu"]["units"] = units;
  }
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

}  // namespace kiln
