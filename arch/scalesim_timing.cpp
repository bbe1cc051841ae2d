#include "arch/scalesim_timing.h"

namespace kiln {
namespace {

uint64_t ceil_div(uint64_t a, uint64_t b) { return (a + b - 1) / b; }

// The spatial dimensions (on rows, on columns) and the temporal one.
struct Mapping {
  uint64_t on_rows, on_cols, streamed;
};

Mapping mapping_of(Dataflow dataflow, uint64_t m, uint64_t n, uint64_t k) {
  switch (dataflow) {
    case Dataflow::WeightStationary: return {k, n, m};
    case Dataflow::OutputStationary: return {m, n, k};
    case Dataflow::InputStationary: return {k, m, n};
  }
  return {k, n, m};
}

}  // namespace

uint64_t scalesim_folds(Dataflow dataflow, unsigned rows, unsigned cols, uint64_t m, uint64_t n, uint64_t k) {
  if (rows == 0 || cols == 0) return 0;
  const Mapping map = mapping_of(dataflow, m, n, k);
  return ceil_div(map.on_rows, rows) * ceil_div(map.on_cols, cols);
}

uint64_t scalesim_compute_cycles(Dataflow dataflow, unsigned rows, unsigned cols, uint64_t m, uint64_t n, uint64_t k) {
  if (m == 0 || n == 0 || k == 0 || rows == 0 || cols == 0) return 0;
  const Mapping map = mapping_of(dataflow, m, n, k);
  // Weight- and input-stationary first push the stationary operand in (R
  // cycles); output-stationary has nothing to preload.
  const uint64_t preload = dataflow == Dataflow::OutputStationary ? 0 : rows;
  const uint64_t fold = preload + rows + cols + map.streamed - 2;
  return scalesim_folds(dataflow, rows, cols, m, n, k) * fold - 1;
}

}  // namespace kiln
