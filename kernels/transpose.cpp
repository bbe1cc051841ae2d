#include "kernels/transpose.h"

#include <fmt/format.h>

#include <string>

#include "kernels/check.h"

namespace kiln::kernels {

namespace {
constexpr const char* kOp = "transpose";
constexpr const char* kDimNames[] = {"d0", "d1", "d2", "d3", "d4", "d5"};
constexpr const char* kPermNames[] = {"p0", "p1", "p2", "p3", "p4", "p5"};
}  // namespace

TransposeParams transpose_params(const int32_t* shape, const int32_t* perm, int rank) {
  if (rank < 1 || rank > kMaxTransposeRank)
    check::fail(kOp, "rank", fmt::format("must be in [1, {}], got {}", kMaxTransposeRank, rank));
  std::array<int, kMaxTransposeRank> d{1, 1, 1, 1, 1, 1}, p{0, 1, 2, 3, 4, 5};
  const int lead = kMaxTransposeRank - rank;  // leading dimensions of 1, left in place
  for (int i = 0; i < rank; ++i) {
    d[size_t(lead + i)] = shape[i];
    if (perm[i] < 0 || perm[i] >= rank)
      check::fail(kOp, "perm", fmt::format("entry {} is {}, outside [0, {}]", i, perm[i], rank - 1));
    p[size_t(lead + i)] = lead + perm[i];
  }
  TransposeParams t;
  t.d0 = d[0], t.d1 = d[1], t.d2 = d[2], t.d3 = d[3], t.d4 = d[4], t.d5 = d[5];
  t.p0 = p[0], t.p1 = p[1], t.p2 = p[2], t.p3 = p[3], t.p4 = p[4], t.p5 = p[5];
  validate(t);
  return t;
}

void validate(const TransposeParams& p) {
  const auto d = p.dims(), perm = p.perm();
  int64_t count = 1;
  for (int i = 0; i < kMaxTransposeRank; ++i) {
    check::dim(kOp, kDimNames[i], d[size_t(i)]);
    count *= d[size_t(i)];
    check::elements(kOp, "input", count);
  }
  unsigned seen = 0;
  for (int i = 0; i < kMaxTransposeRank; ++i) {
    check::range(kOp, kPermNames[i], perm[size_t(i)], 0, kMaxTransposeRank - 1);
    if (seen & (1u << perm[size_t(i)]))
      check::fail(kOp, kPermNames[i], fmt::format("{} repeats an earlier entry: perm must be a permutation",
                                                  perm[size_t(i)]));
    seen |= 1u << perm[size_t(i)];
  }
}

void transpose(const TransposeParams& p, const int8_t* in, int8_t* out) {
  validate(p);
  const auto d = p.dims(), perm = p.perm();
  // The input's strides, then the output's dimensions and the input stride
  // each of them walks.
  std::array<int64_t, kMaxTransposeRank> in_stride{};
  int64_t s = 1;
  for (int i = kMaxTransposeRank - 1; i >= 0; --i) in_stride[size_t(i)] = s, s *= d[size_t(i)];
  std::array<int64_t, kMaxTransposeRank> od{}, step{};
  for (int i = 0; i < kMaxTransposeRank; ++i) od[size_t(i)] = d[size_t(perm[size_t(i)])], step[size_t(i)] = in_stride[size_t(perm[size_t(i)])];
  // Output in row-major order; the innermost output dimension is a strided
  // gather from the input.
  for (int64_t i0 = 0; i0 < od[0]; ++i0)
    for (int64_t i1 = 0; i1 < od[1]; ++i1)
      for (int64_t i2 = 0; i2 < od[2]; ++i2)
        for (int64_t i3 = 0; i3 < od[3]; ++i3)
          for (int64_t i4 = 0; i4 < od[4]; ++i4) {
            const int8_t* src = in + i0 * step[0] + i1 * step[1] + i2 * step[2] + i3 * step[3] + i4 * step[4];
            for (int64_t i5 = 0; i5 < od[5]; ++i5) *out++ = src[i5 * step[5]];
          }
}

}  // namespace kiln::kernels
