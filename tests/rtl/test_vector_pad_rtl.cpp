// The Verilated vector unit runs vpad on the datapath it has (each lane's
// maximum of a byte with itself) as kernels::pad computes it, on random
// tiles, paddings, values and passes, on every lane count the build
// Verilates (KILN_RTL_VECTOR_LANES): bytes bit for bit, cycles equal to its
// row's closed form (arch/command.h).
#include <catch2/catch.hpp>

#include <cstdint>
#include <random>
#include <vector>

#include "arch/command.h"
#include "kernels/pad.h"
#include "sim/vector_rtl_core.h"

namespace {

using kiln::Command;
using kiln::Opcode;
using kiln::VectorPadCmd;

}  // namespace

TEST_CASE("rtl vector unit: vpad equals kernels::pad on random tiles, cycles the closed form", "[rtl][vector]") {
  const std::vector<unsigned> built = kiln::sim::vector_rtl_lanes();
  if (built.empty()) WARN("no Verilated vector unit in this build (KILN_RTL_VECTOR_LANES); skipped");
  for (const unsigned lanes : built) {
    auto rtl = kiln::sim::make_vector_rtl_core(lanes);
    REQUIRE(rtl);
    std::mt19937 gen(20261207);
    const auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(gen); };
    int ragged = 0, unpadded = 0, two_pass = 0;
    for (int t = 0; t < 300; ++t) {
      VectorPadCmd v;
      v.in_h = uint16_t(pick(1, 7)), v.in_w = uint16_t(pick(1, 7)), v.c = uint16_t(pick(1, 40));
      v.pad_top = uint8_t(pick(0, 3)), v.pad_bottom = uint8_t(pick(0, 3));
      v.pad_left = uint8_t(pick(0, 3)), v.pad_right = uint8_t(pick(0, 3));
      if (t % 10 == 0) v.pad_top = v.pad_bottom = v.pad_left = v.pad_right = 0;  // a plain copy
      v.value = int8_t(pick(-128, 127));
      std::vector<int8_t> in(size_t(v.in_h) * v.in_w * v.c);
      for (auto& x : in) x = int8_t(pick(-128, 127));
      kiln::kernels::PadParams p;
      p.in_h = v.in_h, p.in_w = v.in_w, p.c = v.c;
      p.pad_top = v.pad_top, p.pad_bottom = v.pad_bottom, p.pad_left = v.pad_left, p.pad_right = v.pad_right;
      p.pad_value = v.value;
      std::vector<int8_t> expected(size_t(v.out_h()) * v.out_w() * v.c), got(expected.size());
      kiln::kernels::pad(p, in.data(), expected.data());
      const Command cmd{Opcode::VectorPad, {}, v};
      const unsigned passes = unsigned(pick(1, 2));
      const uint64_t cycles = rtl->run({cmd, passes, {in.data()}, got.size()}, got.data());
      INFO(lanes << " lanes, " << v.in_h << "x" << v.in_w << "x" << v.c << " pads " << int(v.pad_top) << ","
                 << int(v.pad_bottom) << "," << int(v.pad_left) << "," << int(v.pad_right) << " value "
                 << int(v.value) << " passes " << passes);
      REQUIRE(got == expected);
      const uint64_t row = uint64_t(v.out_w()) * v.c;
      CHECK(cycles == 1 + passes * v.out_h() * ((row + lanes - 1) / lanes));
      CHECK(cycles == command_spec(Opcode::VectorPad).cycles(cmd, lanes, passes));
      ragged += row % lanes != 0;
      unpadded += v.pad_top + v.pad_bottom + v.pad_left + v.pad_right == 0;
      two_pass += passes == 2;
    }
    if (lanes > 1) CHECK(ragged > 100);
    CHECK(unpadded >= 30);
    CHECK(two_pass > 100);
  }
}
