#include "kernels/slice.h"

#include <fmt/format.h>

#include "kernels/check.h"

namespace kiln::kernels {

namespace {
constexpr const char* kOp = "slice";
constexpr const char* kDim[] = {"d0", "d1", "d2", "d3", "d4", "d5"};
constexpr const char* kBegin[] = {"b0", "b1", "b2", "b3", "b4", "b5"};
constexpr const char* kStride[] = {"s0", "s1", "s2", "s3", "s4", "s5"};
constexpr const char* kSize[] = {"n0", "n1", "n2", "n3", "n4", "n5"};
}  // namespace

SliceParams slice_params(const int32_t* shape, const int32_t* begin, const int32_t* stride, const int32_t* size,
                         int rank) {
  if (rank < 1 || rank > kMaxSliceRank)
    check::fail(kOp, "rank", fmt::format("must be in [1, {}], got {}", kMaxSliceRank, rank));
  std::array<int, kMaxSliceRank> d{1, 1, 1, 1, 1, 1}, b{}, s{1, 1, 1, 1, 1, 1}, n{1, 1, 1, 1, 1, 1};
  const int lead = kMaxSliceRank - rank;
  for (int i = 0; i < rank; ++i) {
    const size_t k = size_t(lead + i);
    d[k] = shape[i], b[k] = begin[i], s[k] = stride[i], n[k] = size[i];
  }
  SliceParams p;
  p.d0 = d[0], p.d1 = d[1], p.d2 = d[2], p.d3 = d[3], p.d4 = d[4], p.d5 = d[5];
  p.b0 = b[0], p.b1 = b[1], p.b2 = b[2], p.b3 = b[3], p.b4 = b[4], p.b5 = b[5];
  p.s0 = s[0], p.s1 = s[1], p.s2 = s[2], p.s3 = s[3], p.s4 = s[4], p.s5 = s[5];
  p.n0 = n[0], p.n1 = n[1], p.n2 = n[2], p.n3 = n[3], p.n4 = n[4], p.n5 = n[5];
  validate(p);
  return p;
}

void validate(const SliceParams& p) {
  const auto d = p.dims(), b = p.begin(), s = p.stride(), n = p.size();
  int64_t in = 1, out = 1;
  for (size_t k = 0; k < size_t(kMaxSliceRank); ++k) {
    check::dim(kOp, kDim[k], d[k]);
    check::dim(kOp, kSize[k], n[k]);
    in *= d[k], out *= n[k];
    check::elements(kOp, "input", in);
    check::elements(kOp, "output", out);
    check::range(kOp, kBegin[k], b[k], 0, d[k] - 1);
    if (s[k] == 0) check::fail(kOp, kStride[k], "must not be 0");
    check::range(kOp, kStride[k], s[k], -check::kMaxDim, check::kMaxDim);
    const int64_t last = int64_t(b[k]) + (int64_t(n[k]) - 1) * s[k];
    if (last < 0 || last >= d[k])
      check::fail(kOp, kSize[k],
                  fmt::format("{} steps of {} from {} end at {}, outside [0, {}]", n[k], s[k], b[k], last, d[k] - 1));
  }
}

void slice(const SliceParams& p, const int8_t* in, int8_t* out) {
  validate(p);
  const auto d = p.dims(), b = p.begin(), s = p.stride(), n = p.size();
  // Input strides; the slice's start and its step per dimension in bytes.
  std::array<int64_t, kMaxSliceRank> step{};
  int64_t stride = 1, start = 0;
  for (int k = kMaxSliceRank - 1; k >= 0; --k) {
    step[size_t(k)] = stride * s[size_t(k)];
    start += stride * b[size_t(k)];
    stride *= d[size_t(k)];
  }
  const int8_t* base = in + start;
  for (int64_t i0 = 0; i0 < n[0]; ++i0)
    for (int64_t i1 = 0; i1 < n[1]; ++i1)
      for (int64_t i2 = 0; i2 < n[2]; ++i2)
        for (int64_t i3 = 0; i3 < n[3]; ++i3)
          for (int64_t i4 = 0; i4 < n[4]; ++i4) {
            const int8_t* src = base + i0 * step[0] + i1 * step[1] + i2 * step[2] + i3 * step[3] + i4 * step[4];
            for (int64_t i5 = 0; i5 < n[5]; ++i5) *out++ = src[i5 * step[5]];
          }
}

}  // namespace kiln::kernels
