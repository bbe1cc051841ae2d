// Log-softmax over the innermost axis, int8 in, int8 out with scale 16/256
// and zero point 127 (the only output quantization TFLite Micro accepts),
// TFLite reference_ops::LogSoftmax for int8 (LogSoftmaxQuantized), the
// fixed-point path TFLite Micro runs:
//   per row: max = max(in); diff = in - max
//   sum = sum over diff >= diff_min of rescale(exp_on_negative_values(
//           multiply_by_quantized_multiplier(diff, input_mult, input_left_shift)), Q5 -> Q12)
//   log_sum = log_x_for_x_greater_than_or_equal_to_1(sum), Q12 -> Q5
//   limit = max(diff_min - 1, multiply_by_quantized_multiplier(log_sum + INT32_MIN,
//           reverse_scaling_divisor, reverse_scaling_shift))   (the smallest diff whose
//           log-probability still fits Q5)
//   out = diff > limit ? clamp(rounding_divide_by_pot(scaled diff - log_sum, 22) + 127, -128, 127) : -128
// (22 = 31 - 5 input integer bits - 4 output integer bits: Q5.26 to steps of 1/16.)
#pragma once

#include <cstdint>

namespace kiln::kernels {

struct LogSoftmaxParams {
  int64_t rows = 1;
  int depth = 0;                        // elements per row, at most 4095 (the Q12 sum cannot overflow)
  int32_t input_mult = 0;               // input_scale * 2^26 (beta 1) as TFLite's PreprocessSoftmaxScaling
  int input_left_shift = 0;             // its left shift, in [0, 31]
  int32_t reverse_scaling_divisor = 0;  // 2^(31 - input_left_shift) / input_mult as a multiplier
  int reverse_scaling_shift = 0;        // its shift, in [-31, 0]
  int32_t diff_min = 0;                 // -calculate_input_radius(5, input_left_shift)
};

// Throws kiln::Error "log_softmax: <param>: ...".
void validate(const LogSoftmaxParams& p);

void log_softmax(const LogSoftmaxParams& p, const int8_t* in, int8_t* out);

// The parameters TFLite Micro's Prepare derives from the input scale (beta 1,
// Q5.26 differences). Throws kiln::Error "log_softmax: input: ..." for a
// scale too small for that format (input_scale * 2^26 must exceed 1).
LogSoftmaxParams make_log_softmax_params(double input_scale, int64_t rows, int depth);

// The output quantization TFLite Micro requires.
constexpr float kLogSoftmaxOutputScale = 16.0f / 256.0f;
constexpr int32_t kLogSoftmaxOutputZeroPoint = 127;

}  // namespace kiln::kernels
