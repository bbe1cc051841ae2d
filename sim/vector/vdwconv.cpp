// vdwconv: depthwise convolution (depth multiplier 1) of one NHWC int8
// tile, through kernels/depthwise_conv2d.h, its records read as the
// post-processing unit reads its own (sim/channel_records.h). On the RTL,
// per group of lanes (one channel each): kh*kw load beats of taps and 3 of
// records (bias, multiplier, shift) into each lane's registers, then per
// output pixel one beat per tap of the window (padding taps flagged) and a
// rescale step.
#include <algorithm>

#include <fmt/format.h>

#include "arch/error.h"
#include "kernels/depthwise_conv2d.h"
#include "sim/vector_command.h"
#include "sim/vector_context.h"

namespace kiln::sim {
namespace {

void execute(VectorContext& u, const Command& cmd) {
  const auto& v = std::get<VectorDepthwiseCmd>(cmd.body);
  kernels::DepthwiseConv2dParams p;
  p.in_h = v.in_h, p.in_w = v.in_w, p.in_c = v.c;
  p.out_h = v.out_h, p.out_w = v.out_w;
  p.kh = v.kh, p.kw = v.kw, p.stride_h = v.stride_h, p.stride_w = v.stride_w;
  p.dil_h = v.dil_h, p.dil_w = v.dil_w, p.pad_top = v.pad_top, p.pad_left = v.pad_left;
  p.in_zp = v.in_zp, p.out_zp = v.out_zp;
  p.act_min = v.act_min, p.act_max = v.act_max;
  const uint32_t in_bytes = uint32_t(v.in_h) * v.in_w * v.c, out_bytes = uint32_t(v.out_h) * v.out_w * v.c;
  const uint32_t taps = uint32_t(v.kh) * v.kw * v.c;
  const int8_t* tile = u.read(v.in, in_bytes, u.a);
  const int8_t* weights = u.read(v.weights, taps, u.b);
  read_channel_records(u.spm(), v.params, v.c, "vdwconv", u.records);
  u.out.resize(out_bytes);
  kernels::depthwise_conv2d(p, tile, weights, u.records.bias.data(), u.records.mult.data(), u.records.shift.data(),
                            u.out.data());
  u.write(v.out, u.out, out_bytes);
  // Every tap of every window (as the timing); per output the bias, the
  // rescale, the zero point and the clamp.
  const uint64_t outputs = uint64_t(v.out_h) * v.out_w * v.c;
  u.actions.macs += outputs * v.kh * v.kw;
  u.actions.rescales += outputs;
  u.actions.adds += 3 * outputs;
}

VectorRtlRegister rtl_register(const Command& cmd) {
  const auto& v = std::get<VectorDepthwiseCmd>(cmd.body);
  const unsigned taps = unsigned(v.kh) * v.kw;
  if (taps > kVectorDepthwiseMaxTaps)
    throw Error(fmt::format("rtl vector unit: vdwconv with {} taps, more than the {} a lane holds (internal error)",
                            taps, kVectorDepthwiseMaxTaps));
  VectorRtlRegister r;
  r.op = VectorRtlOp::Depthwise;
  r.a_zp = v.in_zp, r.out_zp = v.out_zp;
  r.act_min = v.act_min, r.act_max = v.act_max;
  r.taps = uint8_t(taps);
  return r;
}

// Operands in the row's order: the tile; the taps, kh*kw*c bytes (tap t of
// channel j at t*c + j); the c records of 12 bytes (int32 bias, multiplier,
// shift, little endian), as the scratchpads hold them.
void rtl_beats(const VectorRtlCommand& c, VectorBeats& beats) {
  c.expect_operands(3);
  const auto& v = std::get<VectorDepthwiseCmd>(c.cmd.body);
  const int8_t *in = c.in[0], *taps = c.in[1], *records = c.in[2];
  const unsigned lanes = beats.lanes(), kernel = unsigned(v.kh) * v.kw;
  const size_t row = size_t(v.in_w) * v.c;
  std::vector<uint32_t> words(lanes);
  for (unsigned c0 = 0; c0 < v.c; c0 += lanes) {
    const size_t n = std::min<size_t>(lanes, v.c - c0);
    const bool final_group = c0 + lanes >= v.c;
    for (unsigned t = 0; t < kernel; ++t) beats.load(taps + size_t(t) * v.c + c0, nullptr, n, t == 0);
    for (unsigned r = 0; r < 3; ++r) {
      for (size_t l = 0; l < n; ++l) {
        const auto* at = reinterpret_cast<const uint8_t*>(records + 12 * (c0 + l) + 4 * r);
        words[l] = uint32_t(at[0]) | uint32_t(at[1]) << 8 | uint32_t(at[2]) << 16 | uint32_t(at[3]) << 24;
      }
      beats.load(nullptr, words.data(), n, false);
    }
    for (int oy = 0; oy < v.out_h; ++oy)
      for (int ox = 0; ox < v.out_w; ++ox) {
        const uint64_t at = (uint64_t(oy) * v.out_w + ox) * v.c + c0;
        for (int ky = 0; ky < v.kh; ++ky)
          for (int kx = 0; kx < v.kw; ++kx) {
            const int y = oy * v.stride_h - v.pad_top + ky * v.dil_h;
            const int x = ox * v.stride_w - v.pad_left + kx * v.dil_w;
            const bool inside = y >= 0 && y < v.in_h && x >= 0 && x < v.in_w;
            BeatFlags f;
            f.first = ky == 0 && kx == 0;
            f.pad = !inside;
            beats.beat(inside ? in + size_t(y) * row + size_t(x) * v.c + c0 : nullptr, nullptr, n, f, at);
          }
        BeatFlags f;  // the rescale step
        f.pad = f.emit = true;
        f.last = final_group && oy + 1 == v.out_h && ox + 1 == v.out_w;
        beats.beat(nullptr, nullptr, n, f, at);
      }
  }
}

}  // namespace

KILN_REGISTER_VECTOR_COMMAND(Opcode::VectorDepthwise, execute, rtl_register, rtl_beats)

}  // namespace kiln::sim
