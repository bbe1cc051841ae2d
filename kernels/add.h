// Elementwise add of two int8 tensors of the same shape, TFLite
// reference_integer_ops::Add (AddFunc), in its order of operations:
//   a = (in1 - in1_zp) * 2^left_shift;  b = (in2 - in2_zp) * 2^left_shift
//   a = multiply_by_quantized_multiplier(a, in1_mult, in1_shift)   (likewise b)
//   out = clamp(multiply_by_quantized_multiplier(a + b, out_mult, out_shift) + out_zp, act_min, act_max)
// TFLite uses left_shift = 20 for int8 and shifts <= 0 (every real multiplier
// is below one, so multiply_by_quantized_multiplier is TFLite's
// MultiplyByQuantizedMultiplierSmallerThanOneExp here). The compiler derives
// the parameters as TFLite's Prepare does:
//   twice_max = 2 * max(s1, s2); m1 = s1 / twice_max; m2 = s2 / twice_max;
//   m_out = twice_max / (2^left_shift * s_out), each through quantize_multiplier.
#pragma once

#include <cstdint>

namespace kiln::kernels {

struct AddParams {
  int64_t count = 0;  // elements
  int32_t in1_zp = 0, in2_zp = 0, out_zp = 0;
  int left_shift = 20;
  int32_t in1_mult = 0, in2_mult = 0, out_mult = 0;
  int in1_shift = 0, in2_shift = 0, out_shift = 0;
  int32_t act_min = -128, act_max = 127;
};

// Throws kiln::Error "add: <param>: ...".
void validate(const AddParams& p);

void add(const AddParams& p, const int8_t* in1, const int8_t* in2, int8_t* out);

}  // namespace kiln::kernels
