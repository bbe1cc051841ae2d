// (a - b)^2 of two int8 tensors, TFLite Micro's int8 SQUARED_DIFFERENCE:
// both inputs, less their zero points, are shifted left by left_shift (7
// for int8) and rescaled to twice the larger input scale (multipliers below
// one, as ADD's), the difference squared in int32, and the square rescaled by
// (2 max(s1, s2))^2 / (2^(2 left_shift) s_out) (QuantizeMultiplier in double,
// as its PrepareQuantized) plus the output zero point, clamped to int8.
// Either input may repeat along the output's innermost dimensions
// (kernels/broadcast_operand.h).
#pragma once

#include <cstdint>

namespace kiln::kernels {

struct SquaredDifferenceParams {
  int64_t count = 0;      // output elements
  int64_t in1_count = 0;  // elements of in1: count, or a divisor of it that it repeats
  int64_t in2_count = 0;  // elements of in2: likewise
  int32_t in1_zp = 0, in2_zp = 0, out_zp = 0;
  int32_t left_shift = 7;
  int32_t in1_mult = 0, in2_mult = 0, out_mult = 0;
  int in1_shift = 0, in2_shift = 0, out_shift = 0;
};

// The rescales of TFLite Micro's PrepareQuantized for the three scales (left_shift 7).
void squared_difference_rescales(double in1_scale, double in2_scale, double out_scale, SquaredDifferenceParams* p);

// Throws kiln::Error "squared_difference: <param>: ...".
void validate(const SquaredDifferenceParams& p);

void squared_difference(const SquaredDifferenceParams& p, const int8_t* in1, const int8_t* in2, int8_t* out);

}  // namespace kiln::kernels
