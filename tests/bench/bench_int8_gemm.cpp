// The int8 GEMM candidates on the shapes kiln's networks produce, in one
// process: the plain loop (kernels::int8_gemm_loop), gemmlowp as kiln calls
// it (kernels::int8_gemm_gemmlowp), what kiln computes through
// (kernels::int8_gemm: the AVX2 kernel where built) and, when built with
// Eigen, Eigen's int32 product of the widened operands. Prints time per call
// and the ratio to the loop, and fails when a result differs from the loop's.
// Run by scripts/bench_gemm.sh.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <vector>

#ifdef KILN_BENCH_EIGEN
#include <Eigen/Core>
#endif

#include "kernels/int8_gemm.h"

namespace {

using kiln::kernels::GemmBLayout;
using kiln::kernels::Int8GemmArgs;

struct Shape {
  const char* what;
  int m, n, k;
  GemmBLayout layout;
};

// Convolutions as implicit GEMMs (M output pixels, N output channels,
// K = kh*kw*in_c, OHWI weights: NxK) and the TLM array engine's tiles (KxN).
const Shape kShapes[] = {
    {"resnet8 conv 3x3 3->16 @32x32", 1024, 16, 27, GemmBLayout::NxK},
    {"resnet8 conv 3x3 16->16 @32x32", 1024, 16, 144, GemmBLayout::NxK},
    {"resnet8 conv 3x3 16->32 @16x16", 256, 32, 144, GemmBLayout::NxK},
    {"resnet8 conv 3x3 32->32 @16x16", 256, 32, 288, GemmBLayout::NxK},
    {"resnet8 conv 3x3 64->64 @8x8", 64, 64, 576, GemmBLayout::NxK},
    {"resnet8 fc 64->10", 1, 10, 64, GemmBLayout::NxK},
    {"dscnn conv 10x4 1->64 @25x5", 125, 64, 40, GemmBLayout::NxK},
    {"dscnn pointwise 64->64 @25x5", 125, 64, 64, GemmBLayout::NxK},
    {"mobilenet pointwise 8->16 @48x48", 2304, 16, 8, GemmBLayout::NxK},
    {"mobilenet pointwise 32->64 @12x12", 144, 64, 32, GemmBLayout::NxK},
    {"mobilenet pointwise 128->128 @6x6", 36, 128, 128, GemmBLayout::NxK},
    {"mobilenet pointwise 256->256 @3x3", 9, 256, 256, GemmBLayout::NxK},
    {"array tile 16x16, m 1024 k 144", 1024, 16, 144, GemmBLayout::KxN},
    {"array tile 16x16, m 256 k 288", 256, 16, 288, GemmBLayout::KxN},
    {"array tile 16x16, m 64 k 16", 64, 16, 16, GemmBLayout::KxN},
};

// Seconds per call: repeated until 30 ms have passed, median of 5 such rounds.
double time_per_call(const std::function<void()>& f) {
  f();
  std::vector<double> rounds;
  for (int r = 0; r < 5; ++r) {
    int calls = 0;
    const auto begin = std::chrono::steady_clock::now();
    double elapsed = 0;
    do {
      f();
      ++calls;
      elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
    } while (elapsed < 0.03);
    rounds.push_back(elapsed / calls);
  }
  std::sort(rounds.begin(), rounds.end());
  return rounds[2];
}

}  // namespace

int main() {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> byte(-128, 127);
  bool same = true;
  double total_loop = 0, total_gemmlowp = 0, total_kiln = 0;
#ifdef KILN_BENCH_EIGEN
  double total_eigen = 0;  // Eigen is optional: the bench builds without it
#endif
  std::printf("%-36s %6s %5s %5s %11s %11s %8s %11s %8s", "shape", "M", "N", "K", "loop us", "gemmlowp us", "speedup",
              "int8_gemm us", "speedup");
#ifdef KILN_BENCH_EIGEN
  std::printf(" %11s %8s", "eigen us", "speedup");
#endif
  std::printf("\n");
  for (const Shape& s : kShapes) {
    std::vector<int8_t> a(size_t(s.m) * s.k), b(size_t(s.k) * s.n);
    for (auto& v : a) v = int8_t(byte(rng));
    for (auto& v : b) v = int8_t(byte(rng));
    std::vector<int32_t> b_zp(size_t(s.n), 0);
    Int8GemmArgs g;
    g.m = s.m;
    g.n = s.n;
    g.k = s.k;
    g.a = a.data();
    g.a_stride = size_t(s.k);
    g.a_zp = s.layout == GemmBLayout::NxK ? -5 : 0;  // an activation zero point for convolutions
    g.b = b.data();
    g.b_layout = s.layout;
    std::vector<int32_t> c_loop(size_t(s.m) * s.n), c_lib(c_loop.size()), c_kiln(c_loop.size());
    const double t_loop = time_per_call([&] { kiln::kernels::int8_gemm_loop(g, c_loop.data()); });
    const double t_lib = time_per_call([&] { kiln::kernels::int8_gemm_gemmlowp(g, c_lib.data()); });
    const double t_kiln = time_per_call([&] { kiln::kernels::int8_gemm(g, c_kiln.data()); });
    same = same && c_loop == c_lib && c_loop == c_kiln;
    total_loop += t_loop;
    total_gemmlowp += t_lib;
    total_kiln += t_kiln;
    std::printf("%-36s %6d %5d %5d %11.2f %11.2f %7.2fx %11.2f %7.2fx", s.what, s.m, s.n, s.k, t_loop * 1e6,
                t_lib * 1e6, t_loop / t_lib, t_kiln * 1e6, t_loop / t_kiln);
#ifdef KILN_BENCH_EIGEN
    using RowMajorS8 = Eigen::Matrix<int8_t, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    using RowMajorS32 = Eigen::Matrix<int32_t, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    Eigen::Map<const RowMajorS8> ea(a.data(), s.m, s.k);
    std::vector<int32_t> c_eigen(c_loop.size());
    Eigen::Map<RowMajorS32> ec(c_eigen.data(), s.m, s.n);
    const double t_eigen = time_per_call([&] {
      const RowMajorS32 a32 = ea.cast<int32_t>().array() - g.a_zp;
      if (s.layout == GemmBLayout::NxK) {
        Eigen::Map<const RowMajorS8> eb(b.data(), s.n, s.k);
        const RowMajorS32 b32 = eb.cast<int32_t>();
        ec.noalias() = a32 * b32.transpose();
      } else {
        Eigen::Map<const RowMajorS8> eb(b.data(), s.k, s.n);
        const RowMajorS32 b32 = eb.cast<int32_t>();
        ec.noalias() = a32 * b32;
      }
    });
    same = same && c_loop == c_eigen;
    total_eigen += t_eigen;
    std::printf(" %11.2f %7.2fx", t_eigen * 1e6, t_loop / t_eigen);
#endif
    std::printf("\n");
  }
  std::printf("%-36s %18s %11.2f %11.2f %7.2fx %11.2f %7.2fx", "all shapes (sum)", "", total_loop * 1e6,
              total_gemmlowp * 1e6, total_loop / total_gemmlowp, total_kiln * 1e6, total_loop / total_kiln);
#ifdef KILN_BENCH_EIGEN
  std::printf(" %11.2f %7.2fx", total_eigen * 1e6, total_loop / total_eigen);
#endif
  std::printf("\nresults equal the loop bit for bit: %s\n", same ? "yes" : "NO");
  return same ? 0 : 1;
}
