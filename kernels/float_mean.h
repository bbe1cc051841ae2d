// Mean of a float32 tensor over a set of its dimensions, as TFLite's float
// reference kernel computes it (reference_ops::Mean through ReduceSumImpl):
// the input visited in row-major order, each element added in float to its
// output's sum, then every sum divided by the number of elements reduced
// into it. The input is d0 x ... x d5 (leading dimensions of 1 below rank
// 6); bit k of `axes` reduces dimension dk (bit 0: d0). The output holds the
// dimensions not reduced, in order. Operands are binary32 little-endian
// bytes (kernels/float_bytes.h).
#pragma once

#include <array>
#include <cstdint>

namespace kiln::kernels {

constexpr int kFloatMeanRank = 6;

struct FloatMeanParams {
  int64_t d0 = 1, d1 = 1, d2 = 1, d3 = 1, d4 = 1, d5 = 1;
  int32_t axes = 0;  // bit k: dimension dk is reduced

  std::array<int64_t, kFloatMeanRank> dims() const { return {d0, d1, d2, d3, d4, d5}; }
  int64_t in_elements() const;
  int64_t out_elements() const;
};

// Throws kiln::Error "float_mean: <param>: ...".
void validate(const FloatMeanParams& p);

void float_mean(const FloatMeanParams& p, const uint8_t* in, uint8_t* out);

}  // namespace kiln::kernels
