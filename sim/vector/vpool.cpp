// vavgpool, vmaxpool: pooling of one NHWC int8 tile, through
// kernels/avg_pool.h and kernels/max_pool.h; on the RTL, per output pixel
// and group of lanes (one channel each) one beat per tap of the window,
// padding taps flagged, then for the average a divide step.
#include <algorithm>

#include "kernels/avg_pool.h"
#include "kernels/max_pool.h"
#include "sim/vector_command.h"
#include "sim/vector_context.h"

namespace kiln::sim {
namespace {

void execute(VectorContext& u, const Command& cmd) {
  const auto& v = std::get<VectorPoolCmd>(cmd.body);
  const bool average = cmd.op == Opcode::VectorAvgPool;
  kernels::PoolParams p;
  p.in_h = v.in_h, p.in_w = v.in_w, p.c = v.c;
  p.out_h = v.out_h, p.out_w = v.out_w;
  p.kh = v.kh, p.kw = v.kw, p.stride_h = v.stride_h, p.stride_w = v.stride_w;
  p.pad_top = v.pad_top, p.pad_left = v.pad_left;
  p.act_min = v.act_min, p.act_max = v.act_max;
  const uint32_t in_bytes = uint32_t(v.in_h) * v.in_w * v.c, out_bytes = uint32_t(v.out_h) * v.out_w * v.c;
  u.out.resize(out_bytes);
  (average ? kernels::avg_pool : kernels::max_pool)(p, u.read(v.in, in_bytes, u.a), u.out.data());
  // Every tap of every window (as the timing), then the clamp; the
  // average's divide is priced as a rescale.
  const uint64_t outputs = uint64_t(v.out_h) * v.out_w * v.c;
  u.actions.adds += outputs * (uint64_t(v.kh) * v.kw + 1);
  if (average) u.actions.rescales += outputs;
  u.write(v.out, u.out, out_bytes);
}

VectorRtlRegister rtl_register(const Command& cmd) {
  const auto& v = std::get<VectorPoolCmd>(cmd.body);
  VectorRtlRegister r;
  r.op = cmd.op == Opcode::VectorAvgPool ? VectorRtlOp::AvgPool : VectorRtlOp::MaxPool;
  r.act_min = v.act_min, r.act_max = v.act_max;
  return r;
}

void rtl_beats(const VectorRtlCommand& c, VectorBeats& beats) {
  c.expect_operands(1);
  const auto& v = std::get<VectorPoolCmd>(c.cmd.body);
  const bool average = c.cmd.op == Opcode::VectorAvgPool;
  const int8_t* in = c.in[0];
  const unsigned lanes = beats.lanes();
  const size_t row = size_t(v.in_w) * v.c;
  for (int oy = 0; oy < v.out_h; ++oy)
    for (int ox = 0; ox < v.out_w; ++ox)
      for (unsigned c0 = 0; c0 < v.c; c0 += lanes) {
        const size_t n = std::min<size_t>(lanes, v.c - c0);
        const uint64_t at = (uint64_t(oy) * v.out_w + ox) * v.c + c0;
        const bool final_group = oy + 1 == v.out_h && ox + 1 == v.out_w && c0 + lanes >= v.c;
        for (int ky = 0; ky < v.kh; ++ky)
          for (int kx = 0; kx < v.kw; ++kx) {
            const int y = oy * v.stride_h - v.pad_top + ky, x = ox * v.stride_w - v.pad_left + kx;
            const bool inside = y >= 0 && y < v.in_h && x >= 0 && x < v.in_w;
            const bool last_tap = ky + 1 == v.kh && kx + 1 == v.kw;
            BeatFlags f;
            f.first = ky == 0 && kx == 0;
            f.pad = !inside;
            f.emit = last_tap && !average;
            f.last = f.emit && final_group;
            beats.beat(inside ? in + size_t(y) * row + size_t(x) * v.c + c0 : nullptr, nullptr, n, f, at);
          }
        if (average) {  // the divide step
          BeatFlags f;
          f.pad = f.emit = true;
          f.last = final_group;
          beats.beat(nullptr, nullptr, n, f, at);
        }
      }
}

}  // namespace

KILN_REGISTER_VECTOR_COMMAND(Opcode::VectorAvgPool, execute, rtl_register, rtl_beats)
KILN_REGISTER_VECTOR_COMMAND(Opcode::VectorMaxPool, execute, rtl_register, rtl_beats)

}  // namespace kiln::sim
