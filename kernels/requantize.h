// Fixed-point requantization of the TFLite int8 specification: a real scale
// is carried as a Q31 multiplier and a power-of-two shift, and applied with
// the rounding of TFLite's reference kernels (gemmlowp's saturating rounding
// doubling high multiply, then a rounding right shift). Every int32 -> int8
// rescale in kiln (reference interpreter, MCU kernels, NPU post-processing)
// goes through these functions, so they agree bit for bit.
#pragma once

#include <cstdint>

namespace kiln::kernels {

// (a * b * 2) >> 32 with round-half-away-from-zero; saturates INT32_MIN*INT32_MIN.
int32_t saturating_rounding_doubling_high_mul(int32_t a, int32_t b);

// x / 2^exponent rounded half away from zero (exponent in [0, 31]).
int32_t rounding_divide_by_pot(int32_t x, int exponent);

// x * multiplier * 2^shift as TFLite's MultiplyByQuantizedMultiplier:
// shift > 0 shifts left before the multiply, shift < 0 rounds right after it.
int32_t multiply_by_quantized_multiplier(int32_t x, int32_t multiplier, int shift);

// A scaled value plus the output zero point, clamped to [act_min, act_max].
// The add is 64-bit: TFLite adds in int32, which overflows only for a scaled
// value within 128 of the int32 limits (a model with an absurd scale, whose
// multiplier saturates); there the clamp saturates, as the NPU's
// post-processing unit does, instead of wrapping (undefined in C++).
inline int8_t add_zero_point_and_clamp(int32_t scaled, int32_t out_zp, int32_t act_min, int32_t act_max) {
  const int64_t v = int64_t(scaled) + out_zp;
  return static_cast<int8_t>(v < act_min ? act_min : (v > act_max ? act_max : v));
}

// An int32 accumulator to an int8 output as TFLite's conv, depthwise and fully
// connected kernels end: scale, add the output zero point, clamp to the
// activation range.
inline int8_t requantize_accumulator(int32_t acc, int32_t multiplier, int shift, int32_t out_zp, int32_t act_min,
                                     int32_t act_max) {
  return add_zero_point_and_clamp(multiply_by_quantized_multiplier(acc, multiplier, shift), out_zp, act_min, act_max);
}

// A real scale as (multiplier, shift) as TFLite's QuantizeMultiplier:
// scale = multiplier * 2^(shift - 31), multiplier in [2^30, 2^31) or 0.
void quantize_multiplier(double scale, int32_t* multiplier, int* shift);

}  // namespace kiln::kernels
