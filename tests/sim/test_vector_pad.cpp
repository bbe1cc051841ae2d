// The vector unit's vpad: it writes what kernels/pad.h, the MCU's pad
// kernel, writes for the same parameters, takes the closed form of its row in
// arch/command.h (in two passes when its input and output share a bank),
// counts one compare per output byte, and is checked against the SoC.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <random>

#include "arch/command_codec.h"
#include "arch/command_text.h"
#include "kernels/pad.h"
#include "tests/sim/sim_test_util.h"
#include "tests/support/error_of.h"

using namespace kiln;
using namespace kiln::test;

namespace {

// Loads `in` to input+0, runs the vpad into `out`, stores its `out_bytes`
// after the input.
Program one_pad(const std::vector<int8_t>& in, VectorPadCmd v, SpmAddr out, uint32_t out_bytes) {
  Program p;
  const uint32_t n = uint32_t(in.size());
  p.images.push_back(image("sram", kSram, bytes_of(in)));
  p.commands.push_back(dma(Opcode::DmaLoad, 0, kSram, Buffer::Input, 0, 1, n, 0, 0, deps(false, false, false, true)));
  v.in = {Buffer::Input, 0}, v.out = out;
  p.commands.push_back(make(Opcode::VectorPad, v, deps(true, false, false, true)));
  Command store = dma(Opcode::DmaStore, 1, kSram + n, out.buf, out.offset, 1, out_bytes, 0, 0,
                      deps(true, false, false, false));
  p.commands.push_back(store);
  p.commands.push_back(end_cmd());
  return p;
}

// The stored result, then the run's vector adds (8 bytes).
std::function<std::vector<uint8_t>(const SimResult&)> result_and_adds(uint64_t addr, uint32_t bytes) {
  return [=](const SimResult& s) {
    std::vector<uint8_t> out = s.read(addr, bytes);
    uint8_t b[8];
    std::memcpy(b, &s.actions.vector_adds, 8);
    out.insert(out.end(), b, b + 8);
    return out;
  };
}

std::vector<int8_t> padded(const VectorPadCmd& v, const std::vector<int8_t>& in) {
  kernels::PadParams p;
  p.in_h = v.in_h, p.in_w = v.in_w, p.c = v.c;
  p.pad_top = v.pad_top, p.pad_bottom = v.pad_bottom, p.pad_left = v.pad_left, p.pad_right = v.pad_right;
  p.pad_value = v.value;
  std::vector<int8_t> out(size_t(v.out_h()) * v.out_w() * v.c);
  kernels::pad(p, in.data(), out.data());
  return out;
}

std::string soc_problem(const VectorPadCmd& v, const SocConfig& soc) {
  return command_soc_problem(make(Opcode::VectorPad, v), soc);
}

}  // namespace

TEST_CASE("vector unit: vpad equals kernels::pad bit for bit, in its closed form's cycles", "[vector]") {
  // 5x7 pixels of 19 channels padded unevenly on every side: output rows of
  // 11 * 19 = 209 bytes, which leave a ragged last beat on every lane count.
  VectorPadCmd v;
  v.in_h = 5, v.in_w = 7, v.c = 19;
  v.pad_top = 2, v.pad_bottom = 1, v.pad_left = 3, v.pad_right = 1;
  v.value = -7;
  const std::vector<int8_t> in = random_int8(size_t(v.in_h) * v.in_w * v.c, 11);
  const std::vector<int8_t> expected = padded(v, in);
  const uint32_t out_bytes = uint32_t(expected.size());
  REQUIRE(out_bytes == 8 * 11 * 19);
  const uint64_t npu_ps = period_ps(default_soc().npu.clock_mhz);
  for (const uint64_t lanes : {uint64_t(16), uint64_t(5), uint64_t(1)}) {
    INFO(lanes << " lanes");
    const SocConfig soc = vector_soc(lanes);
    const Program prog = one_pad(in, v, {Buffer::Output, 0}, out_bytes);
    validate_program(prog, soc, "t");
    const uint64_t at = kSram + in.size();
    const RunReport r = run_in_child(soc, prog, result_and_adds(at, out_bytes));
    INFO(r.error);
    REQUIRE(r.ok);
    CHECK(std::vector<uint8_t>(r.output.begin(), r.output.begin() + out_bytes) == bytes_of(expected));
    const ProfileEvent ev = event_of_command(r, 1);
    CHECK(ev.name == "vpad");
    // 8 output rows of 209 bytes, ceil(209 / lanes) beats each, after one cycle.
    const uint64_t cycles = 1 + 8 * ((209 + lanes - 1) / lanes);
    CHECK(ev.duration_ps() == cycles * npu_ps);
    CHECK(command_cycles(prog.commands[1], soc.npu, unsigned(lanes)) == cycles);
    uint64_t adds = 0;
    std::memcpy(&adds, r.output.data() + out_bytes, 8);
    CHECK(adds == out_bytes);  // one compare per output byte
  }
}

TEST_CASE("vector unit: vpad with its input and output in one bank streams in two passes", "[vector]") {
  VectorPadCmd v;
  v.in_h = 3, v.in_w = 4, v.c = 8, v.pad_top = v.pad_bottom = v.pad_left = v.pad_right = 1;
  const std::vector<int8_t> in = random_int8(3 * 4 * 8, 12);
  const std::vector<int8_t> expected = padded(v, in);
  const uint32_t out_bytes = uint32_t(expected.size());
  const SocConfig soc = vector_soc(16);
  // The output right after the input, in the input buffer's first bank.
  const Program prog = one_pad(in, v, {Buffer::Input, 256}, out_bytes);
  validate_program(prog, soc, "t");
  const RunReport r = run_in_child(soc, prog, result_and_adds(kSram + in.size(), out_bytes));
  INFO(r.error);
  REQUIRE(r.ok);
  CHECK(std::vector<uint8_t>(r.output.begin(), r.output.begin() + out_bytes) == bytes_of(expected));
  // 5 rows of 6 * 8 = 48 bytes: 3 beats each, an idle cycle before each.
  CHECK(event_of_command(r, 1).duration_ps() == (1 + 2 * 5 * 3) * period_ps(soc.npu.clock_mhz));
}

TEST_CASE("vector unit: vpad of random shapes equals kernels::pad", "[vector]") {
  std::mt19937 rng(7);
  const auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  const SocConfig soc = vector_soc(16);
  for (int t = 0; t < 12; ++t) {
    VectorPadCmd v;
    v.in_h = uint16_t(pick(1, 6)), v.in_w = uint16_t(pick(1, 6)), v.c = uint16_t(pick(1, 40));
    v.pad_top = uint8_t(pick(0, 3)), v.pad_bottom = uint8_t(pick(0, 3));
    v.pad_left = uint8_t(pick(0, 3)), v.pad_right = uint8_t(pick(0, 3));
    v.value = int8_t(pick(-128, 127));
    const std::vector<int8_t> in = random_int8(size_t(v.in_h) * v.in_w * v.c, uint32_t(100 + t));
    const std::vector<int8_t> expected = padded(v, in);
    const uint32_t out_bytes = uint32_t(expected.size());
    const Program prog = one_pad(in, v, {Buffer::Output, 0}, out_bytes);
    const RunReport r = run_in_child(soc, prog, result_and_adds(kSram + in.size(), out_bytes));
    INFO(r.error << " case " << t);
    REQUIRE(r.ok);
    CHECK(std::vector<uint8_t>(r.output.begin(), r.output.begin() + out_bytes) == bytes_of(expected));
  }
}

TEST_CASE("vector unit: vpad is checked against the SoC and round-trips through the text form", "[vector]") {
  VectorPadCmd v;
  v.in = {Buffer::Input, 0}, v.out = {Buffer::Output, 0};
  v.in_h = 4, v.in_w = 4, v.c = 8, v.pad_top = v.pad_left = 1, v.value = -3;
  const SocConfig plain = default_soc(), soc = vector_soc(16);
  CHECK(soc_problem(v, soc) == "");
  CHECK(soc_problem(v, plain) ==
        "vpad: SoC '" + plain.name + "' has no vector unit (enable it under npu.units.vector)");
  VectorPadCmd weights = v;
  weights.in = {Buffer::Weight, 0};
  CHECK(soc_problem(weights, soc) == "vpad: in=weight: the vector unit reads and writes the input and output buffers");
  // The output, 5 x 5 x 8 bytes, past the end of the output buffer.
  VectorPadCmd beyond = v;
  beyond.out.offset = uint32_t(soc.npu.output.size_bytes - 100);
  CHECK_THAT(soc_problem(beyond, soc), Catch::StartsWith("vpad: out bytes ["));
  const Program p = parse_program_text(
      "vpad in=input+0x10 out=output+0x0 in_h=4 in_w=4 c=8 pad_top=1 pad_left=1 value=-3\nend\n", "t.kasm");
  const auto& parsed = std::get<VectorPadCmd>(p.commands[0].body);
  CHECK(parsed.in.offset == 0x10);
  CHECK(parsed.pad_bottom == 0);
  CHECK(parsed.value == -3);
  CHECK(parse_program_text(format_program(p), "again") == p);
}
