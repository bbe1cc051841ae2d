// The vector unit's vdwconv: it computes what kernels/depthwise_conv2d.h
// computes for the same parameters, takes the closed form of
// its row's closed form wherever its taps lie (the lanes read them before the
// tile streams), counts the actions docs/energy.md prices, and its checks
// name the field that is wrong.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>

#include "arch/command_codec.h"
#include "arch/vector_timing.h"
#include "kernels/depthwise_conv2d.h"
#include "kernels/requantize.h"
#include "tests/sim/sim_test_util.h"

using namespace kiln;
using namespace kiln::test;

namespace {

// A 9x7 tile of 20 channels, a 3x3 window at stride 2 with dilation 1x2 and
// padding on both sides: windows clipped at every edge.
kernels::DepthwiseConv2dParams tile_params() {
  kernels::DepthwiseConv2dParams p;
  p.in_h = 9, p.in_w = 7, p.in_c = 20;
  p.kh = 3, p.kw = 3, p.stride_h = 2, p.stride_w = 2, p.dil_h = 1, p.dil_w = 2;
  p.pad_top = 1, p.pad_left = 2;
  p.out_h = 5, p.out_w = 4;
  p.in_zp = -9, p.out_zp = 4, p.act_min = -120, p.act_max = 125;
  return p;
}

struct Case {
  kernels::DepthwiseConv2dParams p = tile_params();
  std::vector<int8_t> in, taps;
  std::vector<ChannelParams> records;
  Case() {
    in = random_int8(size_t(p.in_h * p.in_w * p.in_c), 41);
    taps = random_int8(size_t(p.kh * p.kw * p.in_c), 42);
    for (int j = 0; j < p.in_c; ++j) {
      ChannelParams r{};
      r.bias = (j % 2 ? -1 : 1) * 1000 * j;
      // Multipliers below and above one: shifts from -9 to 1.
      kernels::quantize_multiplier(0.0007 * (j + 1) * (j % 5 == 4 ? 300 : 1), &r.mult, &r.shift);
      records.push_back(r);
    }
  }
  std::vector<int8_t> expected() const {
    std::vector<int32_t> bias, mult, shift;
    for (const auto& r : records) bias.push_back(r.bias), mult.push_back(r.mult), shift.push_back(r.shift);
    std::vector<int8_t> out(size_t(p.out_h * p.out_w * p.in_c));
    kernels::depthwise_conv2d(p, in.data(), taps.data(), bias.data(), mult.data(), shift.data(), out.data());
    return out;
  }
  VectorDepthwiseCmd command(uint32_t taps_at) const {
    VectorDepthwiseCmd v;
    v.in = {Buffer::Input, 0};
    v.weights = {Buffer::Input, taps_at};
    v.params = {Buffer::Input, taps_at + uint32_t((taps.size() + 3) / 4 * 4)};
    v.out = {Buffer::Output, 0};
    v.in_h = uint16_t(p.in_h), v.in_w = uint16_t(p.in_w), v.c = uint16_t(p.in_c);
    v.out_h = uint16_t(p.out_h), v.out_w = uint16_t(p.out_w);
    v.kh = uint8_t(p.kh), v.kw = uint8_t(p.kw), v.stride_h = uint8_t(p.stride_h), v.stride_w = uint8_t(p.stride_w);
    v.dil_h = uint8_t(p.dil_h), v.dil_w = uint8_t(p.dil_w), v.pad_top = uint8_t(p.pad_top);
    v.pad_left = uint8_t(p.pad_left);
    v.in_zp = int8_t(p.in_zp), v.out_zp = int8_t(p.out_zp), v.act_min = int8_t(p.act_min);
    v.act_max = int8_t(p.act_max);
    return v;
  }
};

// The tile to input+0, the taps and records to input+taps_at, the command,
// and the output stored; the stored bytes, then the run's vector MACs,
// rescales and adds (8 bytes each).
RunReport run_case(const SocConfig& soc, const Case& c, const VectorDepthwiseCmd& v) {
  Program prog;
  std::vector<uint8_t> constants = bytes_of(c.taps);
  constants.resize(v.params.offset - v.weights.offset, 0);
  const std::vector<uint8_t> records = params_bytes(c.records);
  constants.insert(constants.end(), records.begin(), records.end());
  const uint64_t constants_at = kSram + 4096, out_at = kSram + 8192;
  prog.images.push_back(image("sram", kSram, bytes_of(c.in)));
  prog.images.push_back(image("sram", constants_at, constants));
  prog.commands.push_back(dma(Opcode::DmaLoad, 0, kSram, Buffer::Input, 0, 1, uint32_t(c.in.size()), 0, 0));
  prog.commands.push_back(dma(Opcode::DmaLoad, 0, constants_at, Buffer::Input, v.weights.offset, 1,
                              uint32_t(constants.size()), 0, 0, deps(false, false, false, true)));
  Command cmd = make(Opcode::VectorDepthwise, v, deps(true, false, false, true));
  prog.commands.push_back(cmd);
  const uint32_t out_bytes = uint32_t(v.out_h) * v.out_w * v.c;
  prog.commands.push_back(
      dma(Opcode::DmaStore, 1, out_at, Buffer::Output, 0, 1, out_bytes, 0, 0, deps(true, false, false, false)));
  prog.commands.push_back(end_cmd());
  validate_program(prog, soc, "t");
  return run_in_child(soc, prog, [out_at, out_bytes](const SimResult& s) {
    std::vector<uint8_t> out = s.read(out_at, out_bytes);
    for (uint64_t n : {s.actions.vector_macs, s.actions.vector_rescales, s.actions.vector_adds}) {
      uint8_t b[8];
      std::memcpy(b, &n, 8);
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

std::string problem_of(const Command& c) { return command_problem(c); }
std::string soc_problem(const Command& c, const SocConfig& soc) { return command_soc_problem(c, soc); }

}  // namespace

TEST_CASE("vector unit: vdwconv equals the depthwise kernel bit for bit, at its closed form", "[vector]") {
  const Case c;
  const std::vector<int8_t> expected = c.expected();
  const SocConfig soc = vector_soc(16);
  // The default input buffer is 64 KiB in two banks: taps at 32 KiB are in the tile's other bank.
  const VectorDepthwiseCmd v = c.command(32 * 1024);
  const RunReport r = run_case(soc, c, v);
  INFO(r.error);
  REQUIRE(r.ok);
  const std::vector<uint8_t> got(r.output.begin(), r.output.begin() + long(expected.size()));
  CHECK(got == bytes_of(expected));
  // The records matter channel by channel: another bias in one channel changes only its outputs.
  Case other = c;
  other.records[7].bias += 5000;
  const std::vector<int8_t> moved = other.expected();
  size_t differ = 0;
  for (size_t i = 0; i < moved.size(); ++i) differ += moved[i] != expected[i] ? 1 : 0;
  CHECK(differ > 0);
  for (size_t i = 0; i < moved.size(); ++i)
    if (i % 20 != 7) REQUIRE(moved[i] == expected[i]);
  // 1 + ceil(20 / 16) * (kh*kw + 3 + out_h*out_w * (kh*kw + 1)) cycles.
  const ProfileEvent ev = event_of_command(r, 2);
  CHECK(ev.name == "vdwconv");
  CHECK(ev.duration_ps() == (1 + 2 * (9 + 3 + 5 * 4 * 10)) * period_ps(soc.npu.clock_mhz));
  CHECK(command_cycles({Opcode::VectorDepthwise, {}, v}, soc.npu, 16) == 1 + 2 * (12 + 200));
  CHECK(command_cycles({Opcode::VectorDepthwise, {}, v}, soc.npu, 20) == 1 + 212);
  const size_t n = expected.size();
  CHECK(counter_at(r.output, n) == 5 * 4 * 20 * 9);  // every tap, padding included
  CHECK(counter_at(r.output, n + 8) == 5 * 4 * 20);
  CHECK(counter_at(r.output, n + 16) == 3 * 5 * 4 * 20);
}

TEST_CASE("vector unit: vdwconv with its taps in the tile's bank takes no longer", "[vector]") {
  const Case c;
  const SocConfig soc = vector_soc(32);
  const VectorDepthwiseCmd v = c.command(2048);  // the tile's bank
  const RunReport r = run_case(soc, c, v);
  INFO(r.error);
  REQUIRE(r.ok);
  const std::vector<int8_t> expected = c.expected();
  CHECK(std::vector<uint8_t>(r.output.begin(), r.output.begin() + long(expected.size())) == bytes_of(expected));
  CHECK(event_of_command(r, 2).duration_ps() == (1 + 1 * (9 + 3 + 5 * 4 * 10)) * period_ps(soc.npu.clock_mhz));
}

TEST_CASE("vector unit: vdwconv's checks name the field", "[vector]") {
  const Case c;
  VectorDepthwiseCmd v = c.command(32 * 1024);
  CHECK(problem_of(make(Opcode::VectorDepthwise, v)) == "");
  VectorDepthwiseCmd misaligned = v;
  misaligned.params.offset += 2;
  CHECK(problem_of(make(Opcode::VectorDepthwise, misaligned)) ==
        fmt::format("vdwconv: params=0x{:x} is not 4-byte aligned (int32 records)", misaligned.params.offset));
  VectorDepthwiseCmd padded = v;
  padded.pad_left = 5;  // the dilated window is 5 wide
  CHECK(problem_of(make(Opcode::VectorDepthwise, padded)) ==
        "vdwconv: pad along w is 5: the first 5-wide window lies entirely in the padding");
  VectorDepthwiseCmd past = v;
  past.out_h = 6;
  CHECK(problem_of(make(Opcode::VectorDepthwise, past)) ==
        "vdwconv: the last window along h starts at 9, outside the tile of 9");
  VectorDepthwiseCmd wide = v;
  wide.kw = 9, wide.kh = 8, wide.pad_left = 0, wide.dil_w = 1, wide.out_w = 1, wide.out_h = 2;
  CHECK(problem_of(make(Opcode::VectorDepthwise, wide)) == "vdwconv: kh*kw=72 exceeds the 64 taps a lane holds");
  wide.kh = 7;
  CHECK(problem_of(make(Opcode::VectorDepthwise, wide)) == "");
  VectorDepthwiseCmd clamp = v;
  clamp.act_min = 10, clamp.act_max = 9;
  CHECK(problem_of(make(Opcode::VectorDepthwise, clamp)) == "vdwconv: min=10 is greater than max=9");

  const SocConfig soc = vector_soc(16), plain = default_soc();
  CHECK(soc_problem(make(Opcode::VectorDepthwise, v), soc) == "");
  CHECK(soc_problem(make(Opcode::VectorDepthwise, v), plain) ==
        "vdwconv: SoC '" + plain.name + "' has no vector unit (enable it under npu.units.vector)");
  VectorDepthwiseCmd weights = v;
  weights.weights.buf = Buffer::Weight;
  CHECK(soc_problem(make(Opcode::VectorDepthwise, weights), soc) ==
        "vdwconv: weights=weight: the vector unit reads and writes the input and output buffers");
  VectorDepthwiseCmd beyond = v;
  beyond.params.offset = 64 * 1024 - 12 * 19;  // 20 records need 240 bytes
  CHECK_THAT(soc_problem(make(Opcode::VectorDepthwise, beyond), soc), Catch::StartsWith("vdwconv: params bytes ["));
}

TEST_CASE("vector unit: vdwconv refuses a record whose shift the rescale cannot take", "[vector]") {
  Case c;
  c.records[3].shift = 31;
  const RunReport r = run_case(vector_soc(16), c, c.command(32 * 1024));
  CHECK_FALSE(r.ok);
  CHECK_THAT(r.error, Catch::Contains("vdwconv: channel 3: shift 31 is outside [-31, 30]"));
}
