// The vector unit's vavgpool, vmaxpool, vrequant and vmean: each computes what its
// kernel in kernels/ computes for the same parameters, takes the closed form
// of its row in arch/command.h, and counts the actions docs/energy.md prices.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>

#include "arch/command_codec.h"
#include "arch/vector_timing.h"
#include "kernels/avg_pool.h"
#include "kernels/max_pool.h"
#include "kernels/maximum_minimum.h"
#include "kernels/mean.h"
#include "kernels/requantize.h"
#include "kernels/requantize_tensor.h"
#include "tests/sim/sim_test_util.h"
#include "tests/support/error_of.h"

using namespace kiln;
using namespace kiln::test;

namespace {

// Loads `in` to input+0, runs `cmd` into output+0, stores `out_bytes` after the input.
Program one_command(const std::vector<int8_t>& in, const Command& cmd, uint32_t out_bytes) {
  Program p;
  const uint32_t n = uint32_t(in.size());
  p.images.push_back(image("sram", kSram, bytes_of(in)));
  p.commands.push_back(dma(Opcode::DmaLoad, 0, kSram, Buffer::Input, 0, 1, n, 0, 0, deps(false, false, false, true)));
  Command c = cmd;
  c.deps = deps(true, false, false, true);
  p.commands.push_back(c);
  p.commands.push_back(dma(Opcode::DmaStore, 1, kSram + n, Buffer::Output, 0, 1, out_bytes, 0, 0,
                           deps(true, false, false, false)));
  p.commands.push_back(end_cmd());
  return p;
}

// The stored result, then the run's vector rescales and adds (8 bytes each).
std::function<std::vector<uint8_t>(const SimResult&)> result_and_actions(uint64_t addr, uint32_t bytes) {
  return [=](const SimResult& s) {
    std::vector<uint8_t> out = s.read(addr, bytes);
    for (uint64_t v : {s.actions.vector_rescales, s.actions.vector_adds}) {
      uint8_t b[8];
      std::memcpy(b, &v, 8);
      out.insert(out.end(), b, b + 8);
    }
    return out;
  };
}

uint64_t counter_at(const std::vector<uint8_t>& out, size_t at) {
  uint64_t v = 0;
  std::memcpy(&v, out.data() + at, 8);
  return v;
}

}  // namespace

TEST_CASE("vector unit: vavgpool and vmaxpool equal the pooling kernels bit for bit", "[vector]") {
  // 7x9 pixels of 20 channels, a 3x2 window, stride 2, padding on top: the
  // top windows are clipped, so the average's divisor varies.
  kernels::PoolParams p;
  p.in_h = 7, p.in_w = 9, p.c = 20, p.out_h = 4, p.out_w = 4;
  p.kh = 3, p.kw = 2, p.stride_h = 2, p.stride_w = 2, p.pad_top = 1, p.pad_left = 0;
  p.act_min = -90, p.act_max = 100;
  const std::vector<int8_t> in = random_int8(size_t(p.in_h) * p.in_w * p.c, 5);
  const uint32_t out_bytes = uint32_t(p.out_h * p.out_w * p.c);
  VectorPoolCmd v;
  v.in = {Buffer::Input, 0}, v.out = {Buffer::Output, 0};
  v.in_h = 7, v.in_w = 9, v.c = 20, v.out_h = 4, v.out_w = 4;
  v.kh = 3, v.kw = 2, v.stride_h = 2, v.stride_w = 2, v.pad_top = 1, v.pad_left = 0;
  v.act_min = -90, v.act_max = 100;
  const uint64_t npu_ps = period_ps(default_soc().npu.clock_mhz);
  for (const bool average : {true, false}) {
    for (const uint64_t lanes : {16, 8}) {
      INFO((average ? "vavgpool" : "vmaxpool") << ", " << lanes << " lanes");
      std::vector<int8_t> expected(out_bytes);
      (average ? kernels::avg_pool : kernels::max_pool)(p, in.data(), expected.data());
      const SocConfig soc = vector_soc(lanes);
      const Program prog =
          one_command(in, make(average ? Opcode::VectorAvgPool : Opcode::VectorMaxPool, v), out_bytes);
      validate_program(prog, soc, "t");
      const uint64_t at = kSram + in.size();
      const RunReport r = run_in_child(soc, prog, result_and_actions(at, out_bytes));
      INFO(r.error);
      REQUIRE(r.ok);
      CHECK(std::vector<uint8_t>(r.output.begin(), r.output.begin() + out_bytes) == bytes_of(expected));
      const ProfileEvent ev = event_of_command(r, 1);
      CHECK(ev.name == (average ? "vavgpool" : "vmaxpool"));
      // 16 output pixels, 6 taps (+1 divide step), ceil(20 / lanes) channel groups.
      const uint64_t groups = (20 + lanes - 1) / lanes;
      CHECK(ev.duration_ps() == (1 + 16 * (6 + (average ? 1 : 0)) * groups) * npu_ps);
      CHECK(command_cycles(make(average ? Opcode::VectorAvgPool : Opcode::VectorMaxPool, v), soc.npu,
                           unsigned(lanes)) == 1 + 16 * (6 + (average ? 1 : 0)) * groups);
      // Actions: every tap and the clamp are adds; the average's divide a rescale.
      CHECK(counter_at(r.output, out_bytes) == (average ? uint64_t(out_bytes) : 0));
      CHECK(counter_at(r.output, out_bytes + 8) == uint64_t(out_bytes) * 7);
    }
  }
}

TEST_CASE("vector unit: vrequant equals the requantize kernel bit for bit (a RELU of a new scale)", "[vector]") {
  kernels::RequantizeParams p;
  p.count = 1000;
  p.in_zp = -5, p.out_zp = 10;
  kernels::quantize_multiplier(0.05 / 0.03, &p.mult, &p.shift);  // above one: a left shift
  REQUIRE(p.shift > 0);
  p.act_min = p.out_zp, p.act_max = 127;
  const std::vector<int8_t> in = random_int8(size_t(p.count), 9);
  std::vector<int8_t> expected(size_t(p.count));
  kernels::requantize(p, in.data(), expected.data());
  VectorRequantizeCmd v;
  v.in = {Buffer::Input, 0}, v.out = {Buffer::Output, 0};
  v.count = 1000, v.in_zp = -5, v.out_zp = 10, v.mult = p.mult, v.shift = int8_t(p.shift);
  v.act_min = 10, v.act_max = 127;
  const SocConfig soc = vector_soc(16);
  const Program prog = one_command(in, make(Opcode::VectorRequantize, v), 1000);
  validate_program(prog, soc, "t");
  const RunReport r = run_in_child(soc, prog, result_and_actions(kSram + 1000, 1000));
  INFO(r.error);
  REQUIRE(r.ok);
  CHECK(std::vector<uint8_t>(r.output.begin(), r.output.begin() + 1000) == bytes_of(expected));
  const ProfileEvent ev = event_of_command(r, 1);
  CHECK(ev.name == "vrequant");
  CHECK(ev.duration_ps() == (1 + (1000 + 15) / 16) * period_ps(soc.npu.clock_mhz));
  CHECK(counter_at(r.output, 1000) == 1000);
  CHECK(counter_at(r.output, 1008) == 3000);
}

TEST_CASE("vector unit: bad vavgpool and vrequant commands are located errors", "[vector]") {
  VectorPoolCmd v;
  v.in_h = v.in_w = 4, v.c = 8, v.out_h = v.out_w = 2, v.kh = v.kw = 2, v.stride_h = v.stride_w = 2;
  v.pad_top = 2;
  CHECK(command_problem(make(Opcode::VectorAvgPool, v)) ==
        "vavgpool: pad along h is 2: the first 2-wide window lies entirely in the padding");
  v.pad_top = 0, v.out_w = 3;
  CHECK(command_problem(make(Opcode::VectorMaxPool, v)) ==
        "vmaxpool: the last window along w starts at 4, outside the tile of 4");
  v.out_w = 2;
  const Program prog = one_command(random_int8(128, 1), make(Opcode::VectorAvgPool, v), 32);
  CHECK(error_of([&] { validate_program(prog, default_soc(), "t"); }) ==
        "t: command 1: vavgpool: SoC 'default' has no vector unit (enable it under npu.units.vector)");
  v.out = {Buffer::Weight, 0};
  CHECK_THAT(error_of([&] { validate_program(one_command(random_int8(128, 1), make(Opcode::VectorAvgPool, v), 32),
                                             vector_soc(16), "t"); }),
             Catch::Contains("vavgpool: out=weight: the vector unit reads and writes the input and output buffers"));
  VectorRequantizeCmd r;
  r.count = 4, r.act_min = 5, r.act_max = 4;
  CHECK(command_problem(make(Opcode::VectorRequantize, r)) == "vrequant: min=5 is greater than max=4");
}

TEST_CASE("vector unit: vmean equals the mean kernel bit for bit", "[vector]") {
  // 5x3 pixels of 40 channels: 1/15 folded into the multiplier.
  kernels::MeanParams p;
  p.h = 5, p.w = 3, p.c = 40;
  p.in_zp = 7, p.out_zp = -20;
  kernels::quantize_multiplier(0.04 / 0.02, &p.mult, &p.shift);
  const std::vector<int8_t> in = random_int8(5 * 3 * 40, 11);
  std::vector<int8_t> expected(40);
  kernels::mean(p, in.data(), expected.data());
  VectorMeanCmd v;
  v.in = {Buffer::Input, 0}, v.out = {Buffer::Output, 0};
  v.h = 5, v.w = 3, v.c = 40, v.in_zp = 7, v.out_zp = -20, v.mult = p.mult, v.shift = int8_t(p.shift);
  const SocConfig soc = vector_soc(16);
  const Program prog = one_command(in, make(Opcode::VectorMean, v), 40);
  validate_program(prog, soc, "t");
  const RunReport r = run_in_child(soc, prog, result_and_actions(kSram + in.size(), 40));
  INFO(r.error);
  REQUIRE(r.ok);
  CHECK(std::vector<uint8_t>(r.output.begin(), r.output.begin() + 40) == bytes_of(expected));
  const ProfileEvent ev = event_of_command(r, 1);
  CHECK(ev.name == "vmean");
  // 15 pixels and a rescale step for each of ceil(40 / 16) = 3 channel groups.
  CHECK(ev.duration_ps() == (1 + 16 * 3) * period_ps(soc.npu.clock_mhz));
  CHECK(counter_at(r.output, 40) == 40);
  CHECK(counter_at(r.output, 48) == 15 * 40 + 2 * 40);
  v.h = 4096, v.w = 4096;
  CHECK(command_problem(make(Opcode::VectorMean, v)) ==
        "vmean: h*w=16777216 exceeds 2^23, the int32 sum could overflow");
}

TEST_CASE("vector unit: vmax and vmin equal the maximum and minimum kernels bit for bit", "[vector]") {
  // a and b back to back in one load: b at input+32 KiB, the other bank (one pass).
  const std::vector<int8_t> a = random_int8(1000, 21), b = random_int8(1000, 22);
  kernels::MaxMinParams p;
  p.count = 1000;
  for (const bool max : {true, false}) {
    INFO((max ? "vmax" : "vmin"));
    std::vector<int8_t> expected(1000);
    (max ? kernels::maximum : kernels::minimum)(p, a.data(), b.data(), expected.data());
    VectorMaxMinCmd v;
    v.a = {Buffer::Input, 0}, v.b = {Buffer::Input, 32 * 1024}, v.out = {Buffer::Output, 0}, v.count = 1000;
    Program prog;
    std::vector<int8_t> ab = a;
    for (int8_t x : b) ab.push_back(x);
    prog.images.push_back(image("sram", kSram, bytes_of(ab)));
    prog.commands.push_back(
        dma(Opcode::DmaLoad, 0, kSram, Buffer::Input, 0, 2, 1000, 1000, 32 * 1024, deps(false, false, false, true)));
    prog.commands.push_back(make(max ? Opcode::VectorMax : Opcode::VectorMin, v, deps(true, false, false, true)));
    prog.commands.push_back(
        dma(Opcode::DmaStore, 1, kSram + 2000, Buffer::Output, 0, 1, 1000, 0, 0, deps(true, false, false, false)));
    prog.commands.push_back(end_cmd());
    const SocConfig soc = vector_soc(16);
    validate_program(prog, soc, "t");
    const RunReport r = run_in_child(soc, prog, result_and_actions(kSram + 2000, 1000));
    INFO(r.error);
    REQUIRE(r.ok);
    CHECK(std::vector<uint8_t>(r.output.begin(), r.output.begin() + 1000) == bytes_of(expected));
    const ProfileEvent ev = event_of_command(r, 1);
    CHECK(ev.name == (max ? "vmax" : "vmin"));
    CHECK(ev.duration_ps() == (1 + (1000 + 15) / 16) * period_ps(soc.npu.clock_mhz));
    CHECK(counter_at(r.output, 1000) == 0);
    CHECK(counter_at(r.output, 1008) == 1000);
  }
}
