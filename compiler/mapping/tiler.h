// The tiler: enumerates the legal tilings of one NPU layer (those that fit the
// scratchpads), times each with the cost model, and ranks them.
#pragma once

#include <optional>
#include <vector>

#include "compiler/mapping/cost_model.h"
#include "compiler/mapping/tiling.h"

namespace kiln::mapping {

struct RankedTiling {
  Tiling tiling;
  Prediction prediction;
};

// Every legal tiling of the layer (each dataflow), best (fewest predicted
// cycles) first. Empty if none fits.
std::vector<RankedTiling> rank_tilings(const ConvShape& shape, const SocConfig& soc, const CostModel& model);

// The first of rank_tilings, found without timing every tiling: one whose
// compute queue alone (CostModel::compute_queue_cycles) takes longer than
// the best so far is skipped. None if nothing fits.
std::optional<RankedTiling> best_tiling(const ConvShape& shape, const SocConfig& soc, const CostModel& model);

// The best legal tiling; throws kiln::Error naming `layer` and the smallest
// tile's overflowing buffer when nothing fits.
RankedTiling choose_tiling(const ConvShape& shape, const SocConfig& soc, const CostModel& model,
                           const std::string& layer);

}  // namespace kiln::mapping
