// The fixed-point arithmetic of TFLite's int8 softmax, after gemmlowp's
// fixedpoint.h: values are int32 raw words of a Q(integer_bits).(31 -
// integer_bits) format. Multiplying Q(a) by Q(b) gives Q(a+b) through
// saturating_rounding_doubling_high_mul (requantize.h). Written here so kiln
// has no build dependency on gemmlowp; tests/kernels compare these functions
// with gemmlowp's own templates when libgemmlowp-dev is installed.
#pragma once

#include <cstdint>

namespace kiln::kernels::fixed_point {

// Raw word of 1.0 in Q(integer_bits): INT32_MAX for Q0 (1.0 is not representable).
int32_t one(int integer_bits);

// (a + b) / 2 rounded half away from zero, without overflow.
int32_t rounding_half_sum(int32_t a, int32_t b);

// x * 2^exponent: a saturating left shift for exponent > 0, a rounding
// (half away from zero) right shift for exponent < 0. exponent in [-31, 31].
int32_t saturating_rounding_multiply_by_pot(int32_t x, int exponent);

// Converts a raw word from Q(src_integer_bits) to Q(dst_integer_bits), with
// rounding when bits are dropped and saturation when they overflow.
int32_t rescale(int32_t raw, int src_integer_bits, int dst_integer_bits);

// exp(a) for a in [-1/4, 0), a and result in Q0.31.
int32_t exp_on_interval_between_negative_one_quarter_and_0_excl(int32_t a);

// exp(a) for a <= 0 in Q(integer_bits) (integer_bits in [0, 29]); result in Q0.31.
int32_t exp_on_negative_values(int32_t a, int integer_bits);

// 1 / (1 + x) for x in [0, 1], x and result in Q0.31 (Newton-Raphson).
int32_t one_over_one_plus_x_for_x_in_0_1(int32_t a);

// TFLite's GetReciprocal: for x > 0 in Q(x_integer_digits), returns the Q0.31
// word of 1 / (x / 2^num_bits_over_unit) and sets num_bits_over_unit.
int32_t get_reciprocal(int32_t x, int x_integer_digits, int* num_bits_over_unit);

// TFLite's log_x_for_x_greater_than_or_equal_to_1: ln(x) for x >= 1 in
// Q(input_integer_bits), result in Q(output_integer_bits). x is normalized
// to [1/2, 1) by a power of two (tried at two offsets a quarter octave apart,
// the better one kept) and the remainder's logarithm taken by a rational
// approximation; output_integer_bits must hold ln of the largest input
// (TFLite's min_log_x_output_bits; log_softmax: Q12 in, Q5 out).
int32_t log_x_for_x_greater_than_or_equal_to_1(int32_t x, int input_integer_bits, int output_integer_bits);

}  // namespace kiln::kernels::fixed_point
