// Closed-form cycle count of one array tile on a rows x cols systolic array,
// per dataflow. This is part of the compiler/simulator contract: the TLM array
// engine charges exactly this, the RTL array core takes exactly this many NPU
// cycles from start to done (tests/rtl checks it), and the compiler's cost
// model uses it. Derivation: docs/array-timing.md.
#pragma once

#include <cstdint>

#include "arch/soc_config.h"

namespace kiln {

// Cycles the handshake costs per command (start accepted -> first fold).
inline constexpr uint64_t kArrayCommandOverhead = 1;

// A GEMM tile C[M][N] (+)= A[M][K] * B[K][N] on a rows x cols array.
//  weight-stationary: folds over K (rows) x N (cols); a fold of k x n with the
//    M rows streamed costs  k (weight load) + M + k + n - 1.
//  output-stationary: folds over M (rows) x N (cols); a fold of m x n costs
//    K + m + n - 2 (skewed streaming) + m (drain one row per cycle).
//  input-stationary: folds over K (rows) x M (cols); a fold of k x m with the
//    N columns of B streamed costs  k (input load) + N + k + m - 1.
uint64_t array_tile_cycles(Dataflow dataflow, unsigned rows, unsigned cols, uint64_t m, uint64_t n, uint64_t k);

// MAC slots actually used / offered, for utilization figures.
double array_tile_utilization(Dataflow dataflow, unsigned rows, unsigned cols, uint64_t m, uint64_t n, uint64_t k);

}  // namespace kiln
