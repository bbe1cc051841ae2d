// A permutation of the dimensions of an int8 tensor (TFLite TRANSPOSE, ONNX
// Transpose): output dimension i is input dimension perm[i], as TFLite
// Micro's reference transpose. Up to kMaxTransposeRank dimensions (TFLite
// Micro's limit); a tensor of lower rank is described with leading
// dimensions of 1 that the permutation leaves in place.
#pragma once

#include <array>
#include <cstdint>

namespace kiln::kernels {

constexpr int kMaxTransposeRank = 6;

struct TransposeParams {
  // The input's shape, outermost first; perm[i] is the input dimension that
  // output dimension i takes. Six members each rather than arrays: one MCU
  // argument binds one integer member (kernels/mcu_kernel_table.h).
  int d0 = 1, d1 = 1, d2 = 1, d3 = 1, d4 = 1, d5 = 1;
  int p0 = 0, p1 = 1, p2 = 2, p3 = 3, p4 = 4, p5 = 5;

  std::array<int, kMaxTransposeRank> dims() const { return {d0, d1, d2, d3, d4, d5}; }
  std::array<int, kMaxTransposeRank> perm() const { return {p0, p1, p2, p3, p4, p5}; }
  int64_t elements() const { return int64_t(d0) * d1 * d2 * d3 * d4 * d5; }
};

// The parameters of a transpose of `shape` (rank 1 to kMaxTransposeRank) by
// `perm` (a permutation of 0 .. rank-1). Throws kiln::Error "transpose: ...".
TransposeParams transpose_params(const int32_t* shape, const int32_t* perm, int rank);

// Throws kiln::Error "transpose: <param>: ...".
void validate(const TransposeParams& p);

void transpose(const TransposeParams& p, const int8_t* in, int8_t* out);

}  // namespace kiln::kernels
