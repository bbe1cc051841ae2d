// The Verilated vector unit (rtl/kiln_vector.v) against the kernels of
// kernels/ on random operands over the edges of their arithmetic: zero points
// across int8, multipliers at 0, 2^30 and 2^31 - 1, every shift, left shifts
// that take the vadd sum to the edge of int32 (where it wraps), clamps,
// counts that leave lanes idle, pools with padding and strides, means whose
// folded multiplier caps its shift, products with left shifts that wrap, a
// repeating b of every divisor of the count, and random tables. Results bit
// for bit, cycles equal to the closed form of each command's row in
// arch/command.h: on the 16-lane unit, and vsub, vmul and vlut on every lane
// count the build has. And every command the vector unit claims has its RTL.
// Each command runs through the beat program its file in sim/vector/
// registers, on its operands in its row's order.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

#include "arch/command.h"
#include "arch/vector_timing.h"
#include "kernels/add.h"
#include "kernels/avg_pool.h"
#include "kernels/lut.h"
#include "kernels/max_pool.h"
#include "kernels/maximum_minimum.h"
#include "kernels/mean.h"
#include "kernels/mul.h"
#include "kernels/requantize_tensor.h"
#include "kernels/sub.h"
#include "sim/scratchpad.h"
#include "sim/vector_rtl_core.h"
#include "sim/vector_unit.h"

namespace {

using kiln::Command;
using kiln::Opcode;

constexpr unsigned kLanes = 16;  // the shipped vector config's, in every build with a vector RTL

struct Rng {
  std::mt19937 gen{20261206};
  int pick(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(gen); }
  int8_t byte() { return int8_t(pick(-128, 127)); }
  std::vector<int8_t> bytes(size_t n) {
    std::vector<int8_t> v(n);
    for (auto& x : v) x = byte();
    return v;
  }
  // Multipliers at the edges and in between.
  int32_t mult() {
    switch (pick(0, 5)) {
      case 0: return 0;
      case 1: return 1 << 30;
      case 2: return 0x7fffffff;
      case 3: return pick(1, 1000);
      default: return int32_t(std::uniform_int_distribution<int64_t>(1 << 30, 0x7fffffff)(gen));
    }
  }
  void clamp(int8_t& lo, int8_t& hi) {
    if (pick(0, 2) == 0) {
      lo = -128, hi = 127;
      return;
    }
    const int a = pick(-128, 127), b = pick(-128, 127);
    lo = int8_t(std::min(a, b)), hi = int8_t(std::max(a, b));
  }
};

std::unique_ptr<kiln::sim::VectorRtlCore> core() {
  auto c = kiln::sim::make_vector_rtl_core(kLanes);
  if (!c) WARN("16 lanes are not in KILN_RTL_VECTOR_LANES; skipped");
  return c;
}

uint64_t groups(uint64_t n, uint64_t lanes = kLanes) { return (n + lanes - 1) / lanes; }

// Runs `cmd` on `core` with the operands it reads, in its row's order; its
// results into out (out_bytes of them).
uint64_t run(kiln::sim::VectorRtlCore& core, const Command& cmd, unsigned passes, std::vector<const int8_t*> in,
             int8_t* out, uint64_t out_bytes) {
  return core.run(kiln::sim::VectorRtlCommand{cmd, passes, std::move(in), out_bytes}, out);
}

uint64_t closed_form(const Command& cmd, unsigned lanes = kLanes) {
  return kiln::command_cycles(cmd, kiln::NpuConfig{}, lanes);
}

}  // namespace

TEST_CASE("rtl vector unit: vrequant equals kernels::requantize on random operands", "[rtl][vector]") {
  auto rtl = core();
  if (!rtl) return;
  Rng r;
  for (int t = 0; t < 400; ++t) {
    Command cmd;
    cmd.op = Opcode::VectorRequantize;
    kiln::VectorRequantizeCmd v;
    v.count = uint32_t(r.pick(1, 80));
    v.in_zp = r.byte(), v.out_zp = r.byte();
    v.mult = r.mult();
    v.shift = int8_t(r.pick(-31, 30));
    r.clamp(v.act_min, v.act_max);
    cmd.body = v;
    const auto in = r.bytes(v.count);
    kiln::kernels::RequantizeParams p;
    p.count = v.count, p.in_zp = v.in_zp, p.out_zp = v.out_zp, p.mult = v.mult, p.shift = v.shift;
    p.act_min = v.act_min, p.act_max = v.act_max;
    std::vector<int8_t> expected(v.count), got(v.count);
    kiln::kernels::requantize(p, in.data(), expected.data());
    const unsigned passes = unsigned(r.pick(1, 2));
    const uint64_t cycles = run(*rtl, cmd, passes, {in.data()}, got.data(), got.size());
    INFO("count " << v.count << " zp " << int(v.in_zp) << "/" << int(v.out_zp) << " mult " << v.mult << " shift "
                  << int(v.shift));
    REQUIRE(got == expected);
    CHECK(cycles == 1 + passes * groups(v.count));
  }
}

TEST_CASE("rtl vector unit: vadd equals kernels::add, including sums that wrap int32", "[rtl][vector]") {
  auto rtl = core();
  if (!rtl) return;
  Rng r;
  for (int t = 0; t < 400; ++t) {
    Command cmd;
    cmd.op = Opcode::VectorAdd;
    kiln::VectorAddCmd v;
    v.count = uint32_t(r.pick(1, 80));
    v.a_zp = r.byte(), v.b_zp = r.byte(), v.out_zp = r.byte();
    v.a_mult = r.mult(), v.b_mult = r.mult(), v.out_mult = r.mult();
    // Shift 0 with the largest multiplier and left shift takes a + b past int32.
    v.a_shift = int8_t(r.pick(0, 3) == 0 ? 0 : r.pick(-31, 0));
    v.b_shift = int8_t(r.pick(0, 3) == 0 ? 0 : r.pick(-31, 0));
    v.out_shift = int8_t(r.pick(-31, 0));
    v.left_shift = uint8_t(r.pick(0, 3) == 0 ? 22 : r.pick(0, 22));
    r.clamp(v.act_min, v.act_max);
    cmd.body = v;
    const auto a = r.bytes(v.count), b = r.bytes(v.count);
    kiln::kernels::AddParams p;
    p.count = v.count, p.in1_zp = v.a_zp, p.in2_zp = v.b_zp, p.out_zp = v.out_zp, p.left_shift = v.left_shift;
    p.in1_mult = v.a_mult, p.in1_shift = v.a_shift, p.in2_mult = v.b_mult, p.in2_shift = v.b_shift;
    p.out_mult = v.out_mult, p.out_shift = v.out_shift, p.act_min = v.act_min, p.act_max = v.act_max;
    std::vector<int8_t> expected(v.count), got(v.count);
    kiln::kernels::add(p, a.data(), b.data(), expected.data());
    const unsigned passes = unsigned(r.pick(1, 2));
    const uint64_t cycles = run(*rtl, cmd, passes, {a.data(), b.data()}, got.data(), got.size());
    INFO("count " << v.count << " left_shift " << int(v.left_shift) << " mults " << v.a_mult << "/" << v.b_mult << "/"
                  << v.out_mult << " shifts " << int(v.a_shift) << "/" << int(v.b_shift) << "/" << int(v.out_shift));
    REQUIRE(got == expected);
    CHECK(cycles == 1 + passes * groups(v.count));
  }
}

TEST_CASE("rtl vector unit: vmax and vmin equal kernels::maximum and minimum", "[rtl][vector]") {
  auto rtl = core();
  if (!rtl) return;
  Rng r;
  for (const Opcode op : {Opcode::VectorMax, Opcode::VectorMin}) {
    for (int t = 0; t < 50; ++t) {
      Command cmd;
      cmd.op = op;
      kiln::VectorMaxMinCmd v;
      v.count = uint32_t(r.pick(1, 100));
      cmd.body = v;
      auto a = r.bytes(v.count), b = r.bytes(v.count);
      for (size_t i = 0; i < a.size(); i += 3) b[i] = a[i];  // ties
      kiln::kernels::MaxMinParams p;
      p.count = v.count;
      std::vector<int8_t> expected(v.count), got(v.count);
      (op == Opcode::VectorMax ? kiln::kernels::maximum : kiln::kernels::minimum)(p, a.data(), b.data(),
                                                                                    expected.data());
      const uint64_t cycles = run(*rtl, cmd, 1, {a.data(), b.data()}, got.data(), got.size());
      REQUIRE(got == expected);
      CHECK(cycles == 1 + groups(v.count));
    }
  }
}

TEST_CASE("rtl vector unit: vmaxpool and vavgpool equal the kernels with padding and strides", "[rtl][vector]") {
  auto rtl = core();
  if (!rtl) return;
  Rng r;
  int checked = 0;
  for (int t = 0; t < 300; ++t) {
    const bool average = t % 2 == 1;
    kiln::VectorPoolCmd v;
    v.kh = uint8_t(r.pick(1, 4)), v.kw = uint8_t(r.pick(1, 4));
    v.stride_h = uint8_t(r.pick(1, 3)), v.stride_w = uint8_t(r.pick(1, 3));
    v.pad_top = uint8_t(r.pick(0, v.kh - 1)), v.pad_left = uint8_t(r.pick(0, v.kw - 1));
    v.in_h = uint16_t(r.pick(1, 7)), v.in_w = uint16_t(r.pick(1, 7)), v.c = uint16_t(r.pick(1, 40));
    const int out_h = (v.in_h + 2 * v.pad_top - v.kh) / v.stride_h + 1;
    const int out_w = (v.in_w + 2 * v.pad_left - v.kw) / v.stride_w + 1;
    if (out_h < 1 || out_w < 1) continue;
    v.out_h = uint16_t(out_h), v.out_w = uint16_t(out_w);
    r.clamp(v.act_min, v.act_max);
    kiln::kernels::PoolParams p;
    p.in_h = v.in_h, p.in_w = v.in_w, p.c = v.c, p.out_h = v.out_h, p.out_w = v.out_w;
    p.kh = v.kh, p.kw = v.kw, p.stride_h = v.stride_h, p.stride_w = v.stride_w;
    p.pad_top = v.pad_top, p.pad_left = v.pad_left, p.act_min = v.act_min, p.act_max = v.act_max;
    try {
      kiln::kernels::validate(p, "pool");
    } catch (const std::exception&) {
      continue;  // a window wholly in the padding: not a pool kiln emits
    }
    Command cmd;
    cmd.op = average ? Opcode::VectorAvgPool : Opcode::VectorMaxPool;
    cmd.body = v;
    const auto in = r.bytes(size_t(v.in_h) * v.in_w * v.c);
    std::vector<int8_t> expected(size_t(v.out_h) * v.out_w * v.c), got(expected.size());
    (average ? kiln::kernels::avg_pool : kiln::kernels::max_pool)(p, in.data(), expected.data());
    const uint64_t cycles = run(*rtl, cmd, 1, {in.data()}, got.data(), got.size());
    INFO((average ? "avg" : "max") << " in " << v.in_h << "x" << v.in_w << "x" << v.c << " k " << int(v.kh) << "x"
                                   << int(v.kw) << " stride " << int(v.stride_h) << "x" << int(v.stride_w) << " pad "
                                   << int(v.pad_top) << "," << int(v.pad_left));
    REQUIRE(got == expected);
    CHECK(cycles == closed_form(cmd));
    ++checked;
  }
  CHECK(checked > 200);
}

TEST_CASE("rtl vector unit: vmean equals kernels::mean, including the folded multiplier's edges", "[rtl][vector]") {
  auto rtl = core();
  if (!rtl) return;
  Rng r;
  for (int t = 0; t < 200; ++t) {
    kiln::VectorMeanCmd v;
    v.h = uint16_t(r.pick(1, t % 10 == 0 ? 40 : 8)), v.w = uint16_t(r.pick(1, t % 10 == 0 ? 40 : 8));
    v.c = uint16_t(r.pick(1, 40));
    v.in_zp = r.byte(), v.out_zp = r.byte();
    v.mult = r.mult();
    // Shifts near -31 cap the fold at 31 + shift.
    v.shift = int8_t(r.pick(0, 3) == 0 ? r.pick(-31, -26) : r.pick(-31, 30));
    Command cmd;
    cmd.op = Opcode::VectorMean;
    cmd.body = v;
    const auto in = r.bytes(size_t(v.h) * v.w * v.c);
    kiln::kernels::MeanParams p;
    p.h = v.h, p.w = v.w, p.c = v.c, p.in_zp = v.in_zp, p.out_zp = v.out_zp, p.mult = v.mult, p.shift = v.shift;
    std::vector<int8_t> expected(v.c), got(v.c);
    kiln::kernels::mean(p, in.data(), expected.data());
    const uint64_t cycles = run(*rtl, cmd, 1, {in.data()}, got.data(), got.size());
    INFO("mean " << v.h << "x" << v.w << "x" << v.c << " mult " << v.mult << " shift " << int(v.shift));
    REQUIRE(got == expected);
    CHECK(cycles == closed_form(cmd));
  }
}

TEST_CASE("rtl vector unit: a command it does not implement is an error, not a no-op", "[rtl][vector]") {
  auto rtl = core();
  if (!rtl) return;
  Command cmd;
  cmd.op = Opcode::Gemm;
  cmd.body = kiln::GemmCmd{};
  int8_t out = 0;
  CHECK_THROWS_WITH(run(*rtl, cmd, 1, {&out}, &out, 1), Catch::Contains("has no RTL implementation (rtl/kiln_vector.v)"));
  CHECK_FALSE(kiln::sim::vector_rtl_implements(Opcode::Gemm));
  CHECK(kiln::sim::vector_rtl_implements(Opcode::VectorMean));
}

TEST_CASE("rtl vector unit: vsub equals kernels::sub, including differences that wrap int32", "[rtl][vector]") {
  // Every lane count of this build (16 by default; KILN_RTL_VECTOR_LANES).
  for (const unsigned lanes : kiln::sim::vector_rtl_lanes()) {
    auto rtl = kiln::sim::make_vector_rtl_core(lanes);
    Rng r;
    for (int t = 0; t < 400; ++t) {
      Command cmd;
      cmd.op = Opcode::VectorSub;
      kiln::VectorAddCmd v;
      v.count = uint32_t(r.pick(1, 80));
      v.a_zp = r.byte(), v.b_zp = r.byte(), v.out_zp = r.byte();
      v.a_mult = r.mult(), v.b_mult = r.mult(), v.out_mult = r.mult();
      // Shift 0 with the largest multiplier and left shift takes a - b past int32.
      v.a_shift = int8_t(r.pick(0, 3) == 0 ? 0 : r.pick(-31, 0));
      v.b_shift = int8_t(r.pick(0, 3) == 0 ? 0 : r.pick(-31, 0));
      v.out_shift = int8_t(r.pick(-31, 0));
      v.left_shift = uint8_t(r.pick(0, 3) == 0 ? 22 : r.pick(0, 22));
      r.clamp(v.act_min, v.act_max);
      cmd.body = v;
      const auto a = r.bytes(v.count), b = r.bytes(v.count);
      kiln::kernels::SubParams p;
      p.count = p.in1_count = p.in2_count = v.count;
      p.in1_zp = v.a_zp, p.in2_zp = v.b_zp, p.out_zp = v.out_zp, p.left_shift = v.left_shift;
      p.in1_mult = v.a_mult, p.in1_shift = v.a_shift, p.in2_mult = v.b_mult, p.in2_shift = v.b_shift;
      p.out_mult = v.out_mult, p.out_shift = v.out_shift, p.act_min = v.act_min, p.act_max = v.act_max;
      std::vector<int8_t> expected(v.count), got(v.count);
      kiln::kernels::sub(p, a.data(), b.data(), expected.data());
      const unsigned passes = unsigned(r.pick(1, 2));
      const uint64_t cycles = run(*rtl, cmd, passes, {a.data(), b.data()}, got.data(), got.size());
      INFO(lanes << " lanes, count " << v.count << " left_shift " << int(v.left_shift) << " mults " << v.a_mult << "/"
                 << v.b_mult << "/" << v.out_mult << " shifts " << int(v.a_shift) << "/" << int(v.b_shift) << "/"
                 << int(v.out_shift));
      REQUIRE(got == expected);
      CHECK(cycles == 1 + passes * groups(v.count, lanes));
    }
  }
}

TEST_CASE("rtl vector unit: vmul equals kernels::mul with a repeating b and left shifts", "[rtl][vector]") {
  // Every lane count of this build (16 by default; KILN_RTL_VECTOR_LANES).
  for (const unsigned lanes : kiln::sim::vector_rtl_lanes()) {
    auto rtl = kiln::sim::make_vector_rtl_core(lanes);
    Rng r;
    int repeating = 0, wrapped = 0;
    for (int t = 0; t < 500; ++t) {
      Command cmd;
      cmd.op = Opcode::VectorMul;
      kiln::VectorMulCmd v;
      v.count = uint32_t(r.pick(1, 96));
      // b: as long as a, one element, or another divisor of the count.
      std::vector<uint32_t> divisors;
      for (uint32_t d = 1; d <= v.count; ++d)
        if (v.count % d == 0) divisors.push_back(d);
      switch (r.pick(0, 2)) {
        case 0: v.b_count = v.count; break;
        case 1: v.b_count = 1; break;
        default: v.b_count = divisors[size_t(r.pick(0, int(divisors.size()) - 1))];
      }
      repeating += v.b_count < v.count;
      v.a_zp = r.byte(), v.b_zp = r.byte(), v.out_zp = r.byte();
      v.mult = r.mult();
      // A product is below 2^16: a left shift past 15 wraps it, as the kernel's does.
      v.shift = int8_t(r.pick(0, 2) == 0 ? r.pick(1, 30) : r.pick(-31, 0));
      wrapped += v.shift > 15;
      r.clamp(v.act_min, v.act_max);
      cmd.body = v;
      const auto a = r.bytes(v.count), b = r.bytes(v.b_count);
      kiln::kernels::MulParams p;
      p.count = p.in1_count = v.count;
      p.in2_count = v.b_count;
      p.in1_zp = v.a_zp, p.in2_zp = v.b_zp, p.out_zp = v.out_zp, p.out_mult = v.mult, p.out_shift = v.shift;
      p.act_min = v.act_min, p.act_max = v.act_max;
      std::vector<int8_t> expected(v.count), got(v.count);
      kiln::kernels::mul(p, a.data(), b.data(), expected.data());
      const unsigned passes = unsigned(r.pick(1, 2));
      const uint64_t cycles = run(*rtl, cmd, passes, {a.data(), b.data()}, got.data(), got.size());
      INFO(lanes << " lanes, count " << v.count << " b_count " << v.b_count << " zp " << int(v.a_zp) << "/"
                 << int(v.b_zp) << "/" << int(v.out_zp) << " mult " << v.mult << " shift " << int(v.shift));
      REQUIRE(got == expected);
      CHECK(cycles == 1 + passes * groups(v.count, lanes));
    }
    CHECK(repeating > 150);
    CHECK(wrapped > 30);
  }
}

TEST_CASE("rtl vector unit: vlut equals kernels::lut on random tables, the table's load in the cycles",
          "[rtl][vector]") {
  // Every lane count of this build (16 by default; KILN_RTL_VECTOR_LANES).
  for (const unsigned lanes : kiln::sim::vector_rtl_lanes()) {
    auto rtl = kiln::sim::make_vector_rtl_core(lanes);
    Rng r;
    for (int t = 0; t < 300; ++t) {
      Command cmd;
      cmd.op = Opcode::VectorLut;
      kiln::VectorLutCmd v;
      v.count = uint32_t(r.pick(1, t % 10 == 0 ? 600 : 80));
      cmd.body = v;
      const auto table = r.bytes(kiln::kernels::kLutEntries);
      auto in = r.bytes(v.count);
      if (t % 7 == 0)  // every entry, the table's edges included
        for (size_t i = 0; i < in.size(); ++i) in[i] = int8_t(i);
      kiln::kernels::LutParams p;
      p.count = v.count;
      std::vector<int8_t> expected(v.count), got(v.count);
      kiln::kernels::lut(p, in.data(), table.data(), expected.data());
      const unsigned passes = unsigned(r.pick(1, 2));
      const uint64_t cycles = run(*rtl, cmd, passes, {in.data(), table.data()}, got.data(), got.size());
      INFO(lanes << " lanes, count " << v.count << " passes " << passes);
      REQUIRE(got == expected);
      CHECK(cycles == 1 + groups(kiln::kernels::kLutEntries, lanes) + passes * groups(v.count, lanes));
    }
  }
}

namespace {

// A scratchpad port the vector unit is built on but never reads through here.
struct NoScratchpad final : kiln::sim::ScratchpadIf {
  void read(kiln::Buffer, uint64_t, void*, uint64_t) const override {}
  void write(kiln::Buffer, uint64_t, const void*, uint64_t) override {}
  sc_core::sc_time reserve(const std::vector<kiln::sim::SpmRegion>&, const sc_core::sc_time& d) override { return d; }
  unsigned port_bytes_per_cycle() const override { return 1; }
};

}  // namespace

// A command added to the vector unit without its RTL fails here, not only
// when `kiln verify` or `--rtl` meets it in a stream.
TEST_CASE("rtl vector unit: every command the vector unit claims has its RTL", "[rtl][vector]") {
  kiln::NpuConfig npu;
  NoScratchpad spm;
  const kiln::sim::VectorUnit unit(npu, spm, kLanes);
  const std::vector<Opcode> claimed = unit.opcodes();
  REQUIRE(claimed.size() >= 10);
  for (const Opcode op : claimed) {
    INFO(kiln::to_string(op) << " is a vector unit command with no RTL in rtl/kiln_vector.v");
    CHECK(kiln::sim::vector_rtl_implements(op));
  }
  // And the RTL implements nothing the unit does not claim.
  for (unsigned code = 0; code < 256; ++code) {
    const auto op = Opcode(code);
    if (kiln::sim::vector_rtl_implements(op))
      CHECK(std::find(claimed.begin(), claimed.end(), op) != claimed.end());
  }
}
