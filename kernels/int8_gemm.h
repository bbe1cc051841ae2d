// The int8 matrix product with exact int32 accumulation that convolution,
// fully connected and the TLM array engine compute through; the callers keep
// TFLite's requantization. It runs the AVX2 kernel of int8_gemm_avx2.h where
// the build has AVX2, else gemmlowp (libgemmlowp-dev, TFLite's own int8
// GEMM), and the plain loop for products too small to pack. For every m, n, k:
//   c[i][j] = sum_p (a[i][p] - a_zp) * (b(p, j) - b_zp[j])   (+ c[i][j] when accumulate)
// in two's-complement int32 (wrapping, as the hardware's adders and the
// target's int32 add; the kernels' own bounds keep their sums exact).
// a is M x K row-major with a row stride; b is K x N, given either K x N
// row-major (b_layout KxN, a weight-stationary tile) or N x K row-major
// (NxK: a filter per output channel, TFLite's OHWI / [out][in] weights).
// b_zp: N zero points, or nullptr for all zero. c: M x N row-major,
// contiguous. Results equal the plain triple loop bit for bit.
#pragma once

#include <cstddef>
#include <cstdint>

namespace kiln::kernels {

enum class GemmBLayout { KxN, NxK };

struct Int8GemmArgs {
  int m = 0, n = 0, k = 0;
  const int8_t* a = nullptr;
  size_t a_stride = 0;  // elements between rows of a (>= k)
  int32_t a_zp = 0;
  const int8_t* b = nullptr;
  GemmBLayout b_layout = GemmBLayout::KxN;
  const int32_t* b_zp = nullptr;
  bool accumulate = false;
};

void int8_gemm(const Int8GemmArgs& args, int32_t* c);

// The same product through gemmlowp alone (the benchmark's library column).
void int8_gemm_gemmlowp(const Int8GemmArgs& args, int32_t* c);

// The plain triple loop of the same definition: the tests' and the
// benchmark's baseline (scripts/bench_gemm.sh).
void int8_gemm_loop(const Int8GemmArgs& args, int32_t* c);

}  // namespace kiln::kernels
