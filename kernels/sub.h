// Element-wise subtraction of two int8 tensors, TFLite Micro's int8 SUB
// (reference_ops::SubElementwise and BroadcastQuantSubSlow): both inputs are
// rescaled to a common scale exactly as ADD rescales them (kernels/add.h; the
// compiler derives the same multipliers, as TFLite's CalculateOpDataSub does),
// then subtracted and rescaled to the output:
//   a = mbqm((in1 - in1_zp) << left_shift, in1_mult, in1_shift)   (likewise b)
//   out = clamp(mbqm(a - b, out_mult, out_shift) + out_zp, act_min, act_max)
// One operand may be broadcast along the innermost dimensions: element i of
// the output reads in1[i % in1_count] and in2[i % in2_count], so an operand
// of `count` elements is read element by element, one of the last dimension's
// size (a per-channel vector of an NHWC tensor) once per pixel, and one
// element (a scalar) everywhere.
#pragma once

#include <cstdint>

namespace kiln::kernels {

struct SubParams {
  int64_t count = 0;      // output elements
  int64_t in1_count = 0;  // elements of in1: count, or a divisor of it that it repeats
  int64_t in2_count = 0;  // elements of in2: likewise
  int32_t in1_zp = 0, in2_zp = 0, out_zp = 0;
  int left_shift = 20;
  int32_t in1_mult = 0, in2_mult = 0, out_mult = 0;
  int in1_shift = 0, in2_shift = 0, out_shift = 0;
  int32_t act_min = -128, act_max = 127;
};

// Throws kiln::Error "sub: <param>: ...".
void validate(const SubParams& p);

void sub(const SubParams& p, const int8_t* in1, const int8_t* in2, int8_t* out);

}  // namespace kiln::kernels
