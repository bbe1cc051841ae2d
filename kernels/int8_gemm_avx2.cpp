#include "kernels/int8_gemm_avx2.h"

#include <algorithm>
#include <cstring>
#include <vector>

#if defined(__AVX2__)
#include <immintrin.h>
#endif

namespace kiln::kernels {

#if defined(__AVX2__)

namespace {

constexpr int kRows = 4;   // rows of A per micro-tile
constexpr int kCols = 16;  // columns of B per micro-tile: two vectors of eight int32
constexpr int kWideRows = 8;  // rows of A per AVX-512 micro-tile (16 columns: one vector)

bool fits_int16_after(int32_t zp) { return zp >= -32640 && zp <= 32639; }  // int8 minus zp within int16

struct Packed {
  // B as [K/2][N rounded up to 16][2] int16: each column's pair (b[2p], b[2p+1])
  // adjacent, so one vpmaddwd multiplies a broadcast pair of A by eight columns.
  std::vector<int16_t> b;
  // kRows rows of A, (a - a_zp) widened, K rounded up to even.
  std::vector<int16_t> a;
};

Packed& packed() {
  thread_local Packed p;
  return p;
}

int32_t pair_of(int32_t lo, int32_t hi) { return int32_t(uint32_t(uint16_t(lo)) | uint32_t(uint16_t(hi)) << 16); }

// Column j's values from depth p on, minus its zero point: the scalar edge of
// the packing loops below.
int32_t b_value(const Int8GemmArgs& g, int j, int p) {
  if (p >= g.k) return 0;
  const int8_t v = g.b_layout == GemmBLayout::NxK ? g.b[size_t(j) * size_t(g.k) + size_t(p)]
                                                  : g.b[size_t(p) * size_t(g.n) + size_t(j)];
  return int32_t(v) - (g.b_zp ? g.b_zp[j] : 0);
}

__m256i widened(const int8_t* src, __m256i zp) {
  return _mm256_sub_epi16(_mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(src))), zp);
}

// Zero points of columns j..j+15 as int16 lanes.
__m256i column_zps(const Int8GemmArgs& g, int j) {
  alignas(32) int16_t zp[16];
  for (int q = 0; q < 16; ++q) zp[q] = int16_t(g.b_zp ? g.b_zp[j + q] : 0);
  return _mm256_load_si256(reinterpret_cast<const __m256i*>(zp));
}

void pack_b(const Int8GemmArgs& g, int pairs, int n_padded, std::vector<int16_t>& storage) {
  storage.assign(size_t(pairs) * size_t(n_padded) * 2, 0);
  int32_t* out = reinterpret_cast<int32_t*>(storage.data());  // one int32 per (pair, column)
  auto at = [&](int p, int j) { return out + size_t(p) * size_t(n_padded) + size_t(j); };
  int vector_cols = 0, vector_pairs = 0;
  if (g.b_layout == GemmBLayout::NxK) {
    // Eight columns' runs of 16 depths (eight pairs each), widened, then
    // transposed as an 8x8 block of int32 pairs.
    vector_cols = g.n & ~7;
    vector_pairs = (g.k / 16) * 8;
    for (int j0 = 0; j0 < vector_cols; j0 += 8)
      for (int p0 = 0; p0 < vector_pairs; p0 += 8) {
        __m256i r[8];
        for (int c = 0; c < 8; ++c)
          r[c] = widened(g.b + size_t(j0 + c) * size_t(g.k) + size_t(p0) * 2,
                         _mm256_set1_epi16(int16_t(g.b_zp ? g.b_zp[j0 + c] : 0)));
        const __m256i t0 = _mm256_unpacklo_epi32(r[0], r[1]), t1 = _mm256_unpackhi_epi32(r[0], r[1]);
        const __m256i t2 = _mm256_unpacklo_epi32(r[2], r[3]), t3 = _mm256_unpackhi_epi32(r[2], r[3]);
        const __m256i t4 = _mm256_unpacklo_epi32(r[4], r[5]), t5 = _mm256_unpackhi_epi32(r[4], r[5]);
        const __m256i t6 = _mm256_unpacklo_epi32(r[6], r[7]), t7 = _mm256_unpackhi_epi32(r[6], r[7]);
        const __m256i u[8] = {_mm256_unpacklo_epi64(t0, t2), _mm256_unpackhi_epi64(t0, t2),
                              _mm256_unpacklo_epi64(t1, t3), _mm256_unpackhi_epi64(t1, t3),
                              _mm256_unpacklo_epi64(t4, t6), _mm256_unpackhi_epi64(t4, t6),
                              _mm256_unpacklo_epi64(t5, t7), _mm256_unpackhi_epi64(t5, t7)};
        for (int q = 0; q < 4; ++q) {
          _mm256_storeu_si256(reinterpret_cast<__m256i*>(at(p0 + q, j0)), _mm256_permute2x128_si256(u[q], u[q + 4], 0x20));
          _mm256_storeu_si256(reinterpret_cast<__m256i*>(at(p0 + q + 4, j0)),
                              _mm256_permute2x128_si256(u[q], u[q + 4], 0x31));
        }
      }
  } else {
    // Two depth rows of 16 columns, widened and interleaved into pairs.
    vector_cols = g.n & ~15;
    vector_pairs = g.k / 2;
    for (int j0 = 0; j0 < vector_cols; j0 += 16) {
      const __m256i zp = column_zps(g, j0);
      for (int p = 0; p < vector_pairs; ++p) {
        const __m256i even = widened(g.b + size_t(2 * p) * size_t(g.n) + size_t(j0), zp);
        const __m256i odd = widened(g.b + size_t(2 * p + 1) * size_t(g.n) + size_t(j0), zp);
        const __m256i lo = _mm256_unpacklo_epi16(even, odd), hi = _mm256_unpackhi_epi16(even, odd);
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(at(p, j0)), _mm256_permute2x128_si256(lo, hi, 0x20));
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(at(p, j0 + 8)), _mm256_permute2x128_si256(lo, hi, 0x31));
      }
    }
  }
  // What the vector loops left: depths past them in their columns, and the
  // remaining columns whole.
  for (int j = 0; j < g.n; ++j)
    for (int p = j < vector_cols ? vector_pairs : 0; p < pairs; ++p)
      *at(p, j) = pair_of(b_value(g, j, 2 * p), b_value(g, j, 2 * p + 1));
}

// `block` rows of A from row0, `rows` of them real (the rest zero).
void pack_a(const Int8GemmArgs& g, int row0, int rows, int block, int k_even, int16_t* out) {
  const __m256i zp = _mm256_set1_epi16(int16_t(g.a_zp));
  for (int r = 0; r < block; ++r) {
    int16_t* dst = out + size_t(r) * size_t(k_even);
    if (r >= rows) {
      std::memset(dst, 0, size_t(k_even) * sizeof(int16_t));
      continue;
    }
    const int8_t* src = g.a + size_t(row0 + r) * g.a_stride;
    int p = 0;
    for (; p + 16 <= g.k; p += 16) {
      const __m256i wide = _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(src + p)));
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + p), _mm256_sub_epi16(wide, zp));
    }
    for (; p < g.k; ++p) dst[p] = int16_t(int32_t(src[p]) - g.a_zp);
    if (g.k < k_even) dst[g.k] = 0;
  }
}

inline void store_row(const Int8GemmArgs& g, __m256i v, int32_t* c, int cols) {
  if (cols >= 8) {
    if (g.accumulate) v = _mm256_add_epi32(v, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(c)));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(c), v);
    return;
  }
  alignas(32) int32_t lanes[8];
  _mm256_store_si256(reinterpret_cast<__m256i*>(lanes), v);
  for (int j = 0; j < cols; ++j) c[j] = g.accumulate ? int32_t(uint32_t(c[j]) + uint32_t(lanes[j])) : lanes[j];
}

// The products of kWideRows packed rows of A with every column of B, for
// cores with AVX-512 VNNI: vpdpwssd multiplies the same int16 pairs and adds
// them to the int32 lanes in one instruction, wrapping as vpmaddwd and vpaddd
// do, over sixteen columns at once. Same packing, same sums.
__attribute__((target("avx512f,avx512bw,avx512vnni"))) void wide_rows(const Int8GemmArgs& g, const int16_t* a,
                                                                      const int16_t* b, int pairs, int k_even,
                                                                      int n_padded, int i0, int rows, int32_t* c) {
  for (int j0 = 0; j0 < g.n; j0 += kCols) {
    __m512i acc[kWideRows];
    for (auto& r : acc) r = _mm512_setzero_si512();
    const int16_t* bp = b + size_t(j0) * 2;
    for (int p = 0; p < pairs; ++p, bp += size_t(n_padded) * 2) {
      const __m512i b16 = _mm512_loadu_si512(bp);
      for (int r = 0; r < kWideRows; ++r) {
        int32_t pair;
        std::memcpy(&pair, a + size_t(r) * size_t(k_even) + size_t(p) * 2, sizeof pair);
        acc[r] = _mm512_dpwssd_epi32(acc[r], _mm512_set1_epi32(pair), b16);
      }
    }
    const int cols = std::min(kCols, g.n - j0);
    const __mmask16 lanes = __mmask16((1u << cols) - 1);
    for (int r = 0; r < rows; ++r) {
      int32_t* out = c + size_t(i0 + r) * size_t(g.n) + size_t(j0);
      __m512i v = acc[r];
      if (g.accumulate) v = _mm512_add_epi32(v, _mm512_maskz_loadu_epi32(lanes, out));
      _mm512_mask_storeu_epi32(out, lanes, v);
    }
  }
}

bool has_avx512_vnni() {
  static const bool yes = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                          __builtin_cpu_supports("avx512vnni");
  return yes;
}

}  // namespace

bool int8_gemm_avx2(const Int8GemmArgs& g, int32_t* c, bool allow_avx512) {
  if (!fits_int16_after(g.a_zp)) return false;
  if (g.b_zp)
    for (int j = 0; j < g.n; ++j)
      if (!fits_int16_after(g.b_zp[j])) return false;
  const int pairs = (g.k + 1) / 2, k_even = pairs * 2;
  const int n_padded = (g.n + kCols - 1) / kCols * kCols;
  Packed& w = packed();
  pack_b(g, pairs, n_padded, w.b);
  w.a.resize(size_t(kWideRows) * size_t(k_even));
  const int16_t* b = w.b.data();
  if (allow_avx512 && has_avx512_vnni()) {
    for (int i0 = 0; i0 < g.m; i0 += kWideRows) {
      const int rows = std::min(kWideRows, g.m - i0);
      pack_a(g, i0, rows, kWideRows, k_even, w.a.data());
      wide_rows(g, w.a.data(), b, pairs, k_even, n_padded, i0, rows, c);
    }
    return true;
  }
  for (int i0 = 0; i0 < g.m; i0 += kRows) {
    const int rows = std::min(kRows, g.m - i0);
    pack_a(g, i0, rows, kRows, k_even, w.a.data());
    const int16_t* a = w.a.data();
    for (int j0 = 0; j0 < g.n; j0 += kCols) {
      __m256i acc[kRows][2];
      for (auto& r : acc) r[0] = r[1] = _mm256_setzero_si256();
      const int16_t* bp = b + size_t(j0) * 2;
      for (int p = 0; p < pairs; ++p, bp += size_t(n_padded) * 2) {
        const __m256i b0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(bp));
        const __m256i b1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(bp + 16));
        for (int r = 0; r < kRows; ++r) {
          int32_t pair;
          std::memcpy(&pair, a + size_t(r) * size_t(k_even) + size_t(p) * 2, sizeof pair);
          const __m256i ap = _mm256_set1_epi32(pair);
          acc[r][0] = _mm256_add_epi32(acc[r][0], _mm256_madd_epi16(ap, b0));
          acc[r][1] = _mm256_add_epi32(acc[r][1], _mm256_madd_epi16(ap, b1));
        }
      }
      const int cols = std::min(kCols, g.n - j0);
      for (int r = 0; r < rows; ++r) {
        int32_t* out = c + size_t(i0 + r) * size_t(g.n) + size_t(j0);
        store_row(g, acc[r][0], out, std::min(cols, 8));
        if (cols > 8) store_row(g, acc[r][1], out + 8, cols - 8);
      }
    }
  }
  return true;
}

#else

bool int8_gemm_avx2(const Int8GemmArgs&, int32_t*, bool) { return false; }

#endif

}  // namespace kiln::kernels
