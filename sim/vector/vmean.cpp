// vmean: the mean over H and W of one NHWC int8 tile, through
// kernels/mean.h; on the RTL, per group of lanes (one channel each) one beat
// per pixel into the running sums, then a rescale step by the multiplier
// with 1/(h*w) folded in, which the unit computes in its start cycle.
#include <algorithm>

#include "kernels/mean.h"
#include "sim/vector_command.h"
#include "sim/vector_context.h"

namespace kiln::sim {
namespace {

void execute(VectorContext& u, const Command& cmd) {
  const auto& v = std::get<VectorMeanCmd>(cmd.body);
  kernels::MeanParams p;
  p.h = v.h, p.w = v.w, p.c = v.c;
  p.in_zp = v.in_zp, p.out_zp = v.out_zp;
  p.mult = v.mult, p.shift = v.shift;
  const uint32_t in_bytes = uint32_t(v.h) * v.w * v.c;
  u.out.resize(v.c);
  kernels::mean(p, u.read(v.in, in_bytes, u.a), u.out.data());
  u.write(v.out, u.out, v.c);
  // Every pixel's add, then per channel the zero point, the rescale and the clamp.
  u.actions.adds += uint64_t(in_bytes) + 2 * uint64_t(v.c);
  u.actions.rescales += v.c;
}

VectorRtlRegister rtl_register(const Command& cmd) {
  const auto& v = std::get<VectorMeanCmd>(cmd.body);
  VectorRtlRegister r;
  r.op = VectorRtlOp::Mean;
  r.a_zp = v.in_zp, r.out_zp = v.out_zp;
  r.out_mult = v.mult, r.out_shift = v.shift;
  r.h = v.h, r.w = v.w;
  return r;
}

void rtl_beats(const VectorRtlCommand& c, VectorBeats& beats) {
  c.expect_operands(1);
  const auto& v = std::get<VectorMeanCmd>(c.cmd.body);
  const unsigned lanes = beats.lanes();
  const uint64_t pixels = uint64_t(v.h) * v.w;
  for (unsigned c0 = 0; c0 < v.c; c0 += lanes) {
    const size_t n = std::min<size_t>(lanes, v.c - c0);
    for (uint64_t p = 0; p < pixels; ++p) {
      BeatFlags f;
      f.first = p == 0;
      beats.beat(c.in[0] + p * v.c + c0, nullptr, n, f, 0);
    }
    BeatFlags f;  // the rescale step
    f.pad = f.emit = true;
    f.last = c0 + lanes >= v.c;
    beats.beat(nullptr, nullptr, n, f, c0);
  }
}

}  // namespace

KILN_REGISTER_VECTOR_COMMAND(Opcode::VectorMean, execute, rtl_register, rtl_beats)

}  // namespace kiln::sim
