// Element-wise multiplication of two int8 tensors, TFLite Micro's int8 MUL
// (reference_integer_ops::MulElementwise and BroadcastMul6DSlow):
//   out = clamp(mbqm((in1 - in1_zp) * (in2 - in2_zp), out_mult, out_shift) + out_zp, act_min, act_max)
// where (out_mult, out_shift) is QuantizeMultiplier(in1_scale * in2_scale /
// out_scale) (computed in double, as CalculateOpDataMul does; the shift may
// be positive). One operand may be broadcast along the innermost dimensions
// as for SUB (kernels/broadcast_operand.h): element i reads in1[i % in1_count]
// and in2[i % in2_count], which covers the per-channel scale of a
// squeeze-and-excite block and a scalar.
#pragma once

#include <cstdint>

namespace kiln::kernels {

struct MulParams {
  int64_t count = 0;      // output elements
  int64_t in1_count = 0;  // elements of in1: count, or a divisor of it that it repeats
  int64_t in2_count = 0;  // elements of in2: likewise
  int32_t in1_zp = 0, in2_zp = 0, out_zp = 0;
  int32_t out_mult = 0;
  int out_shift = 0;
  int32_t act_min = -128, act_max = 127;
};

// Throws kiln::Error "mul: <param>: ...".
void validate(const MulParams& p);

void mul(const MulParams& p, const int8_t* in1, const int8_t* in2, int8_t* out);

}  // namespace kiln::kernels
