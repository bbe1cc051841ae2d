// The report of one `kiln run`: for each layer the op, where it ran, MACs,
// predicted and simulated cycles, time, array utilization, bytes moved, the
// roofline bound and what bounds it; the totals; the wall time; the array
// engine; energy (with the action counts it prices) and area; and, for a
// SCALE-Sim topology, its comparison rows. `kiln run --report FILE` writes it
// as JSON (to_json); `kiln tune` and `kiln sweep` read their children's
// reports back through the one reader (from_json, read_run_report), which
// names the file and the JSON path of a field it cannot read.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "arch/soc_config.h"
#include "compiler/codegen/compile_model.h"
#include "sim/simulate.h"

namespace kiln::explore {

struct LayerRow {
  std::string name, kind, unit;  // kind is the op ("op" in JSON)
  uint64_t macs = 0;
  double predicted_cycles = 0;  // NPU cycles
  uint64_t simulated_cycles = 0;
  double time_us = 0;
  double utilization = 0;       // MACs / (cycles * rows * cols); NPU layers only
  uint64_t bytes_moved = 0;
  double roofline_cycles = 0;
  std::string bound;            // compute | dma | bus | mcu | -
  std::string tiling;
  // The op's MCU kernel (cost-table name) and the output elements it counts
  // ("" and 0 for ops without work; absent in reports of older kilns).
  std::string mcu_kernel;
  uint64_t mcu_elements = 0;
  // It computed on float32 tensors (a float kernel of a float island), not
  // int8 ones; quantize and dequantize convert at the island's edges (false
  // in reports of older kilns).
  bool in_float = false;
};

// Milliseconds of the host spent in each phase of the run.
struct RunWallMs {
  double compile = 0, simulate = 0, reference = 0;
};

struct RunArrayEngine {
  std::string engine;
  uint64_t commands = 0, cycles = 0;  // array cycles, summed over the commands
  double wall_ms = 0;                 // inside the engine
};

// What the energy prices (sim/action_counts.h), with memories by name.
struct RunActions {
  struct Traffic {
    uint64_t read_bytes = 0, write_bytes = 0;
  };
  struct Memory {
    std::string name, kind;
    Traffic traffic;
  };
  uint64_t array_macs = 0, mcu_macs = 0;
  uint64_t vector_rescales = 0, vector_adds = 0, vector_macs = 0;  // vector unit (0 without one)
  std::array<Traffic, 4> scratchpads{};  // input, weight, output, accumulator
  std::vector<Memory> memories;
  uint64_t bus_bytes = 0, dma_bytes = 0, mcu_busy_cycles = 0;
  uint64_t npu_cycles = 0, bus_cycles = 0, mcu_cycles = 0;
};

struct RunEnergy {
  struct Component {
    std::string name;
    double dynamic_uj = 0, leakage_uj = 0, total_uj = 0;
  };
  std::string technology, technology_file;
  double total_uj = 0, dynamic_uj = 0, leakage_uj = 0;
  std::vector<Component> components;
  RunActions actions;
};

struct RunArea {
  double total_mm2 = 0;
  std::vector<std::pair<std::string, double>> components_mm2;
};

// One layer of a SCALE-Sim topology run (explore/scalesim_report.h).
struct ScaleSimRow {
  std::string name;
  uint64_t m = 0, n = 0, k = 0;  // the layer's GEMM (per channel for depthwise)
  uint64_t gemms = 1;            // channels of a depthwise layer, else 1
  uint64_t tiles = 0;            // kiln's array commands
  uint64_t kiln_array = 0;       // simulated: array command time less bank waits
  uint64_t kiln_closed = 0;      // sum of arch/array_timing over the tiles
  uint64_t scalesim = 0;         // SCALE-Sim's compute cycles of the layer
  int64_t tiling = 0, folds = 0;
  std::string bound;             // of the layer in kiln's run (compute | dma | bus)
  bool explained() const { return int64_t(kiln_array) == int64_t(scalesim) + tiling + folds; }
};

struct RunReport {
  std::string model, soc;
  std::vector<LayerRow> layers;
  uint64_t total_cycles = 0;
  double total_us = 0;
  uint64_t peak_sram_bytes = 0, flash_bytes = 0, stream_bytes = 0;
  double npu_roofline_cycles = 0, npu_simulated_cycles = 0;  // over NPU layers
  double bound_ratio() const { return npu_simulated_cycles > 0 ? npu_roofline_cycles / npu_simulated_cycles : 0; }
  bool outputs_match = false;
  // Filled by `kiln run` after the simulation; absent from older reports.
  std::optional<RunWallMs> wall_ms;
  std::optional<RunArrayEngine> array_engine;
  std::optional<RunEnergy> energy;
  std::optional<RunArea> area;
  std::optional<std::vector<ScaleSimRow>> scalesim;  // runs of a SCALE-Sim topology
};

// The layers and totals of a simulated program.
RunReport build_report(const std::string& model, const SocConfig& soc, const codegen::CompiledModel& compiled,
                       const SimResult& sim);

// The first simulated output that differs from the reference's `expected`
// ("output 'y' element 5: reference 3, simulated 4"); "" when all match.
std::string first_output_difference(const codegen::CompiledModel& compiled, const SimResult& sim,
                                    const std::vector<std::vector<int8_t>>& expected);

void to_json(nlohmann::json& j, const RunReport& r);
void to_json(nlohmann::json& j, const RunArea& a);  // also in `kiln config check --json`
// Throws kiln::Error "run report: <JSON path>: expected ..." for a field it cannot read.
void from_json(const nlohmann::json& j, RunReport& r);

void write_run_report(const RunReport& r, const std::string& path);  // atomic
// Throws kiln::Error "<path>: ..." naming the JSON path of what is wrong.
RunReport read_run_report(const std::string& path);

}  // namespace kiln::explore
