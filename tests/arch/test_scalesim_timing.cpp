// SCALE-Sim v2's compute cycles as a closed form (arch/scalesim_timing.h),
// against values worked out by hand from its fold counts; the three layers of
// the first cases were also run through SCALE-Sim v2 itself (16x16 array,
// CALC bandwidth, no stalls), whose COMPUTE_REPORT gave exactly these totals.
#include <catch2/catch.hpp>

#include "arch/scalesim_timing.h"

using namespace kiln;

namespace {
constexpr Dataflow WS = Dataflow::WeightStationary, OS = Dataflow::OutputStationary, IS = Dataflow::InputStationary;
}

TEST_CASE("weight-stationary: folds over K x N, each 2R + C + M - 2", "[scalesim_timing]") {
  // M = 64 (8x8 outputs), N = 20, K = 36: K folds 3, N folds 2 -> 6 x (32 + 16 + 64 - 2) - 1.
  CHECK(scalesim_folds(WS, 16, 16, 64, 20, 36) == 6);
  CHECK(scalesim_compute_cycles(WS, 16, 16, 64, 20, 36) == 6 * 110 - 1);  // 659
  // M = 20, N = 32, K = 64: 4 x 2 folds of 32 + 16 + 20 - 2 = 66.
  CHECK(scalesim_compute_cycles(WS, 16, 16, 20, 32, 64) == 527);
  // M = 25, N = 8, K = 40: 3 x 1 folds of 71.
  CHECK(scalesim_compute_cycles(WS, 16, 16, 25, 8, 40) == 212);
}

TEST_CASE("output-stationary: folds over M x N, each R + C + K - 2", "[scalesim_timing]") {
  CHECK(scalesim_folds(OS, 16, 16, 64, 20, 36) == 8);
  CHECK(scalesim_compute_cycles(OS, 16, 16, 64, 20, 36) == 8 * 66 - 1);  // 527
  CHECK(scalesim_compute_cycles(OS, 16, 16, 20, 32, 64) == 4 * 94 - 1);  // 375
  CHECK(scalesim_compute_cycles(OS, 16, 16, 25, 8, 40) == 2 * 70 - 1);   // 139
}

TEST_CASE("input-stationary: folds over K x M, each 2R + C + N - 2", "[scalesim_timing]") {
  CHECK(scalesim_folds(IS, 16, 16, 64, 20, 36) == 12);
  CHECK(scalesim_compute_cycles(IS, 16, 16, 64, 20, 36) == 12 * 66 - 1);  // 791
  CHECK(scalesim_compute_cycles(IS, 16, 16, 20, 32, 64) == 8 * 78 - 1);   // 623
  CHECK(scalesim_compute_cycles(IS, 16, 16, 25, 8, 40) == 6 * 54 - 1);    // 323
}

TEST_CASE("a rectangular array pads every fold to its full rows and columns", "[scalesim_timing]") {
  // 12 x 14 (Eyeriss), ws, M = 100, N = 24, K = 72: K folds 6, N folds 2, fold 24 + 14 + 100 - 2 = 136.
  CHECK(scalesim_compute_cycles(WS, 12, 14, 100, 24, 72) == 12 * 136 - 1);
  // One fold when the layer fits: 8 x 8 os, M = 8, N = 8, K = 5: 8 + 8 + 5 - 2 = 19, minus 1.
  CHECK(scalesim_compute_cycles(OS, 8, 8, 8, 8, 5) == 18);
}

TEST_CASE("an empty GEMM takes no cycles", "[scalesim_timing]") {
  CHECK(scalesim_compute_cycles(WS, 16, 16, 0, 8, 8) == 0);
  CHECK(scalesim_compute_cycles(OS, 16, 16, 8, 0, 8) == 0);
}
