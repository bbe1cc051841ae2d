// The Verilated vector unit's vdwconv (rtl/kiln_vector.v) against
// kernels::depthwise_conv2d on random commands over the edges: strides and
// dilations 1 to 3, padding at every border, channel counts that leave lanes
// idle, windows of 1 to 64 taps, zero points across int8, shifts -31..30 (a
// positive one shifts left before the multiply), multipliers at 0 and
// 2^31 - 1, biases at the int32 extremes (the bias add wraps), clamps.
// Results bit for bit, cycles equal to its row's closed form (arch/command.h),
// on every lane count the build Verilates (KILN_RTL_VECTOR_LANES).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "arch/command.h"
#include "arch/error.h"
#include "arch/vector_timing.h"
#include "kernels/depthwise_conv2d.h"
#include "sim/vector_rtl_core.h"

namespace {

using kiln::Command;
using kiln::Opcode;
using kiln::VectorDepthwiseCmd;

constexpr int32_t kMin = std::numeric_limits<int32_t>::min();
constexpr int32_t kMax = std::numeric_limits<int32_t>::max();

struct Rng {
  std::mt19937 gen{20261206};
  int pick(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(gen); }
  int32_t any32() { return int32_t(std::uniform_int_distribution<int64_t>(kMin, kMax)(gen)); }
  int8_t byte() { return int8_t(pick(-128, 127)); }
  std::vector<int8_t> bytes(size_t n) {
    std::vector<int8_t> v(n);
    for (auto& x : v) x = byte();
    return v;
  }
  // Multipliers (non-negative, as the kernel checks) at the edges and between.
  int32_t mult() {
    switch (pick(0, 6)) {
      case 0: return 0;
      case 1: return 1 << 30;
      case 2: return kMax;
      case 3: return pick(1, 1000);
      case 4: return int32_t(std::uniform_int_distribution<int64_t>(0, kMax)(gen));
      default: return int32_t(std::uniform_int_distribution<int64_t>(1 << 30, kMax)(gen));
    }
  }
  int32_t bias() {
    switch (pick(0, 5)) {
      case 0: return 0;
      case 1: return kMax;  // plus a positive sum: wraps
      case 2: return kMin;
      case 3: return pick(-5000, 5000);
      default: return any32();
    }
  }
};

// One random command, its operands and the kernel's result.
struct Case {
  VectorDepthwiseCmd v;
  std::vector<int8_t> in, taps_and_records, expected;
  std::vector<int32_t> bias, mult, shift;
};

// Extent, padding and output size along one axis that the kernel accepts.
void axis(Rng& r, uint16_t& in, uint16_t& out, uint8_t& k, uint8_t& stride, uint8_t& dil, uint8_t& pad, int max_k) {
  for (;;) {
    in = uint16_t(r.pick(1, 9));
    k = uint8_t(r.pick(1, max_k));
    stride = uint8_t(r.pick(1, 3));
    dil = uint8_t(r.pick(0, 2) == 0 ? r.pick(2, 3) : 1);
    const int extent = (k - 1) * dil + 1;
    pad = uint8_t(r.pick(0, extent - 1));
    const int pad_end = r.pick(0, extent - 1);
    const int span = in + pad + pad_end - extent;
    if (span < 0) continue;
    out = uint16_t(span / stride + 1);
    if ((out - 1) * stride - pad < in) return;
  }
}

Case random_case(Rng& r, unsigned lanes) {
  Case t;
  VectorDepthwiseCmd& v = t.v;
  // Mostly small windows; some of the full 64 taps a lane holds.
  if (r.pick(0, 9) == 0) {
    v.in_h = uint16_t(r.pick(4, 10)), v.in_w = uint16_t(r.pick(4, 10));
    v.kh = v.kw = 8;
    v.stride_h = v.stride_w = v.dil_h = v.dil_w = 1;
    v.pad_top = uint8_t(r.pick(0, 7)), v.pad_left = uint8_t(r.pick(0, 7));
    v.out_h = uint16_t(std::max(1, (v.in_h + v.pad_top + r.pick(0, 7) - 8) + 1));
    v.out_w = uint16_t(std::max(1, (v.in_w + v.pad_left + r.pick(0, 7) - 8) + 1));
    v.out_h = uint16_t(std::min<int>(v.out_h, v.in_h + v.pad_top));
    v.out_w = uint16_t(std::min<int>(v.out_w, v.in_w + v.pad_left));
  } else {
    axis(r, v.in_h, v.out_h, v.kh, v.stride_h, v.dil_h, v.pad_top, 5);
    axis(r, v.in_w, v.out_w, v.kw, v.stride_w, v.dil_w, v.pad_left, 5);
  }
  // Channels: fewer than, exactly, and not a multiple of the lanes.
  switch (r.pick(0, 3)) {
    case 0: v.c = uint16_t(lanes); break;
    case 1: v.c = uint16_t(r.pick(1, int(lanes))); break;
    default: v.c = uint16_t(r.pick(1, int(3 * lanes + 3)));
  }
  v.in_zp = r.byte(), v.out_zp = r.byte();
  if (r.pick(0, 2) == 0) {
    v.act_min = -128, v.act_max = 127;
  } else {
    const int a = r.pick(-128, 127), b = r.pick(-128, 127);
    v.act_min = int8_t(std::min(a, b)), v.act_max = int8_t(std::max(a, b));
  }
  const unsigned taps = unsigned(v.kh) * v.kw;
  t.in = r.bytes(size_t(v.in_h) * v.in_w * v.c);
  if (r.pick(0, 5) == 0)  // the largest terms: (-128 - 127) * -128 at every tap
    std::fill(t.in.begin(), t.in.end(), int8_t(-128)), v.in_zp = 127;
  t.taps_and_records = r.bytes(size_t(taps) * v.c);
  t.bias.resize(v.c), t.mult.resize(v.c), t.shift.resize(v.c);
  for (unsigned j = 0; j < v.c; ++j) {
    t.bias[j] = r.bias(), t.mult[j] = r.mult();
    t.shift[j] = r.pick(0, 4) == 0 ? r.pick(1, 30) : r.pick(-31, 0);
    for (const int32_t word : {t.bias[j], t.mult[j], t.shift[j]})
      for (int byte = 0; byte < 4; ++byte) t.taps_and_records.push_back(int8_t(uint32_t(word) >> (8 * byte)));
  }
  kiln::kernels::DepthwiseConv2dParams p;
  p.in_h = v.in_h, p.in_w = v.in_w, p.in_c = v.c, p.out_h = v.out_h, p.out_w = v.out_w;
  p.kh = v.kh, p.kw = v.kw, p.stride_h = v.stride_h, p.stride_w = v.stride_w, p.dil_h = v.dil_h, p.dil_w = v.dil_w;
  p.pad_top = v.pad_top, p.pad_left = v.pad_left, p.in_zp = v.in_zp, p.out_zp = v.out_zp;
  p.act_min = v.act_min, p.act_max = v.act_max;
  t.expected.resize(size_t(v.out_h) * v.out_w * v.c);
  kiln::kernels::depthwise_conv2d(p, t.in.data(), t.taps_and_records.data(), t.bias.data(), t.mult.data(),
                                  t.shift.data(), t.expected.data());
  return t;
}

// Runs a vdwconv on `core`: the tile, then its taps and records as the
// scratchpads hold them (kh*kw*c bytes of taps, then 12 per channel), which
// its row lists as two operands.
uint64_t run(kiln::sim::VectorRtlCore& core, const Command& cmd, const std::vector<int8_t>& in,
             const std::vector<int8_t>& taps_and_records, int8_t* out, uint64_t out_bytes) {
  const auto& v = std::get<VectorDepthwiseCmd>(cmd.body);
  const int8_t* records = taps_and_records.data() + size_t(v.kh) * v.kw * v.c;
  return core.run(kiln::sim::VectorRtlCommand{cmd, 1, {in.data(), taps_and_records.data(), records}, out_bytes},
                  out);
}

// Does the command read a padding tap at that border?
bool pads_top(const VectorDepthwiseCmd& v) { return v.pad_top > 0; }
bool pads_bottom(const VectorDepthwiseCmd& v) {
  return (v.out_h - 1) * v.stride_h - v.pad_top + (v.kh - 1) * v.dil_h >= v.in_h;
}
bool pads_left(const VectorDepthwiseCmd& v) { return v.pad_left > 0; }
bool pads_right(const VectorDepthwiseCmd& v) {
  return (v.out_w - 1) * v.stride_w - v.pad_left + (v.kw - 1) * v.dil_w >= v.in_w;
}

}  // namespace

TEST_CASE("rtl vector unit: vdwconv equals kernels::depthwise_conv2d on random commands, cycles the closed form",
          "[rtl][vector]") {
  const std::vector<unsigned> built = kiln::sim::vector_rtl_lanes();
  if (built.empty()) WARN("no Verilated vector unit in this build (KILN_RTL_VECTOR_LANES); skipped");
  for (const unsigned lanes : built) {
    auto rtl = kiln::sim::make_vector_rtl_core(lanes);
    REQUIRE(rtl);
    Rng r;
    int top = 0, bottom = 0, left = 0, right = 0, ragged = 0, left_shifts = 0, full = 0, strided = 0, dilated = 0;
    uint64_t outputs = 0, inside = 0;  // outputs, and those strictly inside the clamp
    for (int n = 0; n < 400; ++n) {
      const Case t = random_case(r, lanes);
      const VectorDepthwiseCmd& v = t.v;
      Command cmd;
      cmd.op = Opcode::VectorDepthwise;
      cmd.body = v;
      std::vector<int8_t> got(t.expected.size());
      const uint64_t cycles = run(*rtl, cmd, t.in, t.taps_and_records, got.data(), got.size());
      INFO(lanes << " lanes, command " << n << ": " << v.in_h << "x" << v.in_w << "x" << v.c << " -> " << v.out_h
                 << "x" << v.out_w << ", kernel " << int(v.kh) << "x" << int(v.kw) << " stride " << int(v.stride_h)
                 << "," << int(v.stride_w) << " dilation " << int(v.dil_h) << "," << int(v.dil_w) << " pad "
                 << int(v.pad_top) << "," << int(v.pad_left) << " zp " << int(v.in_zp) << "/" << int(v.out_zp));
      REQUIRE(got == t.expected);
      const uint64_t taps = uint64_t(v.kh) * v.kw, groups = (v.c + lanes - 1) / lanes;
      CHECK(cycles == 1 + groups * (taps + 3 + uint64_t(v.out_h) * v.out_w * (taps + 1)));
      CHECK(cycles == kiln::command_cycles(cmd, kiln::NpuConfig{}, lanes));
      top += pads_top(v), bottom += pads_bottom(v), left += pads_left(v), right += pads_right(v);
      ragged += v.c % lanes != 0, full += taps == kiln::kVectorDepthwiseMaxTaps;
      strided += v.stride_h > 1 || v.stride_w > 1, dilated += v.dil_h > 1 || v.dil_w > 1;
      outputs += t.expected.size();
      for (const int8_t o : t.expected) inside += o > v.act_min && o < v.act_max;
      left_shifts += std::any_of(t.shift.begin(), t.shift.end(), [](int32_t s) { return s > 0; });
    }
    // The random commands reached every edge the header names.
    CHECK(top > 50);
    CHECK(bottom > 50);
    CHECK(left > 50);
    CHECK(right > 50);
    CHECK(full > 10);
    CHECK(strided > 50);
    CHECK(dilated > 50);
    CHECK(left_shifts > 50);
    if (lanes > 1) CHECK(ragged > 50);
    CHECK(inside * 10 > outputs);  // not only clamped results
  }
}

TEST_CASE("rtl vector unit: vdwconv's accumulator wraps with the bias, as the kernel's", "[rtl][vector]") {
  for (const unsigned lanes : kiln::sim::vector_rtl_lanes()) {
    auto rtl = kiln::sim::make_vector_rtl_core(lanes);
    // 64 taps of (-128 - 127) * -128 = 32,640 each: 2,088,960, plus INT32_MAX
    // wraps to a large negative value; shift 0, multiplier 2^31 - 1 keep it
    // there, so the output is act_min, where a saturating add would give 127.
    VectorDepthwiseCmd v;
    v.in_h = v.in_w = 8, v.out_h = v.out_w = 1, v.kh = v.kw = 8, v.c = 1;
    v.in_zp = 127;
    const std::vector<int8_t> in(64, int8_t(-128));
    std::vector<int8_t> taps_and_records(64, int8_t(-128));
    for (const int32_t word : {kMax, kMax, 0})
      for (int byte = 0; byte < 4; ++byte) taps_and_records.push_back(int8_t(uint32_t(word) >> (8 * byte)));
    Command cmd;
    cmd.op = Opcode::VectorDepthwise;
    cmd.body = v;
    int8_t got = 0;
    run(*rtl, cmd, in, taps_and_records, &got, 1);
    CHECK(int(got) == -128);
  }
}

TEST_CASE("rtl vector unit: vdwconv refuses a window of more taps than a lane holds as an internal error",
          "[rtl][vector]") {
  for (const unsigned lanes : kiln::sim::vector_rtl_lanes()) {
    auto rtl = kiln::sim::make_vector_rtl_core(lanes);
    VectorDepthwiseCmd v;
    v.in_h = v.in_w = 9, v.out_h = v.out_w = 1, v.kh = v.kw = 9, v.c = 1;  // 81 taps
    Command cmd;
    cmd.op = Opcode::VectorDepthwise;
    cmd.body = v;
    const std::vector<int8_t> in(81), taps(81 + 12);
    int8_t out = 0;
    CHECK_THROWS_WITH(run(*rtl, cmd, in, taps, &out, 1),
                      Catch::Contains("vdwconv with 81 taps, more than the 64"));
  }
}
