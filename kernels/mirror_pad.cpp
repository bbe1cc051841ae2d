#include "kernels/mirror_pad.h"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

#include "kernels/check.h"

namespace kiln::kernels {

namespace {
constexpr const char* kOp = "mirror_pad";
constexpr const char* kDim[] = {"d0", "d1", "d2", "d3", "d4", "d5"};
constexpr const char* kBefore[] = {"b0", "b1", "b2", "b3", "b4", "b5"};
constexpr const char* kAfter[] = {"a0", "a1", "a2", "a3", "a4", "a5"};
}  // namespace

int64_t MirrorPadParams::in_elements() const { return int64_t(d0) * d1 * d2 * d3 * d4 * d5; }

int64_t MirrorPadParams::out_elements() const {
  const auto d = dims(), b = before(), a = after();
  int64_t n = 1;
  for (size_t k = 0; k < size_t(kMaxMirrorPadRank); ++k) n *= int64_t(d[k]) + b[k] + a[k];
  return n;
}

MirrorPadParams mirror_pad_params(const int32_t* shape, const int32_t* before, const int32_t* after, int rank,
                                  bool symmetric) {
  if (rank < 1 || rank > kMaxMirrorPadRank)
    check::fail(kOp, "rank", fmt::format("must be in [1, {}], got {}", kMaxMirrorPadRank, rank));
  std::array<int, kMaxMirrorPadRank> d{1, 1, 1, 1, 1, 1}, b{}, a{};
  const int lead = kMaxMirrorPadRank - rank;
  for (int i = 0; i < rank; ++i) {
    const size_t k = size_t(lead + i);
    d[k] = shape[i], b[k] = before[i], a[k] = after[i];
  }
  MirrorPadParams p;
  p.d0 = d[0], p.d1 = d[1], p.d2 = d[2], p.d3 = d[3], p.d4 = d[4], p.d5 = d[5];
  p.b0 = b[0], p.b1 = b[1], p.b2 = b[2], p.b3 = b[3], p.b4 = b[4], p.b5 = b[5];
  p.a0 = a[0], p.a1 = a[1], p.a2 = a[2], p.a3 = a[3], p.a4 = a[4], p.a5 = a[5];
  p.symmetric = symmetric ? 1 : 0;
  validate(p);
  return p;
}

void validate(const MirrorPadParams& p) {
  const auto d = p.dims(), b = p.before(), a = p.after();
  check::range(kOp, "symmetric", p.symmetric, 0, 1);
  int64_t in = 1, out = 1;
  for (size_t k = 0; k < size_t(kMaxMirrorPadRank); ++k) {
    check::dim(kOp, kDim[k], d[k]);
    // TensorFlow's MirrorPad: REFLECT mirrors at most size - 1 indices (the
    // edge is not repeated), SYMMETRIC at most size.
    const int most = d[k] - (p.symmetric ? 0 : 1);
    check::range(kOp, kBefore[k], b[k], 0, most);
    check::range(kOp, kAfter[k], a[k], 0, most);
    in *= d[k], out *= int64_t(d[k]) + b[k] + a[k];
    check::elements(kOp, "input", in);
    check::elements(kOp, "output", out);
  }
}

int mirror_index(int out, int before, int size, bool symmetric) {
  const int offset = symmetric ? 0 : 1;
  if (out < before) {
    const int original = before + offset - 1;
    return original - std::min(out, original - offset);
  }
  out -= before;
  if (out >= size) {
    out -= size;
    const int original = size - (1 + offset);
    return original - std::min(out, original);
  }
  return out;
}

void mirror_pad(const MirrorPadParams& p, const int8_t* in, int8_t* out) {
  validate(p);
  const auto d = p.dims(), b = p.before(), a = p.after();
  // Per dimension, the input offset (index times the input's stride) that
  // each output index reads; the output is then a gather in row-major order.
  std::array<std::vector<int64_t>, kMaxMirrorPadRank> from;
  int64_t stride = 1;
  for (int k = kMaxMirrorPadRank - 1; k >= 0; --k) {
    const size_t u = size_t(k);
    const int n = d[u] + b[u] + a[u];
    from[u].resize(size_t(n));
    for (int i = 0; i < n; ++i) from[u][size_t(i)] = mirror_index(i, b[u], d[u], p.symmetric != 0) * stride;
    stride *= d[u];
  }
  for (int64_t o0 : from[0])
    for (int64_t o1 : from[1])
      for (int64_t o2 : from[2])
        for (int64_t o3 : from[3])
          for (int64_t o4 : from[4]) {
            const int8_t* src = in + o0 + o1 + o2 + o3 + o4;
            for (int64_t o5 : from[5]) *out++ = src[o5];
          }
}

}  // namespace kiln::kernels
