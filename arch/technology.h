// Technology: what one action costs in energy and one component in area, for
// the energy and area model (sim/energy.h, docs/energy.md). Loaded from YAML
// by load_technology (technology_yaml.cpp) and validated there; the shipped
// default is configs/tech/horowitz45.yaml, where every number cites its source.
// No SystemC, no SoC: a SocConfig names its technology file, sim/energy.cpp
// combines the two.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kiln {

// One SRAM macro size: energy per 64-bit access and area per KiB. Energies and
// areas of other sizes are interpolated log-linearly in size between points
// and clamped to the end points outside them (technology.cpp).
struct SramMacroPoint {
  double size_kib = 0;
  double read_pj_per_64bit = 0;
  double write_pj_per_64bit = 0;
  double area_um2_per_kib = 0;
};

// Every SRAM (scratchpads, the accumulator buffer, system SRAM) is priced
// from sram_macros by the size of the macro an access touches (one bank).
struct TechEnergy {
  double mac_pj = 0;                   // one int8 x int8 multiply + int32 accumulate in a PE
  double flash_read_pj_per_byte = 0;   // flash (weights, the command stream)
  double bus_pj_per_byte = 0;          // a byte carried over the system bus
  double dma_pj_per_byte = 0;          // DMA control overhead (address generation, counters)
  double mcu_pj_per_cycle = 0;         // MCU core, per busy cycle (it sleeps otherwise)
};

// Leakage power per mm² of each kind of silicon; a component leaks for the
// whole run: energy = area * density * time.
struct TechLeakage {
  double logic_uw_per_mm2 = 0;   // array, bus, DMA, MCU
  double sram_uw_per_mm2 = 0;    // scratchpads, accumulators, system SRAM
  double flash_uw_per_mm2 = 0;
};

struct TechArea {
  double pe_multiplier_um2 = 0;     // int8 multiplier
  double pe_adder_um2 = 0;          // int32 adder
  unsigned pe_register_bits = 0;    // weight, activation and partial-sum registers
  double register_um2_per_bit = 0;
  double flash_um2_per_kib = 0;
  double bus_um2_per_bit_port = 0;  // per data bit of the bus width, per attached port
  double dma_channel_um2 = 0;
  double mcu_um2 = 0;

  double pe_um2() const { return pe_multiplier_um2 + pe_adder_um2 + pe_register_bits * register_um2_per_bit; }
};

// The vector unit (npu.units.vector), priced per action and per lane. A
// rescale is one multiply_by_quantized_multiplier (a 32 x 32-bit multiply,
// rounding and shift); an add is one 32-bit add, compare or clamp step.
struct TechVectorUnit {
  double rescale_pj = 0;
  double add_pj = 0;
  double lane_um2 = 0;  // one lane's datapath and pipeline registers
};

struct Technology {
  std::string name;
  std::string source;                      // file it was loaded from
  double node_nm = 0;                      // for reports; numbers are used as given
  TechEnergy energy;
  std::vector<SramMacroPoint> sram_macros; // strictly increasing size_kib, at least one
  TechLeakage leakage;
  TechArea area;
  // Absent from a file without a `vector` section; an SoC that enables the
  // vector unit then has no price for it (sim/energy.cpp says so).
  std::optional<TechVectorUnit> vector_unit;

  // Per byte (a 64-bit access moves 8) of an SRAM macro of `macro_bytes`.
  double sram_read_pj_per_byte(uint64_t macro_bytes) const;
  double sram_write_pj_per_byte(uint64_t macro_bytes) const;
  // Area of one SRAM macro of `macro_bytes`.
  double sram_macro_um2(uint64_t macro_bytes) const;
};

// Log-linear interpolation of y over x in `points` (x strictly increasing, at
// least one point): y0 + (y1 - y0) * ln(x / x0) / ln(x1 / x0) between two
// points, the end value outside them.
struct InterpolationPoint {
  double x, y;
};
double interpolate_log_linear(const std::vector<InterpolationPoint>& points, double x);

}  // namespace kiln
