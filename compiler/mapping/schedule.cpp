#include "compiler/mapping/schedule.h"

#include <algorithm>
#include <array>
#include <map>
#include <stdexcept>
#include <tuple>

namespace kiln::mapping {

void StepDeps::push_back(uint32_t step) {
  if (size_ == kCapacity) throw std::logic_error("mapping: a schedule step with more than 4 dependencies");
  steps_[size_++] = step;
}

Queue queue_of(StepKind kind) {
  switch (kind) {
    case StepKind::LoadInput:
    case StepKind::LoadWeights:
      return Queue::Load;
    case StepKind::Store:
      return Queue::Store;
    default:
      return Queue::Compute;
  }
}

namespace {

constexpr uint32_t kNone = UINT32_MAX;

// Rotating slots of one double- (or single-) buffered scratchpad: which tile
// each slot holds, the step that filled it, and the last step that read it.
struct SlotRing {
  struct Slot {
    std::tuple<int64_t, int64_t, int64_t> key{-1, -1, -1};
    uint32_t filled_by = kNone;
    uint32_t last_reader = kNone;
  };
  std::vector<Slot> slots;
  uint32_t next = 0;

  explicit SlotRing(uint32_t n) : slots(n) {}
  int find(const std::tuple<int64_t, int64_t, int64_t>& key) const {
    for (size_t i = 0; i < slots.size(); ++i)
      if (slots[i].key == key) return int(i);
    return -1;
  }
  uint32_t take() {
    const uint32_t s = next;
    next = (next + 1) % uint32_t(slots.size());
    return s;
  }
};

void add_dep(Step& step, uint32_t dep) {
  if (dep != kNone && std::find(step.deps.begin(), step.deps.end(), dep) == step.deps.end()) step.deps.push_back(dep);
}

}  // namespace

uint64_t weight_slot_offset(const LayerSchedule& sched, const SocConfig& soc, uint32_t slot, bool high) {
  if (!sched.tiling.weights_resident) return slot * slot_bytes(soc.npu.weight.size_bytes, sched.tiling.buffers);
  const uint32_t banks = std::max(1u, soc.npu.weight.banks);
  const uint64_t bank_bytes = weight_bank_bytes(soc);
  uint64_t before = 0;  // bytes of earlier chunks in the same bank
  for (uint32_t i = slot % banks; i < slot; i += banks) before += sched.resident_weight_sizes.at(i);
  const uint64_t bank_start = uint64_t(slot % banks) * bank_bytes;
  return high ? bank_start + bank_bytes - before - sched.resident_weight_sizes.at(slot) : bank_start + before;
}

LayerSchedule build_schedule(const ConvShape& s, const Tiling& t) {
  LayerSchedule out;
  build_schedule(s, t, &out);
  return out;
}

void build_schedule(const ConvShape& s, const Tiling& t, LayerSchedule* reuse) {
  LayerSchedule& out = *reuse;
  out.shape = s;
  out.tiling = t;
  out.steps.clear();
  out.input_bytes_moved = out.weight_bytes_moved = out.output_bytes_moved = 0;
  out.resident_weight_sizes.clear();
  const uint32_t rows = std::min(t.tile_rows, s.out_h), cols = std::min(t.tile_cols, s.out_w);
  const uint32_t tn = std::min(t.tile_out_c, s.out_c), tc = std::min(t.tile_in_c, s.in_c);
  const uint32_t buffers = std::max<uint32_t>(t.buffers, 1);

  struct Spatial { uint32_t oy0, ox0, rows, cols; };
  std::vector<Spatial> spatial;
  for (uint32_t oy = 0; oy < s.out_h; oy += rows)
    for (uint32_t ox = 0; ox < s.out_w; ox += cols)
      spatial.push_back({oy, ox, std::min(rows, s.out_h - oy), std::min(cols, s.out_w - ox)});
  std::vector<uint32_t> channel_tiles, k_steps;
  for (uint32_t n0 = 0; n0 < s.out_c; n0 += tn) channel_tiles.push_back(n0);
  for (uint32_t c0 = 0; c0 < s.in_c; c0 += tc) k_steps.push_back(c0);

  // Resident weights: a slot per chunk, never reused.
  const uint32_t chunks = uint32_t(channel_tiles.size() * (s.depthwise ? 1 : k_steps.size()));
  SlotRing input(buffers), weight(t.weights_resident ? chunks : buffers), output(buffers);
  // A prefetched first chunk goes to the last weight slot: the previous
  // layer's first slot is the one it is most likely still reading.
  if (t.prefetch_weights && !t.weights_resident) weight.next = buffers - 1;
  bool first_weights = true;
  auto& steps = out.steps;
  // At most a load of each operand and a compute per K step, then the
  // post-processing and the store, per output tile: one allocation.
  steps.reserve(spatial.size() * channel_tiles.size() * (3 * (s.depthwise ? 1 : k_steps.size()) + 2));
  const auto push = [&](Step st) {
    steps.push_back(std::move(st));
    return uint32_t(steps.size() - 1);
  };

  const auto visit = [&](const Spatial& sp, uint32_t n0) {
    const uint32_t n = std::min(tn, s.out_c - n0);
    const int64_t iy_first = std::max<int64_t>(s.input_row_first(sp.oy0), 0);
    const int64_t iy_last = std::min<int64_t>(s.input_row_last(sp.oy0, sp.rows), s.in_h - 1);
    const int64_t ix_first = std::max<int64_t>(s.input_col_first(sp.ox0), 0);
    const int64_t ix_last = std::min<int64_t>(s.input_col_last(sp.ox0, sp.cols), s.in_w - 1);
    uint32_t last_compute = kNone;
    // Depthwise: one K step, the tile's own channels.
    const size_t k_count = s.depthwise ? 1 : k_steps.size();
    for (size_t ki = 0; ki < k_count; ++ki) {
      const uint32_t c0 = s.depthwise ? n0 : k_steps[ki], c = s.depthwise ? n : std::min(tc, s.in_c - c0);
      // Input tile for (spatial, K step): reuse it if a slot still holds it.
      // A resident input (cascading) is read where it lies: nothing to load.
      int in_slot = 0;
      // A depthwise tile loads every channel once per spatial tile; its
      // channel tiles share it.
      const uint32_t in_c0 = s.depthwise ? 0 : c0, in_cn = s.depthwise ? s.in_c : c;
      if (!t.input_resident) {
        const auto in_key =
            std::make_tuple(int64_t(sp.oy0) << 32 | sp.ox0, int64_t(in_c0), int64_t(sp.rows) << 32 | sp.cols);
        in_slot = input.find(in_key);
        if (in_slot < 0) {
          Step ld;
          ld.kind = StepKind::LoadInput;
          ld.slot = input.take();
          ld.oy0 = sp.oy0, ld.ox0 = sp.ox0, ld.rows = sp.rows, ld.cols = sp.cols, ld.c0 = in_c0, ld.c = in_cn;
          ld.iy0 = uint32_t(iy_first), ld.ix0 = uint32_t(ix_first);
          ld.ih = iy_last >= iy_first ? uint32_t(iy_last - iy_first + 1) : 0;
          ld.iw = ix_last >= ix_first ? uint32_t(ix_last - ix_first + 1) : 0;
          add_dep(ld, input.slots[ld.slot].last_reader);  // overwrite only what was consumed
          out.input_bytes_moved += uint64_t(ld.ih) * ld.iw * in_cn;
          in_slot = int(ld.slot);
          const uint32_t idx = push(ld);
          input.slots[in_slot] = {in_key, idx, kNone};
        }
      }
      // Weights (+ post-processing records) for (channel tile, K step).
      const auto w_key = std::make_tuple(int64_t(n0), int64_t(c0), int64_t(n));
      int w_slot = weight.find(w_key);
      if (w_slot < 0) {
        Step ld;
        ld.kind = StepKind::LoadWeights;
        ld.slot = weight.take();
        const size_t chunk = out.resident_weight_sizes.size();
        ld.prefetched = t.prefetch_weights && (first_weights || (t.weights_resident && (t.prefetch_chunks == 0 ||
                                                                                        chunk < t.prefetch_chunks)));
        first_weights = false;
        ld.n0 = n0, ld.n = n, ld.c0 = c0, ld.c = c;
        add_dep(ld, weight.slots[ld.slot].last_reader);
        out.weight_bytes_moved += chunk_bytes(s, c, n);
        if (t.weights_resident) out.resident_weight_sizes.push_back(resident_chunk_bytes(s, c, n));
        w_slot = int(ld.slot);
        const uint32_t idx = push(ld);
        weight.slots[w_slot] = {w_key, idx, kNone};
      }
      Step cp;
      cp.kind = StepKind::Compute;
      cp.input_slot = uint32_t(in_slot), cp.weight_slot = uint32_t(w_slot), cp.slot = cp.input_slot;
      cp.oy0 = sp.oy0, cp.ox0 = sp.ox0, cp.rows = sp.rows, cp.cols = sp.cols, cp.n0 = n0, cp.n = n;
      cp.c0 = c0, cp.c = c;
      cp.iy0 = uint32_t(iy_first), cp.ix0 = uint32_t(ix_first);
      cp.ih = iy_last >= iy_first ? uint32_t(iy_last - iy_first + 1) : 0;
      cp.iw = ix_last >= ix_first ? uint32_t(ix_last - ix_first + 1) : 0;
      if (t.input_resident) cp.ix0 = 0, cp.iw = s.in_w;  // whole rows of the resident tensor
      cp.accumulate = ki > 0;
      cp.last_k = ki + 1 == k_count;
      if (!t.input_resident) add_dep(cp, input.slots[in_slot].filled_by);
      add_dep(cp, weight.slots[w_slot].filled_by);
      last_compute = push(cp);
      if (!t.input_resident) input.slots[in_slot].last_reader = last_compute;
      weight.slots[w_slot].last_reader = last_compute;
    }
    Step pp;
    pp.kind = StepKind::PostProcess;
    pp.slot = output.take();
    pp.weight_slot = steps[last_compute].weight_slot;
    pp.c0 = steps[last_compute].c0, pp.c = steps[last_compute].c;  // its parameters follow that K step's weights
    pp.oy0 = sp.oy0, pp.ox0 = sp.ox0, pp.rows = sp.rows, pp.cols = sp.cols, pp.n0 = n0, pp.n = n;
    add_dep(pp, last_compute);
    // A resident output (cascading) is written in place: no slot, no store.
    if (!t.output_resident) add_dep(pp, output.slots[pp.slot].last_reader);  // the store of the slot's previous tile
    const uint32_t pp_idx = push(pp);
    weight.slots[pp.weight_slot].last_reader = pp_idx;  // it reads the parameter records
    if (t.output_resident) return;
    Step st = steps[pp_idx];
    st.kind = StepKind::Store;
    st.deps.clear();
    add_dep(st, pp_idx);
    const uint32_t st_idx = push(st);
    output.slots[pp.slot].last_reader = st_idx;
    out.output_bytes_moved += uint64_t(sp.rows) * sp.cols * n;
  };

  if (t.order == LoopOrder::WeightsOuter) {
    for (uint32_t n0 : channel_tiles)
      for (const auto& sp : spatial) visit(sp, n0);
  } else {
    for (const auto& sp : spatial)
      for (uint32_t n0 : channel_tiles) visit(sp, n0);
  }
}

}  // namespace kiln::mapping
