// The vector unit's vsub, vmul and vlut: each computes what its kernel in
// kernels/ computes for the same parameters (kernels/sub.h, kernels/mul.h,
// kernels/lut.h), takes the closed form of its row in arch/command.h, and counts
// the actions docs/energy.md prices.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>

#include "arch/command_codec.h"
#include "arch/vector_timing.h"
#include "kernels/lut.h"
#include "kernels/mul.h"
#include "kernels/requantize.h"
#include "kernels/sub.h"
#include "tests/sim/sim_test_util.h"

using namespace kiln;
using namespace kiln::test;

namespace {

constexpr uint32_t kCount = 1000;

// `first` then `second` from SRAM into input+0 and input+32 KiB (the other
// bank), `cmd`, and kCount bytes of output+0 stored after them; the stored
// bytes, then the run's vector rescales and adds (8 bytes each).
RunReport run_two(const SocConfig& soc, const std::vector<int8_t>& first, const std::vector<int8_t>& second,
                  Command cmd) {
  Program prog;
  std::vector<int8_t> both = first;
  both.resize(kCount, 0);
  both.insert(both.end(), second.begin(), second.end());
  both.resize(2 * kCount, 0);
  prog.images.push_back(image("sram", kSram, bytes_of(both)));
  prog.commands.push_back(
      dma(Opcode::DmaLoad, 0, kSram, Buffer::Input, 0, 2, kCount, kCount, 32 * 1024, deps(false, false, false, true)));
  cmd.deps = deps(true, false, false, true);
  prog.commands.push_back(cmd);
  prog.commands.push_back(
      dma(Opcode::DmaStore, 1, kSram + 2 * kCount, Buffer::Output, 0, 1, kCount, 0, 0, deps(true, false, false, false)));
  prog.commands.push_back(end_cmd());
  validate_program(prog, soc, "t");
  return run_in_child(soc, prog, [](const SimResult& s) {
    std::vector<uint8_t> out = s.read(kSram + 2 * kCount, kCount);
    for (uint64_t v : {s.actions.vector_rescales, s.actions.vector_adds}) {
      uint8_t b[8];
      std::memcpy(b, &v, 8);
      out.insert(out.end(), b, b + 8);
    }
    return out;
  });
}

uint64_t counter_at(const std::vector<uint8_t>& out, size_t at) {
  uint64_t v = 0;
  std::memcpy(&v, out.data() + at, 8);
  return v;
}

// The command table's SoC check of one command.
std::string soc_problem(const Command& c, const SocConfig& soc) { return command_soc_problem(c, soc); }

std::vector<uint8_t> result(const RunReport& r) { return {r.output.begin(), r.output.begin() + kCount}; }

}  // namespace

TEST_CASE("vector unit: vsub equals the sub kernel bit for bit, at vadd's closed form", "[vector]") {
  const std::vector<int8_t> a = random_int8(kCount, 31), b = random_int8(kCount, 32);
  kernels::SubParams p;
  p.count = p.in1_count = p.in2_count = kCount;
  p.in1_zp = 3, p.in2_zp = -7, p.out_zp = 2, p.left_shift = 20;
  kernels::quantize_multiplier(0.4, &p.in1_mult, &p.in1_shift);
  kernels::quantize_multiplier(0.5, &p.in2_mult, &p.in2_shift);
  kernels::quantize_multiplier(1.0 / (1 << 20) * 1.3, &p.out_mult, &p.out_shift);
  p.act_min = -100, p.act_max = 110;
  std::vector<int8_t> expected(kCount);
  kernels::sub(p, a.data(), b.data(), expected.data());
  VectorAddCmd v;
  v.a = {Buffer::Input, 0}, v.b = {Buffer::Input, 32 * 1024}, v.out = {Buffer::Output, 0}, v.count = kCount;
  v.a_zp = 3, v.b_zp = -7, v.out_zp = 2, v.left_shift = 20;
  v.a_mult = p.in1_mult, v.a_shift = int8_t(p.in1_shift), v.b_mult = p.in2_mult, v.b_shift = int8_t(p.in2_shift);
  v.out_mult = p.out_mult, v.out_shift = int8_t(p.out_shift), v.act_min = -100, v.act_max = 110;
  const SocConfig soc = vector_soc(16);
  const RunReport r = run_two(soc, a, b, make(Opcode::VectorSub, v));
  INFO(r.error);
  REQUIRE(r.ok);
  CHECK(result(r) == bytes_of(expected));
  // The operands' order matters: a - b, not b - a.
  std::vector<int8_t> swapped(kCount);
  kernels::SubParams q = p;
  std::swap(q.in1_zp, q.in2_zp), std::swap(q.in1_mult, q.in2_mult), std::swap(q.in1_shift, q.in2_shift);
  kernels::sub(q, b.data(), a.data(), swapped.data());
  CHECK(result(r) != bytes_of(swapped));
  const ProfileEvent ev = event_of_command(r, 1);
  CHECK(ev.name == "vsub");
  CHECK(ev.duration_ps() == (1 + (kCount + 15) / 16) * period_ps(soc.npu.clock_mhz));
  CHECK(counter_at(r.output, kCount) == 3 * kCount);
  CHECK(counter_at(r.output, kCount + 8) == 5 * kCount);
}

TEST_CASE("vector unit: vmul equals the mul kernel bit for bit, with a multiplier above one", "[vector]") {
  const std::vector<int8_t> a = random_int8(kCount, 33), b = random_int8(kCount, 34);
  kernels::MulParams p;
  p.count = p.in1_count = p.in2_count = kCount;
  p.in1_zp = -5, p.in2_zp = 9, p.out_zp = -3;
  kernels::quantize_multiplier(0.0031, &p.out_mult, &p.out_shift);
  std::vector<int8_t> expected(kCount);
  kernels::mul(p, a.data(), b.data(), expected.data());
  VectorMulCmd v;
  v.a = {Buffer::Input, 0}, v.b = {Buffer::Input, 32 * 1024}, v.out = {Buffer::Output, 0}, v.count = kCount;
  v.b_count = kCount;
  v.a_zp = -5, v.b_zp = 9, v.out_zp = -3, v.mult = p.out_mult, v.shift = int8_t(p.out_shift);
  const SocConfig soc = vector_soc(8);
  const RunReport r = run_two(soc, a, b, make(Opcode::VectorMul, v));
  INFO(r.error);
  REQUIRE(r.ok);
  CHECK(result(r) == bytes_of(expected));
  const ProfileEvent ev = event_of_command(r, 1);
  CHECK(ev.name == "vmul");
  CHECK(ev.duration_ps() == (1 + (kCount + 7) / 8) * period_ps(soc.npu.clock_mhz));
  CHECK(counter_at(r.output, kCount) == kCount);
  CHECK(counter_at(r.output, kCount + 8) == 4 * kCount);
  // A multiplier above one (a positive shift) too.
  kernels::quantize_multiplier(3.7, &p.out_mult, &p.out_shift);
  REQUIRE(p.out_shift > 0);
  kernels::mul(p, a.data(), b.data(), expected.data());
  v.mult = p.out_mult, v.shift = int8_t(p.out_shift);
  const RunReport big = run_two(soc, a, b, make(Opcode::VectorMul, v));
  REQUIRE(big.ok);
  CHECK(result(big) == bytes_of(expected));
}

TEST_CASE("vector unit: vmul with b repeating every b_count elements, a per-channel gate", "[vector]") {
  const std::vector<int8_t> x = random_int8(kCount, 36), gate = random_int8(8, 37);
  kernels::MulParams p;
  p.count = p.in1_count = kCount;
  p.in2_count = 8;
  p.in1_zp = 2, p.in2_zp = -128, p.out_zp = 4;
  kernels::quantize_multiplier(0.0078 / 256 / 0.0061, &p.out_mult, &p.out_shift);
  std::vector<int8_t> expected(kCount);
  kernels::mul(p, x.data(), gate.data(), expected.data());
  VectorMulCmd v;
  v.a = {Buffer::Input, 0}, v.b = {Buffer::Input, 32 * 1024}, v.out = {Buffer::Output, 0};
  v.count = kCount, v.b_count = 8;
  v.a_zp = 2, v.b_zp = -128, v.out_zp = 4, v.mult = p.out_mult, v.shift = int8_t(p.out_shift);
  const SocConfig soc = vector_soc(16);
  const RunReport r = run_two(soc, x, gate, make(Opcode::VectorMul, v));
  INFO(r.error);
  REQUIRE(r.ok);
  CHECK(result(r) == bytes_of(expected));
  // Channel c of every pixel takes gate[c]: not the same as reading b element by element.
  std::vector<int8_t> gate_whole(kCount, 0);
  std::copy(gate.begin(), gate.end(), gate_whole.begin());
  kernels::MulParams q = p;
  q.in2_count = kCount;
  std::vector<int8_t> unrepeated(kCount);
  kernels::mul(q, x.data(), gate_whole.data(), unrepeated.data());
  CHECK(result(r) != bytes_of(unrepeated));
  CHECK(event_of_command(r, 1).duration_ps() == (1 + (kCount + 15) / 16) * period_ps(soc.npu.clock_mhz));
  v.b_count = 7;
  CHECK(command_problem(make(Opcode::VectorMul, v)) == "vmul: b_count=7 does not divide count=1000 (b repeats whole)");
}

TEST_CASE("vector unit: vlut reads every entry of its table as the lut kernel does", "[vector]") {
  // Every int8 value (and more) through a table that is no simple function.
  std::vector<int8_t> in(kCount);
  for (uint32_t i = 0; i < kCount; ++i) in[i] = int8_t(i * 7 + 3);
  const std::vector<int8_t> table = random_int8(kernels::kLutEntries, 35);
  std::vector<int8_t> expected(kCount);
  kernels::LutParams p;
  p.count = kCount;
  kernels::lut(p, in.data(), table.data(), expected.data());
  VectorLutCmd v;
  v.in = {Buffer::Input, 0}, v.table = {Buffer::Input, 32 * 1024}, v.out = {Buffer::Output, 0}, v.count = kCount;
  for (const unsigned lanes : {4u, 16u}) {
    INFO(lanes << " lanes");
    const SocConfig soc = vector_soc(lanes);
    const RunReport r = run_two(soc, in, table, make(Opcode::VectorLut, v));
    INFO(r.error);
    REQUIRE(r.ok);
    CHECK(result(r) == bytes_of(expected));
    const ProfileEvent ev = event_of_command(r, 1);
    CHECK(ev.name == "vlut");
    // The table into the lanes, then the operand (input and output in different buffers: one pass).
    CHECK(ev.duration_ps() == (1 + 256 / lanes + (kCount + lanes - 1) / lanes) * period_ps(soc.npu.clock_mhz));
    CHECK(counter_at(r.output, kCount) == 0);
    CHECK(counter_at(r.output, kCount + 8) == kCount);
  }
}

TEST_CASE("vector unit: vsub, vmul and vlut check their operands against the SoC", "[vector]") {
  const SocConfig plain = default_soc();
  VectorLutCmd l;
  l.in = {Buffer::Input, 0}, l.table = {Buffer::Weight, 0}, l.out = {Buffer::Output, 0}, l.count = 16;
  CHECK(soc_problem(make(Opcode::VectorLut, l), plain) ==
        "vlut: SoC '" + plain.name + "' has no vector unit (enable it under npu.units.vector)");
  const SocConfig soc = vector_soc(16);
  CHECK(soc_problem(make(Opcode::VectorLut, l), soc) ==
        "vlut: table=weight: the vector unit reads and writes the input and output buffers");
  l.table = {Buffer::Input, uint32_t(soc.npu.input.size_bytes - 255)};
  CHECK_THAT(soc_problem(make(Opcode::VectorLut, l), soc), Catch::StartsWith("vlut: table bytes ["));
  VectorMulCmd m;
  m.a = {Buffer::Input, 0}, m.b = {Buffer::Input, 0}, m.out = {Buffer::Output, 0}, m.count = m.b_count = 1, m.act_min = 5,
  m.act_max = 4;
  CHECK(command_problem(make(Opcode::VectorMul, m)) == "vmul: min=5 is greater than max=4");
  VectorAddCmd s;
  s.a = {Buffer::Input, 0}, s.b = {Buffer::Accumulator, 0}, s.out = {Buffer::Output, 0}, s.count = 1;
  CHECK(soc_problem(make(Opcode::VectorSub, s), soc) ==
        "vsub: b=accumulator: the vector unit reads and writes the input and output buffers");
}
