// The Verilated array core against a direct int32 GEMM and the closed-form
// timing of arch/array_timing.h, with the TLM engine alongside: randomized
// shapes (fixed seeds) per array size and dataflow, then the edge cases.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <limits>

#include "arch/error.h"
#include "rtl_tile_check.h"

using namespace kiln;
using namespace kiln::test;

namespace {

constexpr Dataflow kDataflows[] = {Dataflow::WeightStationary, Dataflow::OutputStationary,
                                   Dataflow::InputStationary};

// Runs the random sweep on one size for every dataflow.
void sweep_size(unsigned rows, unsigned cols, int shapes, double span, uint32_t seed) {
  if (!rtl_size_built(rows, cols)) {
    WARN(rows << "x" << cols << " is not in KILN_RTL_SIZES; skipped");
    return;
  }
  for (Dataflow d : kDataflows) {
    INFO(dataflow_name(d));
    CHECK(sweep(rows, cols, d, shapes, span, seed + uint32_t(d)) == "");
  }
}

// Shapes at and around the fold boundaries: 1, size-1, size, size+1, 2*size+1.
std::vector<uint32_t> boundary_dims(unsigned size) {
  return {1u, size - 1, size, size + 1, 2 * size + 1};
}

void edge_cases(unsigned rows, unsigned cols) {
  if (!rtl_size_built(rows, cols)) {
    WARN(rows << "x" << cols << " is not in KILN_RTL_SIZES; skipped");
    return;
  }
  auto rtl = make_rtl_array_engine(npu_of(rows, cols));
  auto tlm = make_tlm_array_engine(npu_of(rows, cols));
  std::mt19937 rng(rows * 1000 + cols);
  const unsigned big = std::max(rows, cols);
  int checked = 0;
  for (Dataflow d : kDataflows) {
    // Every combination of boundary dimensions (K=1, M=1, N=1, exact and partial folds).
    for (uint32_t m : boundary_dims(big))
      for (uint32_t n : boundary_dims(big))
        for (uint32_t k : boundary_dims(big)) {
          if (m == 0 || n == 0 || k == 0) continue;
          CHECK(check_tile(*rtl, *tlm, random_case(rng, d, m, n, k, false), rows, cols) == "");
          ++checked;
        }
    // Extreme operands, overwrite and accumulate: the largest products and sums.
    for (bool acc : {false, true}) {
      CHECK(check_tile(*rtl, *tlm, random_case(rng, d, 2 * rows + 3, cols + 2, 3 * big + 1, acc, Values::Extremes),
                       rows, cols) == "");
      ++checked;
    }
  }
  CHECK(checked == 3 * (125 + 2));
}

}  // namespace

TEST_CASE("rtl engine: random tiles on 8x8 equal the reference GEMM and the closed-form cycles", "[rtl]") {
  sweep_size(8, 8, 150, 3.5, 8001);
}

TEST_CASE("rtl engine: random tiles on 16x16 equal the reference GEMM and the closed-form cycles", "[rtl]") {
  sweep_size(16, 16, 100, 2.5, 16001);
}

TEST_CASE("rtl engine: random tiles on 32x32 equal the reference GEMM and the closed-form cycles", "[rtl]") {
  sweep_size(32, 32, 50, 2.2, 32001);
}

TEST_CASE("rtl engine: fold boundaries and extreme values on 8x8", "[rtl]") { edge_cases(8, 8); }
TEST_CASE("rtl engine: fold boundaries and extreme values on 16x16", "[rtl]") { edge_cases(16, 16); }

TEST_CASE("rtl engine: accumulate chains across commands and dataflows", "[rtl]") {
  if (!rtl_size_built(8, 8)) return;
  auto rtl = make_rtl_array_engine(npu_of(8, 8));
  std::mt19937 rng(77);
  // C = sum of several A_i * B_i over the same M x N, each command in a
  // different dataflow: what a compiler does when it splits K across tiles.
  const uint32_t m = 13, n = 11;
  std::vector<int32_t> c(size_t(m) * n), expected(size_t(m) * n);
  for (int step = 0; step < 9; ++step) {
    const uint32_t k = 1 + rng() % 20;
    TileCase tc = random_case(rng, kDataflows[step % 3], m, n, k, step > 0);
    tc.c0 = expected;
    expected = reference_gemm(tc);
    rtl->run(tc.tile(), c.data());
    INFO("step " << step << ": " << tc.describe());
    REQUIRE(first_difference(expected, c, n) == "");
  }
}

TEST_CASE("rtl engine: int32 accumulation wraps as two's complement", "[rtl]") {
  if (!rtl_size_built(8, 8)) return;
  auto rtl = make_rtl_array_engine(npu_of(8, 8));
  for (Dataflow d : kDataflows) {
    TileCase tc;
    tc.dataflow = d;
    tc.m = 3;
    tc.n = 2;
    tc.k = 10;
    tc.accumulate = true;
    tc.a.assign(tc.m * tc.k, -128);
    tc.b.assign(tc.k * tc.n, -128);  // each product +16384, ten per element
    tc.c0.assign(tc.m * tc.n, std::numeric_limits<int32_t>::max() - 100);
    std::vector<int32_t> c = tc.c0;
    rtl->run(tc.tile(), c.data());
    const int32_t wrapped = int32_t(uint32_t(std::numeric_limits<int32_t>::max() - 100) + 163840u);
    INFO(dataflow_name(d));
    CHECK(wrapped < 0);
    CHECK(c == std::vector<int32_t>(tc.m * tc.n, wrapped));
  }
}

TEST_CASE("rtl engine: an empty K costs the command overhead and clears or keeps C", "[rtl]") {
  if (!rtl_size_built(8, 8)) return;
  auto rtl = make_rtl_array_engine(npu_of(8, 8));
  TileCase tc;
  tc.m = 2;
  tc.n = 3;
  tc.k = 0;
  std::vector<int32_t> c(6, 42);
  tc.accumulate = true;
  CHECK(rtl->run(tc.tile(), c.data()).cycles == kArrayCommandOverhead);
  CHECK(c == std::vector<int32_t>(6, 42));
  tc.accumulate = false;
  CHECK(rtl->run(tc.tile(), c.data()).cycles == kArrayCommandOverhead);
  CHECK(c == std::vector<int32_t>(6, 0));
}

TEST_CASE("rtl engine: a size without a Verilated build is a clear error", "[rtl]") {
  NpuConfig npu = npu_of(12, 12);
  try {
    make_rtl_array_engine(npu);
    FAIL("no error for 12x12");
  } catch (const Error& e) {
    const std::string what = e.what();
    CHECK(what.find("12x12") != std::string::npos);
    CHECK(what.find("KILN_RTL_SIZES") != std::string::npos);
    if (rtl_size_built(8, 8)) CHECK(what.find("8x8") != std::string::npos);
  }
  // The generic factory reaches the same engine through npu.engine.
  CHECK_THROWS_AS(make_array_engine(npu), Error);
}

TEST_CASE("rtl engine: the generic factory builds the rtl engine from npu.engine", "[rtl]") {
  if (!rtl_size_built(16, 16)) return;
  auto engine = make_array_engine(npu_of(16, 16));
  CHECK(engine->name() == "rtl");
  CHECK(dynamic_cast<RtlArrayEngine*>(engine.get()) != nullptr);
}

TEST_CASE("rtl engine: VCD dump covers the chosen command range", "[rtl]") {
  if (!rtl_size_built(8, 8)) return;
  auto engine = make_rtl_array_engine(npu_of(8, 8));
  auto* rtl = dynamic_cast<RtlArrayEngine*>(engine.get());
  REQUIRE(rtl != nullptr);
  const std::string path = "rtl_engine_test.vcd";
  std::remove(path.c_str());
  // Stream commands 3..4 only: of the calls for commands 2, 3, 3, 4, 6 the middle three.
  rtl->set_vcd(path, 3, 4);
  std::mt19937 rng(5);
  uint64_t traced_cycles = 0;
  for (uint64_t command : {2, 3, 3, 4, 6}) {
    TileCase tc = random_case(rng, Dataflow::WeightStationary, 4, 5, 6, false);
    ArrayTile tile = tc.tile();
    tile.command = command;
    std::vector<int32_t> c(tc.c0);
    const uint64_t cycles = engine->run(tile, c.data()).cycles;
    CHECK(rtl->vcd_written() == (command >= 3));  // opened at the first traced command
    if (command >= 3 && command <= 4) traced_cycles += cycles;
  }
  CHECK(rtl->calls() == 5);
  std::ifstream in(path);
  REQUIRE(in.good());
  const std::string vcd((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(vcd.find("$enddefinitions") != std::string::npos);
  CHECK(vcd.find("c_wr_data") != std::string::npos);
  // Two time steps (clock low, clock high) per cycle of the traced calls only.
  size_t stamps = 0;
  for (size_t at = vcd.find("\n#"); at != std::string::npos; at = vcd.find("\n#", at + 1)) ++stamps;
  CHECK(stamps == 2 * traced_cycles);
  std::remove(path.c_str());
}

// The exhaustive sweep: ctest label "slow" (rtl/CMakeLists.txt runs "[slow]").
TEST_CASE("rtl engine: exhaustive random sweep on 8x8, 16x16 and 32x32", "[.][slow]") {
  sweep_size(8, 8, 600, 5.0, 18001);
  sweep_size(16, 16, 400, 4.0, 116001);
  sweep_size(32, 32, 200, 3.0, 132001);
}

// Co-simulation speed per size: `test_rtl "[bench]"` (not run by ctest).
TEST_CASE("rtl engine: co-simulation speed in array cycles per second", "[.][bench]") {
  for (unsigned size : {8u, 16u, 32u}) {
    if (!rtl_size_built(size, size)) continue;
    auto rtl = make_rtl_array_engine(npu_of(size, size));
    std::mt19937 rng(size);
    uint64_t cycles = 0;
    const auto begin = std::chrono::steady_clock::now();
    for (Dataflow d : kDataflows) {
      // A convolution-like tile: M output pixels, K = 3x3xC, N channels.
      TileCase tc = random_case(rng, d, 196, 2 * size, 9 * size, false);
      std::vector<int32_t> c(tc.c0);
      for (int rep = 0; rep < 3; ++rep) cycles += rtl->run(tc.tile(), c.data()).cycles;
      CHECK(first_difference(reference_gemm(tc), c, tc.n) == "");
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
    WARN(size << "x" << size << ": " << cycles << " cycles in " << seconds << " s = " << uint64_t(cycles / seconds)
              << " array cycles/s");
  }
}
