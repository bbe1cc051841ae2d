#include "arch/array_timing.h"

namespace kiln {
namespace {

// Sum over the folds of one dimension pair, `along_rows` split in chunks of
// `rows` and `along_cols` in chunks of `cols`, of a fold cost linear in the
// chunk sizes: a * r + b * c + g. The chunks of a dimension add up to the
// dimension, so the sum is a closed form of the fold counts, not a loop over
// folds (the compiler's cost model asks for thousands of tiles).
uint64_t sum_linear_folds(uint64_t along_rows, unsigned rows, uint64_t along_cols, unsigned cols, uint64_t a,
                          uint64_t b, int64_t g) {
  const uint64_t row_folds = (along_rows + rows - 1) / rows, col_folds = (along_cols + cols - 1) / cols;
  return a * along_rows * col_folds + b * along_cols * row_folds + uint64_t(g * int64_t(row_folds * col_folds));
}

}  // namespace

uint64_t array_tile_cycles(Dataflow dataflow, unsigned rows, unsigned cols, uint64_t m, uint64_t n, uint64_t k) {
  if (m == 0 || n == 0 || k == 0 || rows == 0 || cols == 0) return kArrayCommandOverhead;
  uint64_t folds = 0;
  switch (dataflow) {
    case Dataflow::WeightStationary:
      folds = sum_linear_folds(k, rows, n, cols, 2, 1, int64_t(m) - 1);  // kf + m + kf + nf - 1
      break;
    case Dataflow::OutputStationary:
      folds = sum_linear_folds(m, rows, n, cols, 2, 1, int64_t(k) - 2);  // k + mf + nf - 2 + mf
      break;
    case Dataflow::InputStationary:
      folds = sum_linear_folds(k, rows, m, cols, 2, 1, int64_t(n) - 1);  // kf + n + kf + mf - 1
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
