// SCALE-Sim v2's compute cycles of one layer, as a closed form of its fold
// counts, so that kiln's per-layer table can put them beside kiln's own array
// cycles for the same layer, array and dataflow. SCALE-Sim maps the layer's
// GEMM (M output pixels, K = filter window, N filters) onto the array as
//   weight-stationary: K on rows, N on columns, the M pixels stream in time;
//   output-stationary: M on rows, N on columns, the K window streams;
//   input-stationary:  K on rows, M on columns, the N filters stream;
// every fold is padded to the full R x C array and costs
//   ws, is: 2R + C + T - 2     os: R + C + T - 2     (T: the streamed dimension)
// and the layer costs folds * fold - 1 (its report counts from cycle 0).
// Derivation and where kiln's array differs: docs/scalesim.md.
#pragma once

#include <cstdint>

#include "arch/soc_config.h"

namespace kiln {

// Cycles of a GEMM C[M][N] = A[M][K] * B[K][N] on a rows x cols array as
// SCALE-Sim v2's compute report counts them when memory does not stall it.
uint64_t scalesim_compute_cycles(Dataflow dataflow, unsigned rows, unsigned cols, uint64_t m, uint64_t n, uint64_t k);

// The number of folds in that count: ceil(Sr / rows) * ceil(Sc / cols).
uint64_t scalesim_folds(Dataflow dataflow, unsigned rows, unsigned cols, uint64_t m, uint64_t n, uint64_t k);

}  // namespace kiln
