// Cost-model calibration: the fit recovers corrections hidden in synthetic
// measurements and never ends worse than where it started; the queue replay
// it uses is the model's own prediction.
#include <catch2/catch.hpp>

#include <map>
#include <set>
#include <tuple>

#include "arch/soc_config_yaml.h"
#include "compiler/mapping/calibration.h"
#include "compiler/mapping/cost_model.h"
#include "compiler/mapping/schedule.h"
#include "compiler/mapping/tiler.h"
#include "tests/support/conv_shapes.h"
#include "tests/support/test_paths.h"

using namespace kiln;
using namespace kiln::mapping;
using kiln::test::conv3x3;

namespace {

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
    CHECK(play_schedule(s, d, s.tiling.channels, soc.dma.channels, busy) == Approx(model.predict(s).cycles));
  }
}
