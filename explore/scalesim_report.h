// The per-layer comparison of a `kiln run --topology` (its report's "scalesim"
// rows, explore/run_report.h): kiln's simulated
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

#include "arch/soc_config.h"
#include "compiler/codegen/compile_model.h"
#include "compiler/frontend/scalesim_topology.h"
#include "explore/run_report.h"
#include "sim/simulate.h"

namespace kiln::explore {

std::vector<ScaleSimRow> scalesim_rows(const frontend::Topology& topology, const SocConfig& soc,
                                       const codegen::CompiledModel& compiled, const SimResult& sim,
                                       const RunReport& report);

}  // namespace kiln::explore
