// The energy and area model (docs/energy.md): a run's action counts
// (sim/action_counts.h) priced with a Technology (arch/technology.h), and the
// silicon area of a SocConfig. Plain arithmetic, no SystemC: a sweep may price
// counts it kept without simulating again.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "arch/soc_config.h"
#include "arch/technology.h"
#include "sim/action_counts.h"

namespace kiln {

// The components of the model, in report order.
enum class Component : uint8_t {
  Array, InputSpm, WeightSpm, OutputSpm, Accumulator, Sram, Flash, Bus, Dma, Mcu, Vector, Count
};
inline constexpr size_t kComponentCount = size_t(Component::Count);
const char* to_string(Component c);  // "array", "input_spm", ...

struct ComponentArea {
  Component component;
  double um2 = 0;
};

struct AreaReport {
  std::vector<ComponentArea> components;  // every component, in enum order
  double total_um2() const;
  double um2(Component c) const { return components[size_t(c)].um2; }
};

struct ComponentEnergy {
  Component component;
  double dynamic_pj = 0;  // the component's actions
  double leakage_pj = 0;  // its area leaking for the whole run
  double total_pj() const { return dynamic_pj + leakage_pj; }
};

struct EnergyReport {
  std::vector<ComponentEnergy> components;  // every component, in enum order
  double run_seconds = 0;
  double dynamic_pj() const;
  double leakage_pj() const;
  double total_pj() const { return dynamic_pj() + leakage_pj(); }
  const ComponentEnergy& of(Component c) const { return components[size_t(c)]; }
};

// Both throw kiln::Error when the SoC enables the vector unit and the
// technology has no `vector` section to price it.
AreaReport compute_area(const SocConfig& soc, const Technology& tech);

// `run_ps`: the run's length (SimResult::total_ps), for leakage.
EnergyReport compute_energy(const SocConfig& soc, const Technology& tech, const ActionCounts& counts,
                            uint64_t run_ps);

}  // namespace kiln
