// The search space kiln tune draws from, beyond tile sizes: DMA channel
// assignment, cascading, weight prefetch, depthwise layers on the array and
// the dataflow of each command.
#include <catch2/catch.hpp>

#include <map>
#include <set>
#include <tuple>

#include "arch/soc_config_yaml.h"
#include "compiler/mapping/cost_model.h"
#include "compiler/mapping/schedule.h"
#include "compiler/mapping/tiler.h"
#include "tests/support/conv_shapes.h"
#include "tests/support/test_paths.h"

using namespace kiln;
using namespace kiln::mapping;
using kiln::test::conv3x3;

TEST_CASE("DMA channels: stores sharing the loads' channel wait for it, and channels the SoC lacks do not fit") {
  const SocConfig soc = load_soc_config(test::config_path("default"));
  REQUIRE(soc.dma.channels == 2);
  const CostModel model(soc);
  const ConvShape s = conv3x3(32, 32, 16, 16);
  Tiling t = rank_tilings(s, soc, model).front().tiling;
  CHECK(t.channels == default_channels(soc));
  CHECK(t.channels.store != t.channels.input);
  const double apart = model.predict(build_schedule(s, t)).cycles;
  t.channels.store = t.channels.input;
  const double shared = model.predict(build_schedule(s, t)).cycles;
  CHECK(shared > apart);

  const auto all = channel_assignments(soc);
  CHECK(all.size() == 8);
  CHECK(all.front() == default_channels(soc));
  t.channels.weight = 2;
  std::string why;
  CHECK_FALSE(fits(s, t, soc, &why));
  CHECK(why.find("2-channel DMA") != std::string::npos);
}

TEST_CASE("cascading: a producer stores nothing, a consumer loads no input, and both need full-width tiles") {
  const SocConfig soc = load_soc_config(test::config_path("default"));
  const CostModel model(soc);
  const ConvShape s = conv3x3(32, 32, 16, 16);  // 16 KiB tensors
  Tiling t = rank_tilings(s, soc, model).front().tiling;
  REQUIRE(t.tile_cols >= s.out_w);
  REQUIRE(t.tile_in_c >= s.in_c);
  const LayerSchedule plain = build_schedule(s, t);

  Tiling producer = t;
  producer.output_resident = true;
  REQUIRE(fits(s, producer, soc));
  const LayerSchedule p = build_schedule(s, producer);
  size_t stores = 0, loads = 0;
  for (const auto& st : p.steps) stores += st.kind == StepKind::Store, loads += st.kind == StepKind::LoadInput;
  CHECK(stores == 0);
  CHECK(loads > 0);
  CHECK(p.output_bytes_moved == 0);
  CHECK(p.input_bytes_moved == plain.input_bytes_moved);
  // Its input slots share the input scratchpad with the resident tensor at the top.
  CHECK(resident_offset(soc.npu.input.size_bytes, s.output_bytes()) == soc.npu.input.size_bytes - 16384);
  CHECK(input_slot_space(s, producer, soc) == soc.npu.input.size_bytes - 16384);

  Tiling consumer = t;
  consumer.input_resident = true;
  REQUIRE(fits(s, consumer, soc));
  const LayerSchedule c = build_schedule(s, consumer);
  stores = loads = 0;
  for (const auto& st : c.steps) {
    stores += st.kind == StepKind::Store, loads += st.kind == StepKind::LoadInput;
    if (st.kind == StepKind::Compute) CHECK((st.ix0 == 0 && st.iw == s.in_w));  // whole rows of the tensor
  }
  CHECK(loads == 0);
  CHECK(stores > 0);
  CHECK(c.input_bytes_moved == 0);
  // Less to move, so the model predicts both faster than the plain layer.
  CHECK(model.predict(c).cycles < model.predict(plain).cycles);

  std::string why;
  Tiling narrow = consumer;
  narrow.tile_cols = s.out_w / 2;
  CHECK_FALSE(fits(s, narrow, soc, &why));
  CHECK(why.find("full-width") != std::string::npos);
  Tiling split_k = consumer;
  split_k.tile_in_c = s.in_c / 2;
  CHECK_FALSE(fits(s, split_k, soc, &why));
  CHECK(why.find("K unsplit") != std::string::npos);

  // Inside a chain a layer reads and writes resident: no loads, no stores,
  // its input and output at opposite ends of the input scratchpad.
  Tiling both = consumer;
  both.output_resident = true;
  REQUIRE(fits(s, both, soc));
  const LayerSchedule m = build_schedule(s, both);
  CHECK(m.input_bytes_moved == 0);
  CHECK(m.output_bytes_moved == 0);
  const uint64_t top = resident_offset(soc.npu.input.size_bytes, s.output_bytes());
  CHECK(resident_output_offset(s, producer, soc, 0) == top);  // a chain starts at the top
  CHECK(resident_output_offset(s, both, soc, top) == 0);      // reads the top, writes the bottom
  CHECK(resident_output_offset(s, both, soc, 0) == top);      // and back
  // Two 48 KiB tensors do not fit one 64 KiB scratchpad together.
  const ConvShape wide = conv3x3(32, 32, 48, 48);
  Tiling wide_both = rank_tilings(wide, soc, model).front().tiling;
  wide_both.tile_cols = wide.out_w, wide_both.tile_in_c = wide.in_c;
  wide_both.input_resident = wide_both.output_resident = true;
  CHECK_FALSE(fits(wide, wide_both, soc, &why));
  CHECK(why.find("resident input and output need 49152 + 49152 bytes") != std::string::npos);
}

TEST_CASE("weight prefetch: the first chunk goes to the last slot, is marked, and costs the layer nothing") {
  const SocConfig soc = load_soc_config(test::config_path("default"));
  const CostModel model(soc);
  const ConvShape s = conv3x3(16, 16, 32, 64);
  Tiling t = rank_tilings(s, soc, model).front().tiling;
  REQUIRE(t.buffers == 2);
  const LayerSchedule plain = build_schedule(s, t);
  t.prefetch_weights = true;
  const LayerSchedule pre = build_schedule(s, t);
  REQUIRE(pre.steps.size() == plain.steps.size());
  size_t prefetched = 0;
  bool first = true;
  for (const auto& st : pre.steps) {
    if (st.kind != StepKind::LoadWeights) continue;
    CHECK(st.prefetched == first);
    if (first) CHECK(st.slot == 1);
    prefetched += st.prefetched;
    first = false;
  }
  CHECK(prefetched == 1);
  CHECK(model.predict(pre).cycles < model.predict(plain).cycles);
  CHECK(describe(t).find("prefetch") != std::string::npos);
}

TEST_CASE("depthwise on the array: each tile reads its own channels, its weights stored as compact taps") {
  const SocConfig soc = load_soc_config(test::config_path("default"));
  const CostModel model(soc);
  ConvShape s = conv3x3(12, 12, 48, 48);
  s.depthwise = true;
  CHECK(s.macs() == 12ull * 12 * 9 * 48);
  CHECK(s.weight_bytes() == 9ull * 48);
  // One product per array row per cycle at best.
  CHECK(model.roofline_cycles(s) >= double(s.macs()) / soc.npu.rows);
  const auto ranked = rank_tilings(s, soc, model);
  REQUIRE_FALSE(ranked.empty());
  for (const auto& r : ranked) {
    const Tiling& t = r.tiling;
    CHECK(t.tile_in_c == std::min(t.tile_out_c, s.out_c));
    const uint64_t n = std::min(t.tile_out_c, s.out_c);
    // 9 taps of n channels (not 9n x n), padded to 4 bytes for the records.
    CHECK(footprint(s, t).weight == ((9 * n + 3) & ~uint64_t(3)) + kPpuParamBytes * n);
    std::map<std::tuple<uint32_t, uint32_t, uint32_t>, int> stored;
    for (const auto& st : build_schedule(s, t).steps) {
      if (st.kind == StepKind::Compute || st.kind == StepKind::LoadWeights) {
        CHECK(st.c0 == st.n0);
        CHECK(st.c == st.n);
      }
      if (st.kind == StepKind::Store)
        for (uint32_t y = st.oy0; y < st.oy0 + st.rows; ++y)
          for (uint32_t x = st.ox0; x < st.ox0 + st.cols; ++x)
            for (uint32_t c = st.n0; c < st.n0 + st.n; ++c) ++stored[{y, x, c}];
    }
    CHECK(stored.size() == size_t(12) * 12 * 48);
    for (const auto& [at, count] : stored) CHECK(count == 1);
  }
}

TEST_CASE("resident weights: a place per chunk, banks in turn, loaded once and without waiting for a slot") {
  const SocConfig soc = load_soc_config(test::config_path("default"));
  const CostModel model(soc);
  const ConvShape s = conv3x3(8, 8, 64, 64);  // 4 channel tiles x 4 K steps of 16
  Tiling t = rank_tilings(s, soc, model).front().tiling;
  t.tile_out_c = 16, t.tile_in_c = 16, t.tile_rows = 4, t.order = LoopOrder::InputsOuter;
  const LayerSchedule rotating = build_schedule(s, t);
  t.weights_resident = true;
  REQUIRE(fits(s, t, soc));
  const LayerSchedule resident = build_schedule(s, t);
  size_t loads = 0;
  for (const auto& st : resident.steps)
    if (st.kind == StepKind::LoadWeights) {
      CHECK(st.deps.empty());  // no slot to wait for
      ++loads;
    }
  CHECK(loads == 16);  // each chunk once, though inputs-outer revisits them per band
  CHECK(resident.weight_bytes_moved * 2 == rotating.weight_bytes_moved);
  REQUIRE(resident.resident_weight_sizes.size() == 16);
  const uint64_t bank = weight_bank_bytes(soc);
  CHECK(bank == soc.npu.weight.size_bytes / 2);
  for (bool high : {false, true}) {
    std::vector<std::pair<uint64_t, uint64_t>> placed;
    for (uint32_t slot = 0; slot < 16; ++slot) {
      const uint64_t at = weight_slot_offset(resident, soc, slot, high);
      const uint64_t size = resident.resident_weight_sizes[slot];
      CHECK(at % 16 == 0);
      CHECK(at / bank == slot % 2);  // chunks alternate banks
      CHECK((at + size - 1) / bank == slot % 2);
      for (const auto& [lo, n] : placed) CHECK((at + size <= lo || lo + n <= at));
      placed.emplace_back(at, size);
    }
    // Low placement packs from each bank's start, high from its end.
    CHECK(weight_slot_offset(resident, soc, 0, high) ==
          (high ? bank - resident.resident_weight_sizes[0] : 0));
  }
  // Prefetch: the first prefetch_chunks chunks are loaded during the layer before.
  t.prefetch_weights = true, t.prefetch_chunks = 3;
  size_t prefetched = 0, index = 0;
  for (const auto& st : build_schedule(s, t).steps) {
    if (st.kind != StepKind::LoadWeights) continue;
    prefetched += st.prefetched;
    CHECK(st.prefetched == (index++ < 3));
  }
  CHECK(prefetched == 3);
  CHECK(describe(t).find("w:spm prefetch:3") != std::string::npos);
  // A layer whose chunks overflow a bank does not fit resident.
  const ConvShape big = conv3x3(4, 4, 128, 128);  // 147 KiB of weights
  Tiling b = t;
  b.prefetch_weights = false;
  std::string why;
  CHECK_FALSE(fits(big, b, soc, &why));
  CHECK(why.find("resident weights (one bank's share) tile needs") != std::string::npos);
}

TEST_CASE("the tiler ranks every dataflow the array runs, the SoC's default first among equals") {
  const SocConfig soc = load_soc_config(test::config_path("default"));
  const CostModel model(soc);
  std::set<Dataflow> seen;
  for (const auto& r : rank_tilings(conv3x3(6, 6, 128, 128), soc, model)) seen.insert(r.tiling.dataflow);
  CHECK(seen.size() == 3);
  // A 3x3-pixel layer: weight-stationary folds pay their fill for 9 rows of A
  // each, output-stationary folds hold the whole 9 x 16 output: the tiler takes it.
  ConvShape small = conv3x3(3, 3, 16, 16);
  small.depthwise = true;
  const auto best = rank_tilings(small, soc, model).front().tiling;
  CHECK(best.dataflow == Dataflow::OutputStationary);
}

TEST_CASE("depthwise tilings include channel tiles narrower than the array, moving the same weight bytes") {
  const SocConfig soc = load_soc_config(test::config_path("default"));
  const CostModel model(soc);
  ConvShape s = conv3x3(12, 12, 64, 64);
  s.depthwise = true;
  std::set<uint32_t> sizes;
  for (const auto& r : rank_tilings(s, soc, model)) sizes.insert(r.tiling.tile_out_c);
  for (uint32_t n : {2u, 4u, 8u, 16u, 64u}) CHECK(sizes.count(n) == 1);
  ConvShape plain = conv3x3(12, 12, 64, 64);
  std::set<uint32_t> plain_sizes;
  for (const auto& r : rank_tilings(plain, soc, model)) plain_sizes.insert(r.tiling.tile_out_c);
  CHECK(*plain_sizes.begin() == soc.npu.cols);  // a dense layer keeps array-wide channel tiles
  Tiling t = rank_tilings(s, soc, model).front().tiling;
  t.tile_out_c = t.tile_in_c = 8;
  const LayerSchedule narrow = build_schedule(s, t);
  t.tile_out_c = t.tile_in_c = 16;
  const LayerSchedule wide = build_schedule(s, t);
  // Compact taps: the weights moved are the layer's own, whatever the width.
  CHECK(wide.weight_bytes_moved == narrow.weight_bytes_moved);
  CHECK(narrow.weight_bytes_moved % (64 * (9 + kPpuParamBytes)) == 0);
  // Whole pixels either way: the input moves once per band, not once per channel tile.
  CHECK(narrow.input_bytes_moved == wide.input_bytes_moved);
}
