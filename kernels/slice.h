// A strided slice of an int8 tensor (TFLite SLICE, STRIDED_SLICE, and SPLIT,
// SPLIT_V and UNPACK as one slice per output; ONNX Slice and Split): along
// every dimension k, output index i reads input index begin_k + i * stride_k
// for i < size_k. Up to kMaxSliceRank dimensions; a tensor of lower rank is
// described with leading dimensions of 1 (begin 0, stride 1, size 1). The
// front ends resolve TFLite's masks, negative indices and clamping into
// begin, stride and size (compiler/frontend/tflite_reader.cpp, onnx_reader.cpp).
#pragma once

#include <array>
#include <cstdint>

namespace kiln::kernels {

constexpr int kMaxSliceRank = 6;

struct SliceParams {
  // The input's shape, outermost first, then per dimension the first index,
  // the step (negative walks backwards) and the count taken. Members rather
  // than arrays: one MCU argument binds one integer member.
  int d0 = 1, d1 = 1, d2 = 1, d3 = 1, d4 = 1, d5 = 1;
  int b0 = 0, b1 = 0, b2 = 0, b3 = 0, b4 = 0, b5 = 0;
  int s0 = 1, s1 = 1, s2 = 1, s3 = 1, s4 = 1, s5 = 1;
  int n0 = 1, n1 = 1, n2 = 1, n3 = 1, n4 = 1, n5 = 1;

  std::array<int, kMaxSliceRank> dims() const { return {d0, d1, d2, d3, d4, d5}; }
  std::array<int, kMaxSliceRank> begin() const { return {b0, b1, b2, b3, b4, b5}; }
  std::array<int, kMaxSliceRank> stride() const { return {s0, s1, s2, s3, s4, s5}; }
  std::array<int, kMaxSliceRank> size() const { return {n0, n1, n2, n3, n4, n5}; }
  int64_t in_elements() const { return int64_t(d0) * d1 * d2 * d3 * d4 * d5; }
  int64_t out_elements() const { return int64_t(n0) * n1 * n2 * n3 * n4 * n5; }
};

// The parameters of a slice of `shape` (rank 1 to kMaxSliceRank) with
// `begin`, `stride` and `size` of that rank. Throws kiln::Error "slice: ...".
SliceParams slice_params(const int32_t* shape, const int32_t* begin, const int32_t* stride, const int32_t* size,
                         int rank);

// Every dimension at least 1, every size at least 1, every stride non-zero,
// and the first and the last index taken inside the dimension. Throws
// kiln::Error "slice: <param>: ...".
void validate(const SliceParams& p);

void slice(const SliceParams& p, const int8_t* in, int8_t* out);

}  // namespace kiln::kernels
