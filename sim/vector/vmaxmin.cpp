// vmax, vmin: element-wise maximum and minimum of two int8 vectors on their
// stored values, through kernels/maximum_minimum.h; on the RTL, the lanes'
// compare, one beat per group of lanes.
#include "kernels/maximum_minimum.h"
#include "sim/vector_beats.h"
#include "sim/vector_context.h"

namespace kiln::sim {
namespace {

void execute(VectorContext& u, const Command& cmd) {
  const auto& v = std::get<VectorMaxMinCmd>(cmd.body);
  kernels::MaxMinParams p;
  p.count = v.count;
  u.out.resize(v.count);
  (cmd.op == Opcode::VectorMax ? kernels::maximum : kernels::minimum)(p, u.read(v.a, v.count, u.a),
                                                                      u.read(v.b, v.count, u.b), u.out.data());
  u.actions.adds += v.count;  // one compare each
  u.write(v.out, u.out, v.count);
}

VectorRtlRegister rtl_register(const Command& cmd) {
  VectorRtlRegister r;
  r.op = cmd.op == Opcode::VectorMax ? VectorRtlOp::Max : VectorRtlOp::Min;
  return r;
}

void rtl_beats(const VectorRtlCommand& c, VectorBeats& beats) {
  c.expect_operands(2);
  stream_elements(beats, c.out_bytes, c.passes, c.in[0], c.in[1]);
}

}  // namespace

KILN_REGISTER_VECTOR_COMMAND(Opcode::VectorMax, execute, rtl_register, rtl_beats)
KILN_REGISTER_VECTOR_COMMAND(Opcode::VectorMin, execute, rtl_register, rtl_beats)

}  // namespace kiln::sim
