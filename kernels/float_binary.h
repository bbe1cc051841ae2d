// Element-wise arithmetic of two float32 tensors, as TFLite's float
// reference kernels compute it (reference_ops Add, Sub, Mul, Div, Maximum,
// Minimum and their BroadcastAdd6DSlow-style forms, without a fused
// activation): one IEEE-754 single-precision operation per output element;
// maximum is `a > b ? a : b`, minimum `a < b ? a : b`. The output is
// d0 x ... x d5 (leading dimensions of 1 below rank 6); an input has the
// output's shape but where bit k of its mask is set, where it has one
// element along dk that repeats (numpy broadcasting). Operands are binary32
// little-endian bytes (kernels/float_bytes.h).
#pragma once

#include <array>
#include <cstdint>

namespace kiln::kernels {

constexpr int kFloatBinaryRank = 6;

enum FloatBinaryOp : int32_t {
  kFloatAdd = 0,
  kFloatSub = 1,
  kFloatMul = 2,
  kFloatDiv = 3,
  kFloatMaximum = 4,
  kFloatMinimum = 5,
};

struct FloatBinaryParams {
  int64_t d0 = 1, d1 = 1, d2 = 1, d3 = 1, d4 = 1, d5 = 1;  // the output's shape
  int32_t in1_mask = 0, in2_mask = 0;  // bit k: the input repeats one element along dk
  int32_t op = kFloatAdd;

  std::array<int64_t, kFloatBinaryRank> dims() const { return {d0, d1, d2, d3, d4, d5}; }
  int64_t count() const;                    // output elements
  int64_t in_count(int32_t mask) const;     // elements of an input with that mask
};

// Throws kiln::Error "float_binary: <param>: ...".
void validate(const FloatBinaryParams& p);

// The divisions a call computes (count for kFloatDiv, else 0): the cost
// table prices them apart, a division taking many times an addition's cycles.
uint64_t divisions(const FloatBinaryParams& p);

void float_binary(const FloatBinaryParams& p, const uint8_t* in1, const uint8_t* in2, uint8_t* out);

}  // namespace kiln::kernels
