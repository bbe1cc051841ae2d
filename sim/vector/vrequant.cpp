// vrequant: element-wise requantize and clamp (QUANTIZE, RELU, RELU6),
// through kernels/requantize_tensor.h; on the RTL, the lanes' requantizer,
// one beat per group of lanes.
#include "kernels/requantize_tensor.h"
#include "sim/vector_beats.h"
#include "sim/vector_context.h"

namespace kiln::sim {
namespace {

void execute(VectorContext& u, const Command& cmd) {
  const auto& v = std::get<VectorRequantizeCmd>(cmd.body);
  kernels::RequantizeParams p;
  p.count = v.count;
  p.in_zp = v.in_zp, p.out_zp = v.out_zp;
  p.mult = v.mult, p.shift = v.shift;
  p.act_min = v.act_min, p.act_max = v.act_max;
  u.out.resize(v.count);
  kernels::requantize(p, u.read(v.in, v.count, u.a), u.out.data());
  u.actions.rescales += v.count;
  u.actions.adds += 3 * uint64_t(v.count);  // the two zero points and the clamp
  u.write(v.out, u.out, v.count);
}

VectorRtlRegister rtl_register(const Command& cmd) {
  const auto& v = std::get<VectorRequantizeCmd>(cmd.body);
  VectorRtlRegister r;
  r.op = VectorRtlOp::Requantize;
  r.a_zp = v.in_zp, r.a_mult = v.mult, r.a_shift = v.shift;
  r.out_zp = v.out_zp;
  r.act_min = v.act_min, r.act_max = v.act_max;
  return r;
}

void rtl_beats(const VectorRtlCommand& c, VectorBeats& beats) {
  c.expect_operands(1);
  stream_elements(beats, c.out_bytes, c.passes, c.in[0], nullptr);
}

}  // namespace

KILN_REGISTER_VECTOR_COMMAND(Opcode::VectorRequantize, execute, rtl_register, rtl_beats)

}  // namespace kiln::sim
