// What vadd and vsub share on the RTL: the register of two rescaled operands
// and a rescaled result (VectorAddCmd's fields), and one beat per group of
// lanes over both operands. Only the lanes' operation differs.
#pragma once

#include <variant>

#include "arch/command.h"
#include "sim/vector_beats.h"
#include "sim/vector_command.h"

namespace kiln::sim {

inline VectorRtlRegister rescaled_binary_register(const Command& cmd, VectorRtlOp op) {
  const auto& v = std::get<VectorAddCmd>(cmd.body);
  VectorRtlRegister r;
  r.op = op;
  r.a_zp = v.a_zp, r.a_mult = v.a_mult, r.a_shift = v.a_shift;
  r.b_zp = v.b_zp, r.b_mult = v.b_mult, r.b_shift = v.b_shift;
  r.out_zp = v.out_zp, r.out_mult = v.out_mult, r.out_shift = v.out_shift;
  r.left_shift = v.left_shift;
  r.act_min = v.act_min, r.act_max = v.act_max;
  return r;
}

inline void rescaled_binary_beats(const VectorRtlCommand& c, VectorBeats& beats) {
  c.expect_operands(2);
  stream_elements(beats, c.out_bytes, c.passes, c.in[0], c.in[1]);
}

}  // namespace kiln::sim
