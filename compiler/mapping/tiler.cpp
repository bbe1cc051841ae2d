#include "compiler/mapping/tiler.h"

#include <algorithm>
#include <set>

#include "arch/error.h"

namespace kiln::mapping {
namespace {

// Tile extents worth trying along a dimension of `extent`: the sizes that cut it
// into 1, 2, 3, ... equal-ish pieces (each distinct piece count once).
std::vector<uint32_t> splits(uint32_t extent, uint32_t max_pieces) {
  std::set<uint32_t> sizes;
  for (uint32_t pieces = 1; pieces <= std::min(extent, max_pieces); ++pieces) sizes.insert((extent + pieces - 1) / pieces);
  return {sizes.rbegin(), sizes.rend()};
}

// Output-channel tiles: whole multiples of the array width (or all channels).
std::vector<uint32_t> channel_tiles(uint32_t out_c, uint32_t array_cols) {
  std::set<uint32_t> sizes{out_c};
  for (uint32_t pieces = 1; pieces <= 16; ++pieces) {
    uint32_t t = (out_c + pieces - 1) / pieces;
    t = (t + array_cols - 1) / array_cols * array_cols;
    sizes.insert(std::min(t, out_c));
  }
  return {sizes.rbegin(), sizes.rend()};
}

// The array runs each command in the dataflow the command names
// (docs/soc-config.md): the SoC's default first, so that it wins ties; only
// that one when the array has a fixed dataflow.
std::vector<Dataflow> dataflows(const SocConfig& soc) {
  std::vector<Dataflow> out{soc.npu.dataflow};
  if (soc.npu.fixed_dataflow) return out;
  for (Dataflow d : {Dataflow::WeightStationary, Dataflow::OutputStationary, Dataflow::InputStationary})
    if (d != soc.npu.dataflow) out.push_back(d);
  return out;
}

// Depthwise channel tiles: also fractions of the array width. The array's
// useful rate does not depend on n (one product per row per cycle) but the
// folds do (K = kh*kw*n rows, n columns), and weights and input cost the same
// either way (compact taps, whole pixels: ConvCmd::depthwise, in_pixel_stride),
// so the cost model weighs partial folds against per-command overhead.
std::vector<uint32_t> depthwise_channel_tiles(uint32_t channels, uint32_t array_cols) {
  std::set<uint32_t> sizes;
  for (uint32_t n : channel_tiles(channels, array_cols)) sizes.insert(n);
  for (uint32_t n = array_cols / 2; n >= 2; n /= 2) sizes.insert(std::min(n, channels));
  return {sizes.rbegin(), sizes.rend()};
}

}  // namespace

namespace {

// Calls visit(t) for every legal tiling of the layer, in the order ranks keep
// among equals.
template <class Visit>
void for_each_tiling(const ConvShape& s, const SocConfig& soc, Visit visit) {
  // Splitting K or the width only adds traffic and commands: try a finer split
  // only while no coarser one fits (sizes are listed coarsest first).
  for (uint32_t buffers : {2u, 1u}) {
    bool k_fits = false;
    // Depthwise: K follows the channel tile, nothing to split.
    for (uint32_t in_c : s.depthwise ? std::vector<uint32_t>{s.in_c} : splits(s.in_c, 16)) {
      if (k_fits) break;
      bool w_fits = false;
      for (uint32_t cols : splits(s.out_w, 4)) {
        if (w_fits) break;
        for (uint32_t out_c :
             s.depthwise ? depthwise_channel_tiles(s.out_c, soc.npu.cols) : channel_tiles(s.out_c, soc.npu.cols))
          for (uint32_t rows : splits(s.out_h, 64))
            for (LoopOrder order : {LoopOrder::WeightsOuter, LoopOrder::InputsOuter})
              for (Dataflow dataflow : dataflows(soc)) {
                Tiling t;
                t.tile_rows = rows, t.tile_cols = cols, t.tile_out_c = out_c;
                t.tile_in_c = s.depthwise ? out_c : in_c;
                t.dataflow = dataflow, t.buffers = buffers, t.order = order;
                t.channels = default_channels(soc);
                if (!fits(s, t, soc)) continue;
                w_fits = k_fits = true;
                visit(t);
              }
      }
    }
  }
}

}  // namespace

std::vector<RankedTiling> rank_tilings(const ConvShape& s, const SocConfig& soc, const CostModel& model) {
  std::vector<RankedTiling> out;
  LayerSchedule sched;  // one schedule's buffers for every candidate
  for_each_tiling(s, soc, [&](const Tiling& t) {
    build_schedule(s, t, &sched);
    out.push_back({t, model.predict(sched)});
  });
  std::stable_sort(out.begin(), out.end(), [](const RankedTiling& a, const RankedTiling& b) {
    return a.prediction.cycles < b.prediction.cycles;
  });
  return out;
}

std::optional<RankedTiling> best_tiling(const ConvShape& s, const SocConfig& soc, const CostModel& model) {
  std::optional<RankedTiling> best;
  LayerSchedule sched;
  for_each_tiling(s, soc, [&](const Tiling& t) {
    // A tiling whose compute queue alone outlasts the best so far cannot be
    // better; the margin covers the sums' rounding, so that a tie is still
    // timed and the first of equals wins, as in rank_tilings.
    if (best && model.compute_queue_cycles(s, t) > best->prediction.cycles * (1 + 1e-9)) return;
    build_schedule(s, t, &sched);
    const Prediction p = model.predict(sched);
    if (!best || p.cycles < best->prediction.cycles) best = RankedTiling{t, p};
  });
  return best;
}

RankedTiling choose_tiling(const ConvShape& s, const SocConfig& soc, const CostModel& model, const std::string& layer) {
  const auto best = best_tiling(s, soc, model);
  if (!best) {
    Tiling smallest;
    smallest.tile_rows = smallest.tile_cols = 1;
    smallest.tile_out_c = std::min(s.out_c, soc.npu.cols);
    smallest.tile_in_c = 1;
    smallest.buffers = 1;
    smallest.channels = default_channels(soc);
    std::string why;
    fits(s, smallest, soc, &why);
    throw Error(layer + ": no tiling fits the NPU scratchpads of " + soc.name + " (smallest tile: " + why + ")");
  }
  return *best;
}

}  // namespace kiln::mapping
