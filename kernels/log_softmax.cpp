#include "kernels/log_softmax.h"

#include <algorithm>
#include <limits>

#include <fmt/format.h>

#include "kernels/check.h"
#include "kernels/fixed_point.h"
#include "kernels/requantize.h"
#include "kernels/softmax.h"

namespace kiln::kernels {

namespace {
constexpr const char* kOp = "log_softmax";
constexpr int kInputIntegerBits = 5;
constexpr int kAccumulationIntegerBits = 12;
constexpr int kOutputIntegerBits = 4;
}  // namespace

void validate(const LogSoftmaxParams& p) {
  check::range(kOp, "rows", p.rows, 1, check::kMaxElements);
  // 4095 terms of at most 2^19 (1.0 in Q12) stay below 2^31.
  check::range(kOp, "depth", p.depth, 1, 4095);
  check::elements(kOp, "input", p.rows * p.depth);
  check::multiplier(kOp, "input_mult", p.input_mult);
  check::range(kOp, "input_left_shift", p.input_left_shift, 0, 31);
  check::multiplier(kOp, "reverse_scaling_divisor", p.reverse_scaling_divisor);
  check::range(kOp, "reverse_scaling_shift", p.reverse_scaling_shift, -31, 0);
  // Larger differences would overflow the Q5.26 rescale; diff_min <= 0 keeps
  // the row maximum included, so the sum is at least 1 and its log defined.
  const int radius = calculate_input_radius(kInputIntegerBits, p.input_left_shift);
  check::range(kOp, "diff_min", p.diff_min, -int64_t(radius), 0);
}

void log_softmax(const LogSoftmaxParams& p, const int8_t* in, int8_t* out) {
  validate(p);
  const auto scaled_diff = [&](int32_t diff) {
    return multiply_by_quantized_multiplier(diff, p.input_mult, p.input_left_shift);  // Q5.26
  };
  for (int64_t row = 0; row < p.rows; ++row, in += p.depth, out += p.depth) {
    const int32_t max_in_row = *std::max_element(in, in + p.depth);
    int32_t sum_of_exps = 0;  // Q12.19
    for (int c = 0; c < p.depth; ++c) {
      const int32_t diff = int32_t(in[c]) - max_in_row;
      if (diff < p.diff_min) continue;
      const int32_t e = fixed_point::exp_on_negative_values(scaled_diff(diff), kInputIntegerBits);
      sum_of_exps += fixed_point::rescale(e, 0, kAccumulationIntegerBits);
    }
    const int32_t log_sum = fixed_point::log_x_for_x_greater_than_or_equal_to_1(
        sum_of_exps, kAccumulationIntegerBits, kInputIntegerBits);  // Q5.26
    // The most negative Q5.26 value plus log_sum, taken back to input steps:
    // a smaller difference would leave the format once log_sum is subtracted.
    const int32_t shifted_log_sum = wrapping_add(log_sum, std::numeric_limits<int32_t>::min());
    const int32_t limit = std::max(
        p.diff_min - 1, multiply_by_quantized_multiplier(shifted_log_sum, p.reverse_scaling_divisor,
                                                         p.reverse_scaling_shift));
    for (int c = 0; c < p.depth; ++c) {
      const int32_t diff = int32_t(in[c]) - max_in_row;
      if (diff <= limit) {
        out[c] = -128;
        continue;
      }
      const int32_t log_prob = int32_t(uint32_t(scaled_diff(diff)) - uint32_t(log_sum));  // wraps as TFLite's int32
      const int32_t v = rounding_divide_by_pot(log_prob, 31 - kInputIntegerBits - kOutputIntegerBits) + 127;
      out[c] = static_cast<int8_t>(std::min(std::max(v, int32_t(-128)), int32_t(127)));
    }
  }
}

LogSoftmaxParams make_log_softmax_params(double input_scale, int64_t rows, int depth) {
  // TFLite's check in PreprocessSoftmaxScaling, worded for this operator.
  if (!(input_scale * double(int64_t(1) << (31 - kInputIntegerBits)) > 1.0))
    check::fail(kOp, "input", fmt::format("scale {} is too small for the Q5.26 differences (needs scale * 2^26 > 1)",
                                          input_scale));
  LogSoftmaxParams p;
  p.rows = rows;
  p.depth = depth;
  preprocess_softmax_scaling(1.0, input_scale, kInputIntegerBits, &p.input_mult, &p.input_left_shift);
  // TFLite's PreprocessLogSoftmaxScalingExp: the inverse of the input scaling, below 1.
  const double reverse = double(int64_t(1) << (31 - p.input_left_shift)) / double(p.input_mult);
  quantize_multiplier(reverse, &p.reverse_scaling_divisor, &p.reverse_scaling_shift);
  p.diff_min = -calculate_input_radius(kInputIntegerBits, p.input_left_shift);
  return p;
}

}  // namespace kiln::kernels
