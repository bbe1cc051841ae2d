// array_tile_cycles's closed form against the fold-by-fold sum that
// arch/array_timing.h states: every fold of the dataflow's two folded
// dimensions, each at its own chunk sizes (the last chunk of a dimension
// being the remainder).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <random>

#include "arch/array_timing.h"

using namespace kiln;

namespace {

uint64_t fold_by_fold(Dataflow d, unsigned rows, unsigned cols, uint64_t m, uint64_t n, uint64_t k) {
  if (m == 0 || n == 0 || k == 0 || rows == 0 || cols == 0) return kArrayCommandOverhead;
  const uint64_t along_rows = d == Dataflow::OutputStationary ? m : k;
  const uint64_t along_cols = d == Dataflow::InputStationary ? m : n;
  uint64_t total = kArrayCommandOverhead;
  for (uint64_t r0 = 0; r0 < along_rows; r0 += rows)
    for (uint64_t c0 = 0; c0 < along_cols; c0 += cols) {
      const uint64_t r = std::min<uint64_t>(rows, along_rows - r0), c = std::min<uint64_t>(cols, along_cols - c0);
      switch (d) {
        case Dataflow::WeightStationary: total += r + m + r + c - 1; break;
        case Dataflow::OutputStationary: total += k + r + c - 2 + r; break;
        case Dataflow::InputStationary: total += r + n + r + c - 1; break;
      }
    }
  return total;
}

}  // namespace

TEST_CASE("array timing: the closed form equals the fold-by-fold sum for every dataflow, remainders included",
          "[array_timing]") {
  std::mt19937_64 rng(11);
  int compared = 0;
  for (Dataflow d : {Dataflow::WeightStationary, Dataflow::OutputStationary, Dataflow::InputStationary})
    for (int i = 0; i < 3000; ++i) {
      const unsigned rows = 1 + unsigned(rng() % 40), cols = 1 + unsigned(rng() % 40);
      const uint64_t m = rng() % 300, n = rng() % 300, k = rng() % 300;  // 0 included: the overhead alone
      INFO("dataflow " << int(d) << ", " << rows << "x" << cols << ", m " << m << " n " << n << " k " << k);
      REQUIRE(array_tile_cycles(d, rows, cols, m, n, k) == fold_by_fold(d, rows, cols, m, n, k));
      ++compared;
    }
  CHECK(compared == 9000);
  // A worked case: weight-stationary, 16x16, M=10, N=20, K=40:
  // K folds 16, 16, 8 and N folds 16, 4 -> six folds of 2k + n + 9.
  CHECK(array_tile_cycles(Dataflow::WeightStationary, 16, 16, 10, 20, 40) ==
        1 + (32 + 16 + 9) + (32 + 4 + 9) + (32 + 16 + 9) + (32 + 4 + 9) + (16 + 16 + 9) + (16 + 4 + 9));
}
