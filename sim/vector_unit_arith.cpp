// The vector unit's vsub, vmul and vlut: each computes what its kernel in
// kernels/ computes (kernels/sub.h, kernels/mul.h, kernels/lut.h) on operands
// of the same shape, with the closed-form timing of arch/vector_timing.h and
// the actions docs/energy.md counts.
#include "arch/vector_timing.h"
#include "kernels/lut.h"
#include "kernels/mul.h"
#include "kernels/sub.h"
#include "sim/vector_unit.h"

namespace kiln::sim {

UnitWork VectorUnit::sub(const Command& cmd) {
  const auto& v = std::get<VectorAddCmd>(cmd.body);
  read_pair(v.a, v.b, v.count);
  kernels::SubParams p;
  p.count = p.in1_count = p.in2_count = v.count;
  p.in1_zp = v.a_zp, p.in2_zp = v.b_zp, p.out_zp = v.out_zp;
  p.left_shift = v.left_shift;
  p.in1_mult = v.a_mult, p.in1_shift = v.a_shift;
  p.in2_mult = v.b_mult, p.in2_shift = v.b_shift;
  p.out_mult = v.out_mult, p.out_shift = v.out_shift;
  p.act_min = v.act_min, p.act_max = v.act_max;
  kernels::sub(p, a_.data(), b_.data(), out_.data());
  rescales_ += 3 * uint64_t(v.count);  // as vadd: a, b and the difference
  adds_ += 5 * uint64_t(v.count);      // two input zero points, the difference, the output zero point, the clamp
  spm_.write(v.out.buf, v.out.offset, out_.data(), v.count);
  return {vector_sub_cycles(npu_, v, lanes_), 0,
          {{v.a.buf, v.a.offset, v.count}, {v.b.buf, v.b.offset, v.count}, {v.out.buf, v.out.offset, v.count}}};
}

UnitWork VectorUnit::mul(const Command& cmd) {
  const auto& v = std::get<VectorMulCmd>(cmd.body);
  a_.resize(v.count);
  b_.resize(v.b_count);
  out_.resize(v.count);
  spm_.read(v.a.buf, v.a.offset, a_.data(), v.count);
  spm_.read(v.b.buf, v.b.offset, b_.data(), v.b_count);
  kernels::MulParams p;
  p.count = p.in1_count = v.count;
  p.in2_count = v.b_count;
  p.in1_zp = v.a_zp, p.in2_zp = v.b_zp, p.out_zp = v.out_zp;
  p.out_mult = v.mult, p.out_shift = v.shift;
  p.act_min = v.act_min, p.act_max = v.act_max;
  kernels::mul(p, a_.data(), b_.data(), out_.data());
  rescales_ += v.count;            // the product's (its 9 x 9-bit multiply rides with it)
  adds_ += 4 * uint64_t(v.count);  // two input zero points, the output zero point, the clamp
  spm_.write(v.out.buf, v.out.offset, out_.data(), v.count);
  return {vector_mul_cycles(npu_, v, lanes_), 0,
          {{v.a.buf, v.a.offset, v.count}, {v.b.buf, v.b.offset, v.b_count}, {v.out.buf, v.out.offset, v.count}}};
}

UnitWork VectorUnit::lut(const Command& cmd) {
  const auto& v = std::get<VectorLutCmd>(cmd.body);
  int8_t table[kernels::kLutEntries];
  spm_.read(v.table.buf, v.table.offset, table, kernels::kLutEntries);
  a_.resize(v.count);
  out_.resize(v.count);
  spm_.read(v.in.buf, v.in.offset, a_.data(), v.count);
  kernels::LutParams p;
  p.count = v.count;
  kernels::lut(p, a_.data(), table, out_.data());
  adds_ += v.count;  // one table read each, priced as an add
  spm_.write(v.out.buf, v.out.offset, out_.data(), v.count);
  return {vector_lut_cycles(npu_, v, lanes_), 0,
          {{v.in.buf, v.in.offset, v.count},
           {v.table.buf, v.table.offset, kernels::kLutEntries},
           {v.out.buf, v.out.offset, v.count}}};
}

}  // namespace kiln::sim
