#include "sim/vector_unit.h"

#include "arch/vector_timing.h"
#include "kernels/add.h"

namespace kiln::sim {

UnitWork VectorUnit::execute(const Command& cmd, int64_t) {
  const auto& v = std::get<VectorAddCmd>(cmd.body);
  a_.resize(v.count);
  b_.resize(v.count);
  out_.resize(v.count);
  spm_.read(v.a.buf, v.a.offset, a_.data(), v.count);
  spm_.read(v.b.buf, v.b.offset, b_.data(), v.count);
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
  kernels::add(p, a_.data(), b_.data(), out_.data());
  spm_.write(v.out.buf, v.out.offset, out_.data(), v.count);
  return {vector_add_cycles(npu_, v, lanes_), 0,
          {{v.a.buf, v.a.offset, v.count}, {v.b.buf, v.b.offset, v.count}, {v.out.buf, v.out.offset, v.count}}};
}

namespace {
std::unique_ptr<NpuUnit> make_vector_unit(const NpuUnitContext& c) {
  return std::make_unique<VectorUnit>(c.soc.npu, c.spm, unsigned(c.config->param("lanes")));
}
}  // namespace

KILN_REGISTER_UNIT(NpuUnitRegistry, "vector", make_vector_unit)

}  // namespace kiln::sim
