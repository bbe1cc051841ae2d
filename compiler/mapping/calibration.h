// Calibration: fits the cost model's per-step-kind corrections to layer times
// measured by simulation, so that the analytic model's ranking of tilings
// learns what it does not model (bus contention between the DMA channels,
// scratchpad bank conflicts, token and fetch latency). kiln tune feeds it the
// candidates it has simulated; its error before and after is what it prints.
#pragma once

#include <vector>

#include "compiler/mapping/cost_model.h"
#include "compiler/mapping/schedule.h"

namespace kiln::mapping {

// One measured candidate: a layer's schedule and the NPU cycles it took.
struct MeasuredLayer {
  LayerSchedule schedule;
  double cycles = 0;
};

// Mean absolute error (NPU cycles) of the model's predictions against the measurements.
double mean_absolute_error(const CostModel& model, const std::vector<MeasuredLayer>& measured);

// The calibration that minimizes the mean absolute error on `measured`, found
// by a deterministic coordinate search (each factor scaled up and down in
// shrinking steps while the error falls) from the identity and from `start`
// (the previous fit, when measurements arrive in rounds); the better of the
// two. Never worse than either start on the samples it was given; the
// identity when there are none.
Calibration fit_calibration(const SocConfig& soc, const std::vector<MeasuredLayer>& measured,
                            const Calibration& start = {});

}  // namespace kiln::mapping
