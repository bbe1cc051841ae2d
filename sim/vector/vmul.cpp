// vmul: element-wise multiplication, b of b_count elements repeating over a,
// through kernels/mul.h; on the RTL, the lanes' product of the two operands
// less their zero points, rescaled, one beat per group of lanes with b
// wrapped as the kernel reads it (element i is b[i % b_count]).
#include "kernels/mul.h"
#include "sim/vector_beats.h"
#include "sim/vector_context.h"

namespace kiln::sim {
namespace {

void execute(VectorContext& u, const Command& cmd) {
  const auto& v = std::get<VectorMulCmd>(cmd.body);
  kernels::MulParams p;
  p.count = p.in1_count = v.count;
  p.in2_count = v.b_count;
  p.in1_zp = v.a_zp, p.in2_zp = v.b_zp, p.out_zp = v.out_zp;
  p.out_mult = v.mult, p.out_shift = v.shift;
  p.act_min = v.act_min, p.act_max = v.act_max;
  u.out.resize(v.count);
  kernels::mul(p, u.read(v.a, v.count, u.a), u.read(v.b, v.b_count, u.b), u.out.data());
  u.actions.rescales += v.count;            // the product's (its 9 x 9-bit multiply rides with it)
  u.actions.adds += 4 * uint64_t(v.count);  // two input zero points, the output zero point, the clamp
  u.write(v.out, u.out, v.count);
}

VectorRtlRegister rtl_register(const Command& cmd) {
  const auto& v = std::get<VectorMulCmd>(cmd.body);
  VectorRtlRegister r;
  r.op = VectorRtlOp::Mul;
  r.a_zp = v.a_zp, r.b_zp = v.b_zp, r.out_zp = v.out_zp;
  r.out_mult = v.mult, r.out_shift = v.shift;
  r.act_min = v.act_min, r.act_max = v.act_max;
  return r;
}

void rtl_beats(const VectorRtlCommand& c, VectorBeats& beats) {
  c.expect_operands(2);
  const uint32_t b_count = std::get<VectorMulCmd>(c.cmd.body).b_count;
  const int8_t* b = c.in[1];
  std::vector<int8_t> wrapped;
  if (b_count != 0 && b_count < c.out_bytes) {
    wrapped.resize(c.out_bytes);
    for (uint64_t i = 0; i < c.out_bytes; ++i) wrapped[i] = b[i % b_count];
    b = wrapped.data();
  }
  stream_elements(beats, c.out_bytes, c.passes, c.in[0], b);
}

}  // namespace

KILN_REGISTER_VECTOR_COMMAND(Opcode::VectorMul, execute, rtl_register, rtl_beats)

}  // namespace kiln::sim
