#include "arch/array_timing.h"

namespace kiln {
namespace {

// Sum over folds of one dimension pair: `outer` split in chunks of `rows`,
// `inner` split in chunks of `cols`; fold cost given by f(chunk_r, chunk_c).
template <typename F>
uint64_t sum_folds(uint64_t along_rows, unsigned rows, uint64_t along_cols, unsigned cols, F fold_cost) {
  uint64_t total = 0;
  for (uint64_t r0 = 0; r0 < along_rows; r0 += rows) {
    const uint64_t r = (along_rows - r0 < rows) ? along_rows - r0 : rows;
    for (uint64_t c0 = 0; c0 < along_cols; c0 += cols) {
      const uint64_t c = (along_cols - c0 < cols) ? along_cols - c0 : cols;
      total += fold_cost(r, c);
    }
  }
  return total;
}

}  // namespace

uint64_t array_tile_cycles(Dataflow dataflow, unsigned rows, unsigned cols, uint64_t m, uint64_t n, uint64_t k) {
  if (m == 0 || n == 0 || k == 0 || rows == 0 || cols == 0) return kArrayCommandOverhead;
  uint64_t folds = 0;
  switch (dataflow) {
    case Dataflow::WeightStationary:
      folds = sum_folds(k, rows, n, cols, [&](uint64_t kf, uint64_t nf) { return kf + m + kf + nf - 1; });
      break;
    case Dataflow::OutputStationary:
      folds = sum_folds(m, rows, n, cols, [&](uint64_t mf, uint64_t nf) { return k + mf + nf - 2 + mf; });
      break;
    case Dataflow::InputStationary:
      folds = sum_folds(k, rows, m, cols, [&](uint64_t kf, uint64_t mf) { return kf + n + kf + mf - 1; });
      break;
  }
  return kArrayCommandOverhead + folds;
}

double array_tile_utilization(Dataflow dataflow, unsigned rows, unsigned cols, uint64_t m, uint64_t n, uint64_t k) {
  const uint64_t cycles = array_tile_cycles(dataflow, rows, cols, m, n, k);
  const double offered = double(cycles) * rows * cols;
  return offered > 0 ? double(m) * n * k / offered : 0.0;
}

}  // namespace kiln
