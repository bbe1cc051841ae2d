// Fixed-point requantization of the TFLite int8 specification: a real scale
// is carried as a Q31 multiplier and a power-of-two shift, and applied with
// the rounding of TFLite's reference kernels (gemmlowp's saturating rounding
// doubling high multiply, then a rounding right shift). Every int32 -> int8
// rescale in kiln (reference interpreter, MCU kernels, NPU post-processing)
// goes through these functions, so they agree bit for bit. Inline: they run
// once per output element.
#pragma once

#include <cstdint>
#include <limits>

namespace kiln::kernels {

// (a * b * 2) >> 32 with round-half-away-from-zero; saturates INT32_MIN*INT32_MIN.
inline int32_t saturating_rounding_doubling_high_mul(int32_t a, int32_t b) {
  const bool overflow = a == b && a == std::numeric_limits<int32_t>::min();
  const int64_t ab = int64_t(a) * int64_t(b);
  const int32_t nudge = ab >= 0 ? (1 << 30) : (1 - (1 << 30));
  const int32_t high = static_cast<int32_t>((ab + nudge) / (int64_t(1) << 31));
  return overflow ? std::numeric_limits<int32_t>::max() : high;
}

// x / 2^exponent rounded half away from zero (exponent in [0, 31]).
inline int32_t rounding_divide_by_pot(int32_t x, int exponent) {
  const int32_t mask = static_cast<int32_t>((int64_t(1) << exponent) - 1);
  const int32_t remainder = x & mask;
  const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

// x * multiplier * 2^shift as TFLite's MultiplyByQuantizedMultiplier:
// shift > 0 shifts left before the multiply, shift < 0 rounds right after it.
inline int32_t multiply_by_quantized_multiplier(int32_t x, int32_t multiplier, int shift) {
  const int left_shift = shift > 0 ? shift : 0;
  const int right_shift = shift > 0 ? 0 : -shift;
  // The left shift wraps in two's complement as on the target (no UB here).
  const int32_t shifted = static_cast<int32_t>(static_cast<uint32_t>(x) << left_shift);
  return rounding_divide_by_pot(saturating_rounding_doubling_high_mul(shifted, multiplier), right_shift);
}

// a + b in int32 wrapping as the target's adder does (TFLite's kernels add
// the output zero point to the rescaled value in int32). An absurd scale can
// rescale to the edge of int32; every unit then wraps the same way.
inline int32_t wrapping_add(int32_t a, int32_t b) { return static_cast<int32_t>(uint32_t(a) + uint32_t(b)); }

// A scaled value plus the output zero point, clamped to [act_min, act_max],
// as TFLite's kernels end: the add is int32 and wraps, as on the target (an
// absurd scale can rescale to the edge of int32), in every unit alike.
inline int8_t add_zero_point_and_clamp(int32_t scaled, int32_t out_zp, int32_t act_min, int32_t act_max) {
  const int32_t v = wrapping_add(scaled, out_zp);
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
