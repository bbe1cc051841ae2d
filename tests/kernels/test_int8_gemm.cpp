#include <catch2/catch.hpp>

#include <climits>
#include <random>
#include <vector>

#include "kernels/int8_gemm.h"
#include "kernels/int8_gemm_avx2.h"

using namespace kiln;
using kernels::GemmBLayout;
using kernels::Int8GemmArgs;

namespace {

// The definition in int64, reduced to int32 by wrapping.
std::vector<int32_t> oracle(const Int8GemmArgs& g, std::vector<int32_t> c) {
  for (int i = 0; i < g.m; ++i)
    for (int j = 0; j < g.n; ++j) {
      int64_t sum = g.accumulate ? c[size_t(i) * g.n + j] : 0;
      for (int p = 0; p < g.k; ++p) {
        const int8_t b = g.b_layout == GemmBLayout::KxN ? g.b[size_t(p) * g.n + j] : g.b[size_t(j) * g.k + p];
        sum += (int64_t(g.a[size_t(i) * g.a_stride + p]) - g.a_zp) * (int64_t(b) - (g.b_zp ? g.b_zp[j] : 0));
      }
      c[size_t(i) * g.n + j] = int32_t(uint32_t(uint64_t(sum)));
    }
  return c;
}

struct Case {
  int m, n, k;
  GemmBLayout layout;
  bool zero_points, accumulate;
};

}  // namespace

TEST_CASE("int8_gemm equals the definition in both layouts, with zero points and accumulation", "[kernels]") {
  // Shapes below and above the library threshold, depths above gemmlowp's
  // 8192-deep chunk, a strided A.
  const Case cases[] = {
      {1, 10, 64, GemmBLayout::NxK, false, false},   {1024, 16, 27, GemmBLayout::NxK, true, false},
      {37, 19, 150, GemmBLayout::KxN, false, true},  {64, 16, 16, GemmBLayout::KxN, false, false},
      {9, 5, 20000, GemmBLayout::NxK, true, false},  {3, 7, 16385, GemmBLayout::KxN, true, true},
      {125, 64, 40, GemmBLayout::NxK, true, true},
      // Tails of the AVX2 kernel's 4-row, 16-column tiles and an odd depth.
      {5, 1, 33, GemmBLayout::NxK, true, false},     {6, 9, 7, GemmBLayout::KxN, true, true},
      {7, 17, 31, GemmBLayout::NxK, false, true},    {2, 33, 129, GemmBLayout::KxN, true, false},
      // Tails of the AVX-512 kernel's 8-row tiles.
      {9, 31, 19, GemmBLayout::NxK, true, true},     {17, 16, 48, GemmBLayout::KxN, false, false},
      {15, 48, 65, GemmBLayout::NxK, true, false},
  };
  std::mt19937 rng(11);
  std::uniform_int_distribution<int> byte(-128, 127);
  for (const Case& t : cases) {
    CAPTURE(t.m, t.n, t.k, int(t.layout), t.zero_points, t.accumulate);
    const size_t stride = size_t(t.k) + 3;
    std::vector<int8_t> a(size_t(t.m) * stride), b(size_t(t.k) * t.n);
    for (auto& v : a) v = int8_t(byte(rng));
    for (auto& v : b) v = int8_t(byte(rng));
    std::vector<int32_t> b_zp(size_t(t.n));
    for (auto& z : b_zp) z = byte(rng);
    std::vector<int32_t> c(size_t(t.m) * t.n);
    for (auto& v : c) v = int32_t(rng());
    Int8GemmArgs g;
    g.m = t.m, g.n = t.n, g.k = t.k;
    g.a = a.data(), g.a_stride = stride, g.a_zp = t.zero_points ? -128 : 0;
    g.b = b.data(), g.b_layout = t.layout, g.b_zp = t.zero_points ? b_zp.data() : nullptr;
    g.accumulate = t.accumulate;
    const std::vector<int32_t> expected = oracle(g, c);
    std::vector<int32_t> lib = c, loop = c, gemmlowp = c, avx2 = c, avx2_narrow = c;
    kernels::int8_gemm(g, lib.data());
    kernels::int8_gemm_loop(g, loop.data());
    kernels::int8_gemm_gemmlowp(g, gemmlowp.data());
    CHECK(lib == expected);
    CHECK(loop == expected);
    CHECK(gemmlowp == expected);
    // Both micro-kernels: AVX-512 VNNI where the core has it, and AVX2.
    if (kernels::int8_gemm_avx2(g, avx2.data())) CHECK(avx2 == expected);
    if (kernels::int8_gemm_avx2(g, avx2_narrow.data(), false)) CHECK(avx2_narrow == expected);
  }
}

TEST_CASE("int8_gemm wraps an accumulation past INT32_MAX as the int32 adders do", "[kernels]") {
  // 64 x 64 x 64 (above the library threshold): every product is 127 * 127.
  const int m = 64, n = 64, k = 64;
  std::vector<int8_t> a(size_t(m) * k, 127), b(size_t(k) * n, 127);
  std::vector<int32_t> c(size_t(m) * n, INT32_MAX);
  Int8GemmArgs g;
  g.m = m, g.n = n, g.k = k, g.a = a.data(), g.a_stride = k, g.b = b.data(), g.accumulate = true;
  kernels::int8_gemm(g, c.data());
  const int32_t wrapped = int32_t(uint32_t(INT32_MAX) + uint32_t(k * 127 * 127));
  CHECK(wrapped < 0);
  CHECK(c.front() == wrapped);
  CHECK(c.back() == wrapped);
}

TEST_CASE("int8_gemm_avx2 is exact where a zero point widens an operand to the edge of int16", "[kernels]") {
  // a - a_zp = -128 - 32640 = -32768 and b - b_zp alike: each pair of products
  // is 2^31, which vpmaddwd wraps exactly as the int32 result must.
  const int m = 5, n = 18, k = 9;
  std::vector<int8_t> a(size_t(m) * k, -128), b(size_t(n) * k, -128);
  std::vector<int32_t> b_zp(size_t(n), 32640), c(size_t(m) * n, 0);
  Int8GemmArgs g;
  g.m = m, g.n = n, g.k = k, g.a = a.data(), g.a_stride = k, g.a_zp = 32640;
  g.b = b.data(), g.b_layout = GemmBLayout::NxK, g.b_zp = b_zp.data();
  if (!kernels::int8_gemm_avx2(g, c.data())) SUCCEED("no AVX2 in this build: nothing to compare");
  else CHECK(c == oracle(g, std::vector<int32_t>(c.size(), 0)));
  std::vector<int32_t> narrow(c.size(), 0);
  if (kernels::int8_gemm_avx2(g, narrow.data(), false)) CHECK(narrow == oracle(g, std::vector<int32_t>(c.size(), 0)));
  // A zero point that takes an operand outside int16 is left to the other paths.
  g.a_zp = 40000;
  std::vector<int32_t> untouched(c.size(), 7);
  CHECK_FALSE(kernels::int8_gemm_avx2(g, untouched.data()));
  CHECK(untouched == std::vector<int32_t>(c.size(), 7));
  std::vector<int32_t> lib(c.size(), 0);
  kernels::int8_gemm(g, lib.data());
  CHECK(lib == oracle(g, std::vector<int32_t>(c.size(), 0)));
}
