// The per-layer comparison `kiln run --topology` prints: kiln's simulated
// array cycles beside SCALE-Sim's compute cycles (arch/scalesim_timing.h) for
// the same layer, array and dataflow, and the difference split in two parts
// that account for all of it:
//   tiling  = SCALE-Sim's formula summed over kiln's tiles minus SCALE-Sim's
//             formula on the whole layer (kiln cuts a layer into tiles that
//             fit its scratchpads; every tile fills and drains the array);
//   folds   = kiln's closed form minus SCALE-Sim's formula, both over kiln's
//             tiles (kiln's per-fold and per-command cycles, partial folds).
// So kiln = SCALE-Sim + tiling + folds exactly; docs/scalesim.md explains
// each term.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "arch/soc_config.h"
#include "compiler/codegen/compile_model.h"
#include "compiler/frontend/scalesim_topology.h"
#include "sim/simulate.h"
#include "tools/layer_report.h"

namespace kiln::tools {

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

std::vector<ScaleSimRow> scalesim_rows(const frontend::Topology& topology, const SocConfig& soc,
                                       const codegen::CompiledModel& compiled, const SimResult& sim,
                                       const RunReport& report);
std::string format_scalesim_table(const std::vector<ScaleSimRow>& rows, const SocConfig& soc);
nlohmann::json scalesim_json(const std::vector<ScaleSimRow>& rows);

}  // namespace kiln::tools
