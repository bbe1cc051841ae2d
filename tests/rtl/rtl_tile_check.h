// Shared by the RTL tests: random tiles, a direct int32 GEMM, and the check
// that the RTL engine, the TLM engine and the reference agree on one tile
// (results bit for bit, cycles equal to arch/array_timing's closed form).
#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "arch/array_timing.h"
#include "sim/array_engine.h"
#include "sim/array_engine_rtl.h"

namespace kiln::test {

inline const char* dataflow_name(Dataflow d) {
  switch (d) {
    case Dataflow::WeightStationary: return "weight-stationary";
    case Dataflow::OutputStationary: return "output-stationary";
    case Dataflow::InputStationary: return "input-stationary";
  }
  return "?";
}

inline bool rtl_size_built(unsigned rows, unsigned cols) {
  for (const auto& [r, c] : rtl_array_sizes())
    if (r == rows && c == cols) return true;
  return false;
}

inline NpuConfig npu_of(unsigned rows, unsigned cols) {
  NpuConfig npu;
  npu.rows = rows;
  npu.cols = cols;
  npu.engine = "rtl";
  return npu;
}

// Operands of one tile and the accumulators it starts from.
struct TileCase {
  Dataflow dataflow = Dataflow::WeightStationary;
  uint32_t m = 1, n = 1, k = 1;
  bool accumulate = false;
  std::vector<int8_t> a, b;
  std::vector<int32_t> c0;

  ArrayTile tile() const {
    ArrayTile t;
    t.dataflow = dataflow;
    t.m = m;
    t.n = n;
    t.k = k;
    t.a = a.data();
    t.b = b.data();
    t.accumulate = accumulate;
    return t;
  }
  std::string describe() const {
    return fmt::format("{} m={} n={} k={}{}", dataflow_name(dataflow), m, n, k, accumulate ? " accumulate" : "");
  }
};

// Value distributions for operands: uniform, or only the extremes -128 / 127.
enum class Values { Uniform, Extremes };

inline TileCase random_case(std::mt19937& rng, Dataflow d, uint32_t m, uint32_t n, uint32_t k, bool accumulate,
                            Values values = Values::Uniform) {
  TileCase tc;
  tc.dataflow = d;
  tc.m = m;
  tc.n = n;
  tc.k = k;
  tc.accumulate = accumulate;
  auto operand = [&]() -> int8_t {
    if (values == Values::Extremes) return (rng() & 1) ? int8_t(127) : int8_t(-128);
    return static_cast<int8_t>(int(rng() % 256) - 128);
  };
  tc.a.resize(size_t(m) * k);
  tc.b.resize(size_t(k) * n);
  for (auto& v : tc.a) v = operand();
  for (auto& v : tc.b) v = operand();
  tc.c0.resize(size_t(m) * n);
  for (auto& v : tc.c0) v = static_cast<int32_t>(rng());  // overwritten unless accumulate
  return tc;
}

// C (+)= A * B computed directly, with two's-complement wrap.
inline std::vector<int32_t> reference_gemm(const TileCase& tc) {
  std::vector<int32_t> c(size_t(tc.m) * tc.n);
  for (uint32_t i = 0; i < tc.m; ++i)
    for (uint32_t j = 0; j < tc.n; ++j) {
      uint32_t sum = tc.accumulate ? uint32_t(tc.c0[size_t(i) * tc.n + j]) : 0u;
      for (uint32_t p = 0; p < tc.k; ++p)
        sum += uint32_t(int32_t(tc.a[size_t(i) * tc.k + p]) * int32_t(tc.b[size_t(p) * tc.n + j]));
      c[size_t(i) * tc.n + j] = int32_t(sum);
    }
  return c;
}

inline std::string first_difference(const std::vector<int32_t>& expected, const std::vector<int32_t>& got,
                                    uint32_t n) {
  for (size_t e = 0; e < expected.size(); ++e)
    if (expected[e] != got[e])
      return fmt::format("C[{}][{}]: expected {}, got {}", e / n, e % n, expected[e], got[e]);
  return "";
}

// Runs the tile through both engines; returns "" when the RTL and TLM results
// equal the reference and both cycle counts equal the closed form.
inline std::string check_tile(ArrayEngine& rtl, ArrayEngine& tlm, const TileCase& tc, unsigned rows,
                              unsigned cols) {
  const auto expected = reference_gemm(tc);
  const uint64_t expected_cycles = array_tile_cycles(tc.dataflow, rows, cols, tc.m, tc.n, tc.k);
  const ArrayTile tile = tc.tile();
  std::vector<int32_t> c_rtl = tc.c0, c_tlm = tc.c0;
  const ArrayResult r = rtl.run(tile, c_rtl.data());
  const ArrayResult t = tlm.run(tile, c_tlm.data());
  const std::string where = fmt::format("{}x{} array, {}", rows, cols, tc.describe());
  if (auto d = first_difference(expected, c_rtl, tc.n); !d.empty()) return where + ": rtl " + d;
  if (auto d = first_difference(expected, c_tlm, tc.n); !d.empty()) return where + ": tlm " + d;
  if (r.cycles != expected_cycles)
    return fmt::format("{}: rtl took {} cycles, closed form says {}", where, r.cycles, expected_cycles);
  if (t.cycles != r.cycles) return fmt::format("{}: tlm {} cycles, rtl {}", where, t.cycles, r.cycles);
  if (r.macs != uint64_t(tc.m) * tc.n * tc.k) return fmt::format("{}: rtl reports {} MACs", where, r.macs);
  return "";
}

// Random shapes for one array size and dataflow: each dimension from 1 up to
// about `span` array widths, so that full and partial folds both occur.
inline std::string sweep(unsigned rows, unsigned cols, Dataflow d, int shapes, double span, uint32_t seed) {
  std::mt19937 rng(seed);
  auto rtl = make_rtl_array_engine(npu_of(rows, cols));
  auto tlm = make_tlm_array_engine(npu_of(rows, cols));
  const uint32_t max_dim = std::max<uint32_t>(2, uint32_t(span * std::max(rows, cols)));
  for (int s = 0; s < shapes; ++s) {
    const uint32_t m = 1 + rng() % max_dim, n = 1 + rng() % max_dim, k = 1 + rng() % max_dim;
    const bool accumulate = rng() % 3 == 0;
    const Values values = rng() % 8 == 0 ? Values::Extremes : Values::Uniform;
    if (auto e = check_tile(*rtl, *tlm, random_case(rng, d, m, n, k, accumulate, values), rows, cols); !e.empty())
      return fmt::format("shape {} (seed {}): {}", s, seed, e);
  }
  return "";
}

}  // namespace kiln::test
