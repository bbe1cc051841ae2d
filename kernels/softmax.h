// Softmax over the innermost axis, int8 in, int8 out with scale 1/256 and
// zero point -128, TFLite reference_ops::Softmax<int8_t, int8_t> (the gemmlowp
// fixed-point path that TFLite Micro runs):
//   per row: max = max(in); diff = in - max
//   included iff diff >= diff_min; r = multiply_by_quantized_multiplier(diff, beta_mult, beta_shift)
//     (beta_shift >= 0: TFLite's MultiplyByQuantizedMultiplierGreaterThanOne), r in Q5.26
//   sum = sum over included of rescale(exp_on_negative_values(r), Q0 -> Q12)
//   scale = get_reciprocal(sum, 12, &bits); e = bits + 23
//   out = included ? clamp(rounding_divide_by_pot(srdhm(scale, exp(r)), e) - 128, -128, 127) : -128
// When e > 31 (a long row of equal values; TFLite aborts there) the quotient is
// taken as its exact value, 0. See docs/kernels.md.
#pragma once

#include <cstdint>

namespace kiln::kernels {

struct SoftmaxParams {
  int64_t rows = 1;
  int depth = 0;           // elements per row, at most 4095 (the Q12 sum cannot overflow)
  int32_t beta_mult = 0;   // from preprocess_softmax_scaling
  int beta_shift = 0;      // left shift, in [0, 31]
  int32_t diff_min = 0;    // -calculate_input_radius(5, beta_shift)
};

// Integer bits of the scaled input differences (Q5.26), as TFLite.
constexpr int kSoftmaxScaledDiffIntegerBits = 5;

// Throws kiln::Error "softmax: <param>: ...".
void validate(const SoftmaxParams& p);

void softmax(const SoftmaxParams& p, const int8_t* in, int8_t* out);

// TFLite's PreprocessSoftmaxScaling: beta * input_scale * 2^(31 -
// input_integer_bits), capped at 2^31 - 1, as a multiplier and a left shift.
// Throws kiln::Error when that product is not above one (TFLite's check).
void preprocess_softmax_scaling(double beta, double input_scale, int input_integer_bits, int32_t* mult,
                                int* left_shift);

// TFLite's CalculateInputRadius: the largest input difference whose rescaled
// value still fits the Q(input_integer_bits) format.
int calculate_input_radius(int input_integer_bits, int input_left_shift, int total_signed_bits = 31);

// Parameters for an int8 softmax with the given beta and input scale.
SoftmaxParams make_softmax_params(double beta, double input_scale, int64_t rows, int depth);

}  // namespace kiln::kernels
