// vadd: element-wise add of two int8 vectors with TFLite's rescaling,
// through kernels/add.h; on the RTL, the lanes' add (each operand and the
// sum rescaled), one beat per group of lanes.
#include "kernels/add.h"
#include "sim/vector/rescaled_binary.h"
#include "sim/vector_context.h"

namespace kiln::sim {
namespace {

void execute(VectorContext& u, const Command& cmd) {
  const auto& v = std::get<VectorAddCmd>(cmd.body);
  kernels::AddParams p;
  p.count = v.count;
  p.in1_zp = v.a_zp;
  p.in2_zp = v.b_zp;
  p.out_zp = v.out_zp;
  p.left_shift = v.left_shift;
  p.in1_mult = v.a_mult;
  p.in1_shift = v.a_shift;
  p.in2_mult = v.b_mult;
  p.in2_shift = v.b_shift;
  p.out_mult = v.out_mult;
  p.out_shift = v.out_shift;
  p.act_min = v.act_min;
  p.act_max = v.act_max;
  u.out.resize(v.count);
  kernels::add(p, u.read(v.a, v.count, u.a), u.read(v.b, v.count, u.b), u.out.data());
  u.actions.rescales += 3 * uint64_t(v.count);  // a, b and the sum
  u.actions.adds += 5 * uint64_t(v.count);      // two input zero points, the sum, the output zero point, the clamp
  u.write(v.out, u.out, v.count);
}

VectorRtlRegister rtl_register(const Command& cmd) { return rescaled_binary_register(cmd, VectorRtlOp::Add); }

}  // namespace

KILN_REGISTER_VECTOR_COMMAND(Opcode::VectorAdd, execute, rtl_register, rescaled_binary_beats)

}  // namespace kiln::sim
