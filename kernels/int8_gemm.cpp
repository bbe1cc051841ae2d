#include "kernels/int8_gemm.h"

#include <algorithm>
#include <tuple>
#include <vector>

#include <gemmlowp/public/gemmlowp.h>

#include "kernels/int8_gemm_avx2.h"

namespace kiln::kernels {

namespace {

// gemmlowp multiplies uint8 operands with int32 offsets added to them:
// (lhs + lhs_offset) * (rhs + rhs_offset). An int8 value v is the uint8
// v + 128 (its bits with the top one flipped) with offset -128, so
// a - a_zp = (a + 128) + (-128 - a_zp), exactly.
uint8_t biased(int8_t v) { return uint8_t(uint8_t(v) ^ 0x80u); }

// gemmlowp sums the raw uint8 products and then adds the offsets' terms
// (offset times row or column sums, depth times both offsets) in int32. A
// depth of at most 8192 keeps each of those partial sums below 2^31
// (8192 * (255*255 + 128*255 + 255*255 + 128*255) < 2^31); deeper products
// are summed chunk by chunk, wrapping, which is the same int32 result.
constexpr int kMaxDepth = 8192;

// Below this many multiply-accumulates packing costs more than the products
// (a fully connected layer on one input: scripts/bench_gemm.sh).
constexpr uint64_t kMinLibraryMacs = 8192;

struct Workspace {
  gemmlowp::GemmContext context;
  std::vector<uint8_t> a, b;
  std::vector<int32_t> b_offset, partial;
  Workspace() { context.set_max_num_threads(1); }
};

// One per thread: the reference runs on the caller's thread, a simulation on
// its own; gemmlowp's context keeps its packing buffers between calls.
Workspace& workspace() {
  thread_local Workspace w;
  return w;
}

void add_wrapping(int32_t* c, const int32_t* x, size_t count) {
  for (size_t e = 0; e < count; ++e) c[e] = int32_t(uint32_t(c[e]) + uint32_t(x[e]));
}

}  // namespace

void int8_gemm(const Int8GemmArgs& g, int32_t* c) {
  const size_t mn = size_t(g.m) * size_t(g.n);
  if (mn == 0) return;
  if (g.k <= 0) {
    if (!g.accumulate) std::fill(c, c + mn, 0);
    return;
  }
  if (uint64_t(g.m) * uint64_t(g.n) * uint64_t(g.k) < kMinLibraryMacs) {
    int8_gemm_loop(g, c);
    return;
  }
  if (int8_gemm_avx2(g, c)) return;
  int8_gemm_gemmlowp(g, c);
}

void int8_gemm_gemmlowp(const Int8GemmArgs& g, int32_t* c) {
  const size_t mn = size_t(g.m) * size_t(g.n);
  if (mn == 0) return;
  if (g.k <= 0) {
    if (!g.accumulate) std::fill(c, c + mn, 0);
    return;
  }
  Workspace& w = workspace();
  w.b_offset.resize(size_t(g.n));
  for (int j = 0; j < g.n; ++j) w.b_offset[size_t(j)] = -128 - (g.b_zp ? g.b_zp[j] : 0);
  const gemmlowp::VectorDup<const int32_t, gemmlowp::VectorShape::Col> lhs_offset(-128 - g.a_zp, g.m);
  const gemmlowp::VectorMap<const int32_t, gemmlowp::VectorShape::Row> rhs_offset(w.b_offset.data(), g.n);
  for (int p0 = 0; p0 < g.k; p0 += kMaxDepth) {
    const int kc = std::min(kMaxDepth, g.k - p0);
    w.a.resize(size_t(g.m) * size_t(kc));
    for (int i = 0; i < g.m; ++i) {
      const int8_t* src = g.a + size_t(i) * g.a_stride + size_t(p0);
      uint8_t* dst = w.a.data() + size_t(i) * size_t(kc);
      for (int p = 0; p < kc; ++p) dst[p] = biased(src[p]);
    }
    // B as gemmlowp's column-major K x N: each output column's K values in a row.
    w.b.resize(size_t(kc) * size_t(g.n));
    if (g.b_layout == GemmBLayout::NxK) {
      for (int j = 0; j < g.n; ++j) {
        const int8_t* src = g.b + size_t(j) * size_t(g.k) + size_t(p0);
        uint8_t* dst = w.b.data() + size_t(j) * size_t(kc);
        for (int p = 0; p < kc; ++p) dst[p] = biased(src[p]);
      }
    } else {
      for (int p = 0; p < kc; ++p) {
        const int8_t* src = g.b + size_t(p0 + p) * size_t(g.n);
        for (int j = 0; j < g.n; ++j) w.b[size_t(j) * size_t(kc) + size_t(p)] = biased(src[j]);
      }
    }
    const bool direct = !g.accumulate && p0 == 0;
    int32_t* out = c;
    if (!direct) {
      w.partial.resize(mn);
      out = w.partial.data();
    }
    const gemmlowp::MatrixMap<const uint8_t, gemmlowp::MapOrder::RowMajor> lhs(w.a.data(), g.m, kc);
    const gemmlowp::MatrixMap<const uint8_t, gemmlowp::MapOrder::ColMajor> rhs(w.b.data(), kc, g.n);
    gemmlowp::MatrixMap<int32_t, gemmlowp::MapOrder::RowMajor> result(out, g.m, g.n);
    gemmlowp::GemmWithOutputPipelinePC<uint8_t, int32_t, gemmlowp::DefaultL8R8BitDepthParams>(
        &w.context, lhs, rhs, &result, lhs_offset, rhs_offset, std::make_tuple());
    if (!direct) add_wrapping(c, out, mn);
  }
}

void int8_gemm_loop(const Int8GemmArgs& g, int32_t* c) {
  for (int i = 0; i < g.m; ++i) {
    const int8_t* a = g.a + size_t(i) * g.a_stride;
    for (int j = 0; j < g.n; ++j) {
      // uint32 so that the sum wraps as the int32 adders do.
      uint32_t acc = g.accumulate ? uint32_t(c[size_t(i) * g.n + j]) : 0u;
      const int32_t b_zp = g.b_zp ? g.b_zp[j] : 0;
      if (g.b_layout == GemmBLayout::NxK) {
        // Contiguous rows: the compiler vectorizes this dot product.
        const int8_t* b = g.b + size_t(j) * size_t(g.k);
        for (int p = 0; p < g.k; ++p) acc += uint32_t((int32_t(a[p]) - g.a_zp) * (int32_t(b[p]) - b_zp));
      } else {
        for (int p = 0; p < g.k; ++p)
          acc += uint32_t((int32_t(a[p]) - g.a_zp) * (int32_t(g.b[size_t(p) * g.n + j]) - b_zp));
      }
      c[size_t(i) * g.n + j] = int32_t(acc);
    }
  }
}

}  // namespace kiln::kernels
