#include "compiler/mapping/calibration.h"

#include <array>
#include <cmath>

namespace kiln::mapping {
namespace {

// A measured schedule reduced to what a calibration changes: each step's
// uncalibrated cycles without the per-command cost, and how many command
// costs it pays. Replaying it is then exact (as CostModel::step_cycles) and
// cheap enough for the thousands of trials of a fit.
struct Sample {
  const MeasuredLayer* measured = nullptr;
  std::vector<StepKind> kinds;
  std::vector<double> raw, commands;
};

Sample reduce(const SocConfig& soc, const MeasuredLayer& m) {
  Calibration none;
  none.command_overhead = 0;
  Calibration one;
  one.command_overhead = 1;
  const CostModel bare(soc, none), unit(soc, one);
  Sample s;
  s.measured = &m;
  for (const auto& st : m.schedule.steps) {
    s.kinds.push_back(st.kind);
    const double raw = bare.step_cycles(m.schedule, st);
    s.raw.push_back(raw);
    s.commands.push_back(unit.step_cycles(m.schedule, st) - raw);
  }
  return s;
}

double scale_of(const Calibration& c, StepKind k) {
  switch (k) {
    case StepKind::LoadInput: return c.load_input;
    case StepKind::LoadWeights: return c.load_weights;
    case StepKind::Compute: return c.compute;
    case StepKind::PostProcess: return c.post_process;
    case StepKind::Store: return c.store;
  }
  return 1;
}

double sample_error(const SocConfig& soc, const Calibration& c, const std::vector<Sample>& samples) {
  double sum = 0;
  std::vector<double> durations;
  for (const auto& s : samples) {
    durations.resize(s.raw.size());
    for (size_t i = 0; i < s.raw.size(); ++i)
      durations[i] = (s.raw[i] + s.commands[i] * c.command_overhead) * scale_of(c, s.kinds[i]);
    double busy[3];
    const LayerSchedule& sched = s.measured->schedule;
    sum += std::fabs(play_schedule(sched, durations, sched.tiling.channels, soc.dma.channels, busy) -
                     s.measured->cycles);
  }
  return samples.empty() ? 0 : sum / double(samples.size());
}

}  // namespace

double mean_absolute_error(const CostModel& model, const std::vector<MeasuredLayer>& measured) {
  if (measured.empty()) return 0;
  double sum = 0;
  for (const auto& m : measured) sum += std::fabs(model.predict(m.schedule).cycles - m.cycles);
  return sum / double(measured.size());
}

namespace {

Calibration search(const SocConfig& soc, const std::vector<Sample>& samples, Calibration best) {
  double best_error = sample_error(soc, best, samples);
  const std::array<double Calibration::*, 6> factors = {&Calibration::load_input,   &Calibration::load_weights,
                                                         &Calibration::compute,      &Calibration::post_process,
                                                         &Calibration::store,        &Calibration::command_overhead};
  // Multiplicative steps keep every factor positive; an error made of max()es
  // of sums is piecewise linear, so a pattern search suits it better than
  // gradients.
  for (double step : {0.5, 0.2, 0.1, 0.05, 0.02, 0.01}) {
    for (int round = 0; round < 20; ++round) {
      bool improved = false;
      for (auto f : factors)
        for (double dir : {1 + step, 1 / (1 + step)}) {
          Calibration c = best;
          c.*f *= dir;
          const double e = sample_error(soc, c, samples);
          if (e < best_error - 1e-9) best = c, best_error = e, improved = true;
        }
      if (!improved) break;
    }
  }
  return best;
}

}  // namespace

Calibration fit_calibration(const SocConfig& soc, const std::vector<MeasuredLayer>& measured,
                            const Calibration& start) {
  if (measured.empty()) return {};
  std::vector<Sample> samples;
  for (const auto& m : measured) samples.push_back(reduce(soc, m));
  const Calibration a = search(soc, samples, Calibration{});
  if (start == Calibration{}) return a;
  const Calibration b = search(soc, samples, start);
  return sample_error(soc, b, samples) < sample_error(soc, a, samples) ? b : a;
}

}  // namespace kiln::mapping
