#include "compiler/mapping/calibration.h"

#include <array>
#include <cmath>

namespace kiln::mapping {

double mean_absolute_error(const CostModel& model, const std::vector<MeasuredLayer>& measured) {
  if (measured.empty()) return 0;
  double sum = 0;
  for (const auto& m : measured) sum += std::fabs(model.predict(m.schedule).cycles - m.cycles);
  return sum / double(measured.size());
}

Calibration fit_calibration(const SocConfig& soc, const std::vector<MeasuredLayer>& measured) {
  Calibration best;
  if (measured.empty()) return best;
  const auto error_of = [&](const Calibration& c) { return mean_absolute_error(CostModel(soc, c), measured); };
  double best_error = error_of(best);
  const std::array<double Calibration::*, 6> factors = {&Calibration::load_input,   &Calibration::load_weights,
                                                         &Calibration::compute,      &Calibration::post_process,
                                                         &Calibration::store,        &Calibration::command_overhead};
  // Multiplicative steps keep every factor positive; an error landscape made
  // of max() of sums is piecewise linear, so a pattern search suits it better
  // than gradients.
  for (double step : {0.5, 0.2, 0.1, 0.05, 0.02, 0.01}) {
    for (int round = 0; round < 20; ++round) {
      bool improved = false;
      for (auto f : factors)
        for (double dir : {1 + step, 1 / (1 + step)}) {
          Calibration c = best;
          c.*f *= dir;
          const double e = error_of(c);
          if (e < best_error - 1e-9) best = c, best_error = e, improved = true;
        }
      if (!improved) break;
    }
  }
  return best;
}

}  // namespace kiln::mapping
