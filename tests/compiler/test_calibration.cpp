// Cost-model calibration and DMA channel assignment: the fit recovers
// corrections hidden in synthetic measurements, never ends worse than where it
// started, and the model holds a channel for one transfer at a time.
#include <catch2/catch.hpp>

#include "arch/soc_config_yaml.h"
#include "compiler/mapping/calibration.h"
#include "compiler/mapping/cost_model.h"
#include "compiler/mapping/schedule.h"
#include "compiler/mapping/tiler.h"
#include "tests/support/test_paths.h"

using namespace kiln;
using namespace kiln::mapping;

namespace {

ConvShape conv3x3(uint32_t h, uint32_t w, uint32_t c, uint32_t n) {
  ConvShape s;
  s.in_h = h, s.in_w = w, s.in_c = c;
  s.kh = s.kw = 3;
  s.pad_top = s.pad_left = 1;
  s.out_h = h, s.out_w = w, s.out_c = n;
  return s;
}

// Schedules of several layers and tilings: the kind of set kiln tune measures.
std::vector<LayerSchedule> schedules(const SocConfig& soc) {
  std::vector<LayerSchedule> out;
  const CostModel model(soc);
  for (const ConvShape& s : {conv3x3(32, 32, 16, 16), conv3x3(16, 16, 32, 64), conv3x3(8, 8, 64, 64)}) {
    const auto ranked = rank_tilings(s, soc, model);
    for (size_t i = 0; i < ranked.size() && i < 6; ++i) out.push_back(build_schedule(s, ranked[i].tiling));
  }
  return out;
}

}  // namespace

TEST_CASE("calibration: the fit finds corrections hidden in the measurements") {
  const SocConfig soc = load_soc_config(test::config_path("default"));
  Calibration hidden;
  hidden.load_input = 1.6, hidden.store = 1.3, hidden.command_overhead = 12;
  const CostModel truth(soc, hidden);
  std::vector<MeasuredLayer> measured;
  for (auto& s : schedules(soc)) measured.push_back({s, truth.predict(s).cycles});
  REQUIRE(measured.size() >= 12);

  const double before = mean_absolute_error(CostModel(soc), measured);
  const Calibration fit = fit_calibration(soc, measured);
  const double after = mean_absolute_error(CostModel(soc, fit), measured);
  CHECK(before > 100);            // the analytic model is off by the hidden corrections
  CHECK(after < before * 0.05);   // and the fit removes nearly all of it
  CHECK(fit.load_input > 1.2);
  CHECK(fit.command_overhead > 4);
  // Starting from a poor guess is no worse than starting from the identity.
  Calibration poor;
  poor.compute = 3;
  CHECK(mean_absolute_error(CostModel(soc, fit_calibration(soc, measured, poor)), measured) <= after + 1e-6);
  // Nothing measured: the identity.
  CHECK(fit_calibration(soc, {}) == Calibration{});
}

TEST_CASE("cost model: play_schedule with the model's own step times is its prediction") {
  const SocConfig soc = load_soc_config(test::config_path("default"));
  const CostModel model(soc);
  for (const auto& s : schedules(soc)) {
    std::vector<double> d;
    for (const auto& st : s.steps) d.push_back(model.step_cycles(s, st));
    double busy[3];
    CHECK(play_schedule(s, d, soc.dma.channels, busy) == Approx(model.predict(s).cycles));
  }
}

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
  Tiling both = consumer;
  both.output_resident = true;
  CHECK_FALSE(fits(s, both, soc, &why));
  CHECK(why.find("pairs") != std::string::npos);
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
