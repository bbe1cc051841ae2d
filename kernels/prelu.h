// Parametric ReLU of an int8 tensor (TFLite PRELU) as TFLite Micro's
// reference Prelu and BroadcastPrelu4DSlow compute it:
//   x = in - in_zp
//   out = clamp((x >= 0 ? mbqm(x, mult_identity, shift_identity)
//                       : mbqm(x * (alpha - alpha_zp), mult_alpha, shift_alpha)) + out_zp, -128, 127)
// with (mult_identity, shift_identity) = QuantizeMultiplier(s_in / s_out) and
// (mult_alpha, shift_alpha) = QuantizeMultiplier(s_in * s_alpha / s_out), in
// double as CalculatePreluParams. The slope repeats along the innermost
// dimensions (kernels/broadcast_operand.h): element i reads
// alpha[i % alpha_count], which covers TFLite's per-channel [1, 1, C] slope
// and a scalar.
#pragma once

#include <cstdint>

namespace kiln::kernels {

struct PreluParams {
  int64_t count = 0;        // elements of the input and the output
  int64_t alpha_count = 0;  // elements of the slope: count, or a divisor of it that it repeats
  int32_t in_zp = 0, alpha_zp = 0, out_zp = 0;
  int32_t mult_identity = 0, mult_alpha = 0;
  int shift_identity = 0, shift_alpha = 0;
};

// The rescales of CalculatePreluParams for the three tensors' scales.
void prelu_rescales(double in_scale, double alpha_scale, double out_scale, PreluParams* p);

// Throws kiln::Error "prelu: <param>: ...".
void validate(const PreluParams& p);

void prelu(const PreluParams& p, const int8_t* in, const int8_t* alpha, int8_t* out);

}  // namespace kiln::kernels
