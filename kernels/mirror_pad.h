// Mirror padding of an int8 tensor (TFLite MIRROR_PAD, ONNX Pad with mode
// "reflect"): along every dimension, `before` and `after` indices are added
// that mirror the input at its edges, as TFLite Micro's reference
// mirror_pad.cc maps them: REFLECT leaves the edge element out of the mirror
// (a b c -> c b a b c b a), SYMMETRIC repeats it (a b c -> b a a b c c b).
// Up to kMaxMirrorPadRank dimensions; a tensor of lower rank is described
// with leading dimensions of 1 and no padding.
#pragma once

#include <array>
#include <cstdint>

namespace kiln::kernels {

constexpr int kMaxMirrorPadRank = 6;

struct MirrorPadParams {
  // The input's shape, outermost first, then per dimension the indices added
  // before and after it. Members rather than arrays: one MCU argument binds
  // one integer member.
  int d0 = 1, d1 = 1, d2 = 1, d3 = 1, d4 = 1, d5 = 1;
  int b0 = 0, b1 = 0, b2 = 0, b3 = 0, b4 = 0, b5 = 0;
  int a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0;
  int symmetric = 0;  // 0: REFLECT, 1: SYMMETRIC

  std::array<int, kMaxMirrorPadRank> dims() const { return {d0, d1, d2, d3, d4, d5}; }
  std::array<int, kMaxMirrorPadRank> before() const { return {b0, b1, b2, b3, b4, b5}; }
  std::array<int, kMaxMirrorPadRank> after() const { return {a0, a1, a2, a3, a4, a5}; }
  int64_t in_elements() const;
  int64_t out_elements() const;
};

// The parameters of a mirror pad of `shape` (rank 1 to kMaxMirrorPadRank)
// with `before` and `after` of that rank. Throws kiln::Error "mirror_pad: ...".
MirrorPadParams mirror_pad_params(const int32_t* shape, const int32_t* before, const int32_t* after, int rank,
                                  bool symmetric);

// Every dimension at least 1, and each padding at most the dimension (REFLECT:
// the dimension less 1), so every mirrored index lies inside the input.
// Throws kiln::Error "mirror_pad: <param>: ...".
void validate(const MirrorPadParams& p);

// The input index that output index `out` reads along a dimension of `size`
// padded by `before` (TFLite Micro's GetInputDimension).
int mirror_index(int out, int before, int size, bool symmetric);

void mirror_pad(const MirrorPadParams& p, const int8_t* in, int8_t* out);

}  // namespace kiln::kernels
