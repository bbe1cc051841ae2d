#include "sim/energy.h"

#include <fmt/format.h>

#include "arch/command.h"
#include "arch/error.h"
#include "arch/vector_timing.h"

namespace kiln {

const char* to_string(Component c) {
  switch (c) {
    case Component::Array: return "array";
    case Component::InputSpm: return "input_spm";
    case Component::WeightSpm: return "weight_spm";
    case Component::OutputSpm: return "output_spm";
    case Component::Accumulator: return "accumulator";
    case Component::Sram: return "sram";
    case Component::Flash: return "flash";
    case Component::Bus: return "bus";
    case Component::Dma: return "dma";
    case Component::Mcu: return "mcu";
    case Component::Vector: return "vector";
    case Component::Count: break;
  }
  return "?";
}

namespace {

// A scratchpad of `banks` banks is `banks` macros of size / banks bytes each.
double banked_um2(const Technology& tech, uint64_t bytes, unsigned banks) {
  banks = banks ? banks : 1;
  return banks * tech.sram_macro_um2(bytes / banks);
}

double leakage_uw_per_mm2(const Technology& tech, Component c) {
  switch (c) {
    case Component::InputSpm:
    case Component::WeightSpm:
    case Component::OutputSpm:
    case Component::Accumulator:
    case Component::Sram: return tech.leakage.sram_uw_per_mm2;
    case Component::Flash: return tech.leakage.flash_uw_per_mm2;
    default: return tech.leakage.logic_uw_per_mm2;
  }
}

// The vector unit's prices, or nullptr when the SoC has no vector unit.
const TechVectorUnit* vector_prices(const SocConfig& soc, const Technology& tech) {
  if (vector_lanes(soc) == 0) return nullptr;
  if (!tech.vector_unit)
    throw Error(fmt::format("{}: technology '{}' has no `vector` section (rescale_pj, add_pj, lane_um2), which SoC "
                            "'{}' needs to price its vector unit (npu.units.vector; docs/energy.md)",
                            tech.source.empty() ? tech.name : tech.source, tech.name, soc.name));
  return &*tech.vector_unit;
}

}  // namespace

double AreaReport::total_um2() const {
  double t = 0;
  for (const auto& c : components) t += c.um2;
  return t;
}

double EnergyReport::dynamic_pj() const {
  double t = 0;
  for (const auto& c : components) t += c.dynamic_pj;
  return t;
}

double EnergyReport::leakage_pj() const {
  double t = 0;
  for (const auto& c : components) t += c.leakage_pj;
  return t;
}

AreaReport compute_area(const SocConfig& soc, const Technology& tech) {
  AreaReport r;
  for (size_t i = 0; i < kComponentCount; ++i) r.components.push_back({Component(i), 0});
  auto set = [&](Component c, double um2) { r.components[size_t(c)].um2 = um2; };
  const NpuConfig& n = soc.npu;
  set(Component::Array, double(n.rows) * n.cols * tech.area.pe_um2());
  set(Component::InputSpm, banked_um2(tech, n.input.size_bytes, n.input.banks));
  set(Component::WeightSpm, banked_um2(tech, n.weight.size_bytes, n.weight.banks));
  set(Component::OutputSpm, banked_um2(tech, n.output.size_bytes, n.output.banks));
  set(Component::Accumulator, banked_um2(tech, n.accumulator_bytes, 1));
  double sram = 0, flash = 0;
  for (const auto& m : soc.memories) {
    if (m.kind == MemoryKind::Sram) sram += banked_um2(tech, m.size_bytes, m.banks);
    if (m.kind == MemoryKind::Flash) flash += double(m.size_bytes) / 1024.0 * tech.area.flash_um2_per_kib;
    // A DRAM is off chip: no die area (and the technology prices no DRAM access).
  }
  set(Component::Sram, sram);
  set(Component::Flash, flash);
  // Ports: MCU, NPU fetch and one per DMA channel; every memory and the NPU registers.
  const double ports = 2.0 + soc.dma.channels + soc.memories.size() + 1.0;
  set(Component::Bus, 8.0 * soc.bus.width_bytes * ports * tech.area.bus_um2_per_bit_port);
  set(Component::Dma, double(soc.dma.channels) * tech.area.dma_channel_um2);
  set(Component::Mcu, tech.area.mcu_um2);
  if (const TechVectorUnit* v = vector_prices(soc, tech)) set(Component::Vector, vector_lanes(soc) * v->lane_um2);
  return r;
}

EnergyReport compute_energy(const SocConfig& soc, const Technology& tech, const ActionCounts& counts,
                            uint64_t run_ps) {
  EnergyReport r;
  r.run_seconds = double(run_ps) * 1e-12;
  for (size_t i = 0; i < kComponentCount; ++i) r.components.push_back({Component(i), 0, 0});
  auto dyn = [&](Component c) -> double& { return r.components[size_t(c)].dynamic_pj; };
  const TechEnergy& e = tech.energy;
  const NpuConfig& n = soc.npu;

  dyn(Component::Array) = double(counts.array_macs) * e.mac_pj;
  // Scratchpads are priced by the size of one bank: the macro an access touches.
  auto spm = [&](Component c, Buffer b, const ScratchpadConfig& s) {
    const uint64_t bank = s.size_bytes / (s.banks ? s.banks : 1);
    dyn(c) = double(counts.spm_read_bytes[size_t(b)]) * tech.sram_read_pj_per_byte(bank) +
             double(counts.spm_write_bytes[size_t(b)]) * tech.sram_write_pj_per_byte(bank);
  };
  spm(Component::InputSpm, Buffer::Input, n.input);
  spm(Component::WeightSpm, Buffer::Weight, n.weight);
  spm(Component::OutputSpm, Buffer::Output, n.output);
  const size_t acc = size_t(Buffer::Accumulator);
  // The accumulator buffer is one macro; a system SRAM is priced by its bank.
  dyn(Component::Accumulator) = double(counts.spm_read_bytes[acc]) * tech.sram_read_pj_per_byte(n.accumulator_bytes) +
                                double(counts.spm_write_bytes[acc]) * tech.sram_write_pj_per_byte(n.accumulator_bytes);
  for (size_t i = 0; i < counts.memories.size() && i < soc.memories.size(); ++i) {
    const MemoryTraffic& m = counts.memories[i];
    const MemoryConfig& mem = soc.memories[i];
    if (m.kind == MemoryKind::Sram) {
      const uint64_t bank = mem.size_bytes / (mem.banks ? mem.banks : 1);
      dyn(Component::Sram) += double(m.read_bytes) * tech.sram_read_pj_per_byte(bank) +
                              double(m.write_bytes) * tech.sram_write_pj_per_byte(bank);
    } else if (m.kind == MemoryKind::Flash) {
      dyn(Component::Flash) += double(m.read_bytes) * e.flash_read_pj_per_byte;  // read-only at run time
    }
  }
  dyn(Component::Bus) = double(counts.bus_bytes) * e.bus_pj_per_byte;
  dyn(Component::Dma) = double(counts.dma_bytes) * e.dma_pj_per_byte;
  dyn(Component::Mcu) = double(counts.mcu_busy_cycles) * e.mcu_pj_per_cycle;
  if (const TechVectorUnit* v = vector_prices(soc, tech))
    // A vdwconv tap is the array PE's int8 multiply and int32 accumulate: priced as one.
    dyn(Component::Vector) = double(counts.vector_rescales) * v->rescale_pj + double(counts.vector_adds) * v->add_pj +
                             double(counts.vector_macs) * e.mac_pj;

  // Leakage: µm² -> mm² (1e-6), µW * s = µJ -> pJ (1e6): the factors cancel.
  const AreaReport area = compute_area(soc, tech);
  for (auto& c : r.components)
    c.leakage_pj = area.um2(c.component) * leakage_uw_per_mm2(tech, c.component) * r.run_seconds;
  return r;
}

}  // namespace kiln
