// The per-layer report of `kiln run`: for each layer the op, where it ran,
// MACs, predicted and simulated cycles, time, array utilization, bytes moved,
// the roofline bound and what bounds it; totals below. As a terminal table
// and as JSON for scripts.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "arch/soc_config.h"
#include "compiler/codegen/compile_model.h"
#include "sim/simulate.h"

namespace kiln::tools {

struct LayerRow {
  std::string name, kind, unit;
  uint64_t macs = 0;
  double predicted_cycles = 0;  // NPU cycles
  uint64_t simulated_cycles = 0;
  double time_us = 0;
  double utilization = 0;       // MACs / (cycles * rows * cols); NPU layers only
  uint64_t bytes_moved = 0;
  double roofline_cycles = 0;
  std::string bound;            // compute | dma | bus | mcu | -
  std::string tiling;
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
};

RunReport build_report(const std::string& model, const SocConfig& soc, const codegen::CompiledModel& compiled,
                       const SimResult& sim);
std::string format_report(const RunReport& report);
nlohmann::json report_json(const RunReport& report);

}  // namespace kiln::tools
