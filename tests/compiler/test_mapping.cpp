// Mapping: tilings that fit, schedules that cover every output exactly once
// with dependencies that respect buffer reuse, the cost model's arithmetic.
#include <catch2/catch.hpp>

#include <cmath>
#include <map>
#include <set>
#include <stdexcept>
#include <tuple>

#include "arch/array_timing.h"
#include "arch/error.h"
#include "arch/soc_config_yaml.h"
#include "compiler/mapping/cost_model.h"
#include "compiler/mapping/schedule.h"
#include "compiler/mapping/tiler.h"
#include "compiler/mapping/transfers.h"
#include "tests/support/conv_shapes.h"
#include "tests/support/test_paths.h"

using namespace kiln;
using namespace kiln::mapping;
using kiln::test::conv3x3;

namespace {

// Every output element is post-processed and stored exactly once, after all of
// its K steps; every Compute's operands were loaded by the steps it depends on.
void check_schedule(const LayerSchedule& sched) {
  const ConvShape& s = sched.shape;
  std::map<std::tuple<uint32_t, uint32_t, uint32_t>, int> stored;
  std::map<std::tuple<uint32_t, uint32_t, uint32_t>, uint32_t> k_covered;  // (oy, ox, n) -> channels summed
  for (size_t i = 0; i < sched.steps.size(); ++i) {
    const Step& st = sched.steps[i];
    for (uint32_t d : st.deps) REQUIRE(d < i);
    if (st.kind == StepKind::Compute) {
      // Its input and weight loads are among its dependencies (or earlier in the same slot).
      bool has_input = false, has_weights = false;
      for (uint32_t d : st.deps) {
        has_input |= sched.steps[d].kind == StepKind::LoadInput && sched.steps[d].slot == st.input_slot;
        has_weights |= sched.steps[d].kind == StepKind::LoadWeights && sched.steps[d].slot == st.weight_slot;
      }
      CHECK(has_input);
      CHECK(has_weights);
      for (uint32_t y = 0; y < st.rows; ++y)
        for (uint32_t x = 0; x < st.cols; ++x)
          for (uint32_t n = 0; n < st.n; ++n) k_covered[{st.oy0 + y, st.ox0 + x, st.n0 + n}] += st.c;
    }
    if (st.kind == StepKind::Store) {
      for (uint32_t y = 0; y < st.rows; ++y)
        for (uint32_t x = 0; x < st.cols; ++x)
          for (uint32_t n = 0; n < st.n; ++n) {
            const auto key = std::make_tuple(st.oy0 + y, st.ox0 + x, st.n0 + n);
            CHECK(k_covered[key] == s.in_c);  // all K steps happened before its store
            ++stored[key];
          }
    }
  }
  REQUIRE(stored.size() == size_t(s.out_h) * s.out_w * s.out_c);
  for (const auto& [key, count] : stored) REQUIRE(count == 1);
}

// A load into a slot must wait for the last reader of the slot's previous tile.
void check_slot_reuse(const LayerSchedule& sched) {
  std::map<std::pair<int, uint32_t>, uint32_t> last_reader;  // (buffer, slot) -> step
  for (size_t i = 0; i < sched.steps.size(); ++i) {
    const Step& st = sched.steps[i];
    const auto requires_dep = [&](int buffer, uint32_t slot) {
      const auto it = last_reader.find({buffer, slot});
      if (it == last_reader.end()) return;
      bool ok = false;
      for (uint32_t d : st.deps) ok |= d >= it->second;
      // Same-queue order also protects the slot.
      ok |= queue_of(sched.steps[it->second].kind) == queue_of(st.kind);
      CHECK(ok);
    };
    if (st.kind == StepKind::LoadInput) requires_dep(0, st.slot);
    if (st.kind == StepKind::LoadWeights) requires_dep(1, st.slot);
    if (st.kind == StepKind::PostProcess) requires_dep(2, st.slot);
    if (st.kind == StepKind::Compute) {
      last_reader[{0, st.input_slot}] = uint32_t(i);
      last_reader[{1, st.weight_slot}] = uint32_t(i);
    }
    if (st.kind == StepKind::PostProcess) last_reader[{1, st.weight_slot}] = uint32_t(i);
    if (st.kind == StepKind::Store) last_reader[{2, st.slot}] = uint32_t(i);
  }
}

}  // namespace

TEST_CASE("footprint counts halo rows, weights with their records, int32 accumulators") {
  const ConvShape s = conv3x3(32, 32, 16, 32);
  Tiling t;
  t.tile_rows = 4, t.tile_cols = 32, t.tile_out_c = 16, t.tile_in_c = 16;
  const TileFootprint f = footprint(s, t);
  CHECK(f.input == uint64_t(6) * 32 * 16);  // (4-1)*1 + 3 = 6 input rows, clipped width 32
  CHECK(f.weight == uint64_t(9) * 16 * 16 + 12 * 16);
  CHECK(f.accumulator == uint64_t(4) * 32 * 16 * 4);
  CHECK(f.output == uint64_t(4) * 32 * 16);
}

TEST_CASE("fits rejects a tile larger than a slot and says which buffer") {
  const SocConfig soc = load_soc_config(test::config_path("default"));
  const ConvShape s = conv3x3(32, 32, 64, 64);
  Tiling t;
  t.tile_rows = 32, t.tile_cols = 32, t.tile_out_c = 64, t.tile_in_c = 64, t.buffers = 2;
  std::string why;
  CHECK_FALSE(fits(s, t, soc, &why));
  CHECK(why.find("input") != std::string::npos);  // 34*32*64 = 69632 > 32 KiB slot
  t.tile_rows = 4, t.tile_out_c = 16;
  CHECK(fits(s, t, soc, &why));
}

TEST_CASE("schedules cover every output once, for every loop order, buffering and K split") {
  for (const ConvShape& s : {conv3x3(12, 10, 8, 24), conv3x3(9, 9, 20, 16, 2)}) {
    for (LoopOrder order : {LoopOrder::WeightsOuter, LoopOrder::InputsOuter})
      for (uint32_t buffers : {1u, 2u})
        for (uint32_t in_c : {s.in_c, (s.in_c + 1) / 2, 3u})
          for (uint32_t cols : {s.out_w, 4u}) {
            Tiling t;
            t.tile_rows = 3, t.tile_cols = cols, t.tile_out_c = 16, t.tile_in_c = in_c;
            t.buffers = buffers, t.order = order;
            const LayerSchedule sched = build_schedule(s, t);
            check_schedule(sched);
            check_slot_reuse(sched);
          }
  }
}

TEST_CASE("input transfers gather exactly the clipped receptive field") {
  const ConvShape s = conv3x3(10, 12, 6, 8);
  Tiling t;
  t.tile_rows = 4, t.tile_cols = 5, t.tile_out_c = 8, t.tile_in_c = 4;
  const LayerSchedule sched = build_schedule(s, t);
  for (const Step& st : sched.steps) {
    if (st.kind != StepKind::LoadInput) continue;
    // Replay the transfers into a byte map: (y, x, c) of the tensor -> slot offset.
    std::set<uint64_t> mem_bytes, spm_bytes;
    for (const Transfer& tr : input_transfers(s, st))
      for (uint32_t r = 0; r < tr.rows; ++r)
        for (uint32_t b = 0; b < tr.row_bytes; ++b) {
          mem_bytes.insert(tr.mem_offset + uint64_t(r) * tr.mem_stride + b);
          spm_bytes.insert(tr.spm_offset + uint64_t(r) * tr.spm_stride + b);
        }
    std::set<uint64_t> expect;
    for (uint32_t y = st.iy0; y < st.iy0 + st.ih; ++y)
      for (uint32_t x = st.ix0; x < st.ix0 + st.iw; ++x)
        for (uint32_t c = st.c0; c < st.c0 + st.c; ++c) expect.insert((uint64_t(y) * s.in_w + x) * s.in_c + c);
    CHECK(mem_bytes == expect);
    CHECK(spm_bytes.size() == expect.size());
    CHECK(*spm_bytes.rbegin() == expect.size() - 1);  // dense in the slot
  }
}

TEST_CASE("DMA cost follows bursts, bus latency and flash wait states of the config") {
  const SocConfig soc = load_soc_config(test::config_path("default"));
  const CostModel model(soc);
  const MemoryConfig& flash = *soc.first_of_kind(MemoryKind::Flash);
  const MemoryConfig& sram = *soc.first_of_kind(MemoryKind::Sram);
  // 256 bytes: bursts of max_burst_beats * width = 16 * 8 = 128 bytes -> 2 bursts.
  const Transfer t{0, 0, 1, 256, 0, 0};
  const double burst_beats = 128.0 / soc.bus.width_bytes;
  const double sram_cycles = 2 * (soc.bus.latency_cycles + burst_beats);
  CHECK(model.transfer_cycles(sram, t) == Approx(sram_cycles));
  // Flash: a 16-byte word takes its 2 beats plus 3 wait states (sim/flash.cpp);
  // a 128-byte burst is 16 beats + 8 words * 3 = 40 cycles, plus the latency of 2.
  REQUIRE(flash.read_width_bytes == 16);
  REQUIRE(flash.wait_states == 3);
  CHECK(model.transfer_cycles(flash, t) == Approx(2 * (2 + 16 + 8 * 3)));
  CHECK(model.transfer_cycles(flash, t) > model.transfer_cycles(sram, t));
}

TEST_CASE("roofline is the larger of compute and traffic time") {
  const SocConfig soc = load_soc_config(test::config_path("default"));
  const CostModel model(soc);
  const ConvShape s = conv3x3(32, 32, 16, 16);
  const double compute = double(s.macs()) / (soc.npu.rows * soc.npu.cols);
  CHECK(model.roofline_cycles(s) >= compute);
  ConvShape fc;  // 1x1 over one pixel: weight traffic dominates
  fc.in_c = 640, fc.out_c = 128;
  // The flash's peak: 16-byte words, each 2 beats + 3 wait states = 3.2 bytes per cycle.
  CHECK(soc.first_of_kind(MemoryKind::Flash)->flash_bytes_per_bus_cycle(soc.bus.width_bytes) == Approx(3.2));
  CHECK(model.roofline_cycles(fc) == Approx(640.0 * 128 / 3.2));
}

TEST_CASE("a chunk's post-processing records start 4-byte aligned after its weights") {
  const ConvShape s = conv3x3(10, 10, 5, 7);  // 3x3x5 taps of 7 channels: 315 bytes of weights
  CHECK(s.chunk_weight_bytes(5, 7) == 315);
  CHECK(chunk_params_offset(s, 5, 7) == 316);
  CHECK(chunk_bytes(s, 5, 7) == 316 + 7 * kPpuParamBytes);
  const ConvShape aligned = conv3x3(10, 10, 4, 8);  // 288 bytes: no padding
  CHECK(chunk_params_offset(aligned, 4, 8) == 288);
}

TEST_CASE("fits refuses a tiling with more tiles than any stream memory can hold") {
  const SocConfig soc = load_soc_config(test::config_path("default"));  // 1 MiB flash, no DRAM
  const ConvShape s = conv3x3(32, 32, 64, 64);
  Tiling t;
  t.tile_rows = 1, t.tile_cols = 1, t.tile_out_c = 1, t.tile_in_c = 1, t.buffers = 2;
  CHECK(tile_count(s, t) == uint64_t(32) * 32 * 64 * 64);
  std::string why;
  CHECK_FALSE(fits(s, t, soc, &why));
  CHECK(why.find("4194304 tiles") != std::string::npos);
  CHECK(why.find("1048576 bytes") != std::string::npos);
  // 32768 tiles of at least 32 bytes is exactly the flash: still possible.
  t.tile_in_c = 8, t.tile_out_c = 8, t.tile_cols = 2;  // 32 * 16 * 8 * 8
  CHECK(tile_count(s, t) == 32768);
  why.clear();
  fits(s, t, soc, &why);
  CHECK(why.find("tiles") == std::string::npos);
  t.tile_cols = 1;
  CHECK_FALSE(fits(s, t, soc, &why));
}

TEST_CASE("the tiler picks a fitting tiling and double buffering beats single on a streaming layer") {
  const SocConfig soc = load_soc_config(test::config_path("default"));
  const CostModel model(soc);
  const ConvShape s = conv3x3(32, 32, 32, 32);
  const auto ranked = rank_tilings(s, soc, model);
  REQUIRE_FALSE(ranked.empty());
  CHECK(fits(s, ranked.front().tiling, soc));
  for (size_t i = 1; i < ranked.size(); ++i) CHECK(ranked[i - 1].prediction.cycles <= ranked[i].prediction.cycles);
  // The same tiling single-buffered cannot be faster than double-buffered.
  Tiling dbl = ranked.front().tiling;
  dbl.buffers = 2;
  Tiling sgl = dbl;
  sgl.buffers = 1;
  if (fits(s, dbl, soc) && fits(s, sgl, soc))
    CHECK(model.predict(build_schedule(s, dbl)).cycles <= model.predict(build_schedule(s, sgl)).cycles);
  // Prediction is at least the array time of all its tiles.
  CHECK(ranked.front().prediction.cycles >= ranked.front().prediction.roofline * 0.999);
}

TEST_CASE("a layer that no tiling fits gets an error naming the layer and the buffer") {
  SocConfig soc = load_soc_config(test::config_path("default"));
  soc.npu.accumulator_bytes = 32;  // less than one pixel of 16 int32 accumulators
  const CostModel model(soc);
  try {
    choose_tiling(conv3x3(8, 8, 8, 32), soc, model, "conv 'x'");
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(std::string(e.what()).find("conv 'x'") != std::string::npos);
    CHECK(std::string(e.what()).find("accumulator") != std::string::npos);
  }
}

TEST_CASE("mapping: a step's dependencies are held in place, in order, up to their capacity", "[mapping]") {
  mapping::StepDeps deps;
  CHECK(deps.empty());
  for (uint32_t d = 0; d < mapping::StepDeps::kCapacity; ++d) deps.push_back(10 + d);
  CHECK(std::vector<uint32_t>(deps.begin(), deps.end()) == std::vector<uint32_t>{10, 11, 12, 13});
  CHECK_THROWS_AS(deps.push_back(99), std::logic_error);
  deps.clear();
  CHECK(deps.size() == 0);
}

TEST_CASE("best_tiling is the first of rank_tilings, and the compute queue bound is the schedule's compute busy time") {
  ConvShape dw = conv3x3(24, 20, 40, 40);
  dw.depthwise = true;
  ConvShape pointwise;  // 1x1 with a K split's remainder
  pointwise.in_h = pointwise.in_w = pointwise.out_h = pointwise.out_w = 9;
  pointwise.in_c = 700, pointwise.out_c = 37, pointwise.kh = pointwise.kw = 1;
  pointwise.stride_h = pointwise.stride_w = 1;
  const std::vector<ConvShape> shapes = {conv3x3(32, 32, 3, 16),  conv3x3(32, 32, 16, 16), conv3x3(16, 16, 32, 32, 2),
                                         conv3x3(8, 8, 64, 64),   conv3x3(7, 13, 5, 19),   conv3x3(56, 56, 64, 128),
                                         dw,                      pointwise};
  int compared = 0;
  for (const char* config : {"default", "small", "large"}) {
    const SocConfig soc = load_soc_config(kiln::test::config_path(config));
    for (const Calibration& cal : {Calibration{}, Calibration{1.3, 0.7, 1.1, 0.9, 1.2, 9}}) {
      const CostModel model(soc, cal);
      for (const ConvShape& s : shapes) {
        INFO(config << " " << s.in_h << "x" << s.in_w << "x" << s.in_c << " -> " << s.out_c);
        const auto ranked = rank_tilings(s, soc, model);
        const auto best = best_tiling(s, soc, model);
        REQUIRE(ranked.empty() == !best);
        if (ranked.empty()) continue;
        CHECK(describe(best->tiling) == describe(ranked.front().tiling));
        CHECK(best->tiling.dataflow == ranked.front().tiling.dataflow);
        CHECK(best->prediction.cycles == ranked.front().prediction.cycles);
        for (const auto& r : ranked) {
          const double bound = model.compute_queue_cycles(s, r.tiling);
          CHECK(bound == Approx(r.prediction.compute_busy).epsilon(1e-12));
          CHECK(bound <= r.prediction.cycles * (1 + 1e-12));
        }
        ++compared;
      }
    }
  }
  CHECK(compared >= 40);
}
