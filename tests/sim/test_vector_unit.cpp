// The vector unit (npu.units.vector): vadd computes what kernels/add.h
// computes for the same parameters, takes the closed form of
// sim/vector_unit.h (one or two operand passes by bank), and is refused on an
// NPU without the unit.
#include <catch2/catch.hpp>

#include <cmath>

#include "arch/command_codec.h"
#include "kernels/add.h"
#include "kernels/requantize.h"
#include "tests/sim/sim_test_util.h"
#include "tests/support/error_of.h"

using namespace kiln;
using namespace kiln::test;

namespace {

constexpr uint32_t kCount = 1000;

// TFLite's Prepare for an int8 add of scales s1 + s2 -> so (kernels/add.h).
kernels::AddParams add_params() {
  const double s1 = 0.05, s2 = 0.07, so = 0.1;
  kernels::AddParams p;
  p.count = kCount;
  p.in1_zp = -3, p.in2_zp = 7, p.out_zp = -12, p.left_shift = 20;
  const double twice_max = 2 * std::max(s1, s2);
  kernels::quantize_multiplier(s1 / twice_max, &p.in1_mult, &p.in1_shift);
  kernels::quantize_multiplier(s2 / twice_max, &p.in2_mult, &p.in2_shift);
  kernels::quantize_multiplier(twice_max / ((1 << 20) * so), &p.out_mult, &p.out_shift);
  p.act_min = -100, p.act_max = 110;
  return p;
}

VectorAddCmd vadd_of(const kernels::AddParams& p, uint32_t b_offset) {
  VectorAddCmd v;
  v.a = {Buffer::Input, 0};
  v.b = {Buffer::Input, b_offset};
  v.out = {Buffer::Output, 0};
  v.count = uint32_t(p.count);
  v.a_zp = int8_t(p.in1_zp), v.a_mult = p.in1_mult, v.a_shift = int8_t(p.in1_shift);
  v.b_zp = int8_t(p.in2_zp), v.b_mult = p.in2_mult, v.b_shift = int8_t(p.in2_shift);
  v.out_zp = int8_t(p.out_zp), v.out_mult = p.out_mult, v.out_shift = int8_t(p.out_shift);
  v.left_shift = uint8_t(p.left_shift);
  v.act_min = int8_t(p.act_min), v.act_max = int8_t(p.act_max);
  return v;
}

// a and b side by side in SRAM, loaded by one 2-row DMA to input+0 and input+b_offset;
// vadd into output+0; the result stored after them.
Program vadd_program(const std::vector<int8_t>& a, const std::vector<int8_t>& b, const VectorAddCmd& v) {
  Program p;
  std::vector<uint8_t> ab = bytes_of(a);
  const std::vector<uint8_t> bb = bytes_of(b);
  ab.insert(ab.end(), bb.begin(), bb.end());
  p.images.push_back(image("sram", kSram, ab));
  p.commands.push_back(dma(Opcode::DmaLoad, 0, kSram, Buffer::Input, 0, 2, kCount, kCount, v.b.offset));
  p.commands.back().deps = deps(false, false, false, true);
  p.commands.push_back(make(Opcode::VectorAdd, v, deps(true, false, false, true)));
  p.commands.push_back(dma(Opcode::DmaStore, 1, kSram + 2 * kCount, Buffer::Output, 0, 1, kCount, 0, 0));
  p.commands.back().deps = deps(true, false, false, false);
  p.commands.push_back(end_cmd());
  return p;
}

}  // namespace

TEST_CASE("vector unit: vadd equals the add kernel bit for bit and takes its closed form", "[vector]") {
  const kernels::AddParams params = add_params();
  const std::vector<int8_t> a = random_int8(kCount, 1), b = random_int8(kCount, 2);
  std::vector<int8_t> expected(kCount);
  kernels::add(params, a.data(), b.data(), expected.data());
  const uint64_t npu_ps = period_ps(default_soc().npu.clock_mhz);
  // The default input buffer is 64 KiB in two banks of 32 KiB: b at 32 KiB is
  // in the other bank (one pass), b at 1 KiB in a's bank (two passes).
  struct Case { uint32_t b_offset; uint64_t lanes; uint64_t passes; };
  for (const Case c : {Case{32 * 1024, 16, 1}, Case{1024, 16, 2}, Case{32 * 1024, 8, 1}}) {
    INFO("b at input+" << c.b_offset << ", " << c.lanes << " lanes");
    const SocConfig soc = vector_soc(c.lanes);
    const Program p = vadd_program(a, b, vadd_of(params, c.b_offset));
    validate_program(p, soc, "t");
    const RunReport r = run_in_child(soc, p, [](const SimResult& s) { return s.read(kSram + 2 * kCount, kCount); });
    INFO(r.error);
    REQUIRE(r.ok);
    CHECK(r.output == bytes_of(expected));
    const ProfileEvent ev = event_of_command(r, 1);
    CHECK(ev.name == "vadd");
    CHECK(ev.duration_ps() == (1 + c.passes * ((kCount + c.lanes - 1) / c.lanes)) * npu_ps);
  }
}

TEST_CASE("vector unit: vadd on an NPU without the unit is refused by validation and by the NPU", "[vector]") {
  const std::vector<int8_t> a = random_int8(kCount, 1), b = random_int8(kCount, 2);
  const Program p = vadd_program(a, b, vadd_of(add_params(), 32 * 1024));
  const SocConfig soc = default_soc();
  CHECK(error_of([&] { validate_program(p, soc, "t"); }) ==
        "t: command 1: vadd: SoC 'default' has no vector unit (enable it under npu.units.vector)");
  const RunReport r = run_in_child(soc, p);
  CHECK_FALSE(r.ok);
  CHECK_THAT(r.error, Catch::Contains("command 1: no unit of this NPU executes vadd (units: array, post_process;"));
}
