#include "kernels/softmax.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include <fmt/format.h>

#include "arch/error.h"
#include "kernels/check.h"
#include "kernels/fixed_point.h"
#include "kernels/requantize.h"

namespace kiln::kernels {

namespace {
constexpr const char* kOp = "softmax";
constexpr int kAccumulationIntegerBits = 12;
}  // namespace

void validate(const SoftmaxParams& p) {
  check::range(kOp, "rows", p.rows, 1, check::kMaxElements);
  // 4095 terms of at most 2^19 (1.0 in Q12) stay below 2^31.
  check::range(kOp, "depth", p.depth, 1, 4095);
  check::elements(kOp, "input", p.rows * p.depth);
  check::multiplier(kOp, "beta_mult", p.beta_mult);
  check::range(kOp, "beta_shift", p.beta_shift, 0, 31);
  // Larger differences would overflow the Q5.26 rescale; diff_min <= 0 keeps
  // the row maximum included, so the sum is never zero.
  const int radius = calculate_input_radius(kSoftmaxScaledDiffIntegerBits, p.beta_shift);
  check::range(kOp, "diff_min", p.diff_min, -int64_t(radius), 0);
}

void softmax(const SoftmaxParams& p, const int8_t* in, int8_t* out) {
  validate(p);
  std::vector<int32_t> exps(p.depth);  // Q0.31, 0 for excluded elements
  std::vector<uint8_t> included(p.depth);
  for (int64_t row = 0; row < p.rows; ++row, in += p.depth, out += p.depth) {
    const int32_t max_in_row = *std::max_element(in, in + p.depth);
    int32_t sum_of_exps = 0;  // Q12.19
    for (int c = 0; c < p.depth; ++c) {
      const int32_t diff = int32_t(in[c]) - max_in_row;
      included[c] = diff >= p.diff_min;
      if (!included[c]) continue;
      const int32_t rescaled = multiply_by_quantized_multiplier(diff, p.beta_mult, p.beta_shift);
      exps[c] = fixed_point::exp_on_negative_values(rescaled, kSoftmaxScaledDiffIntegerBits);
      sum_of_exps += fixed_point::rescale(exps[c], 0, kAccumulationIntegerBits);
    }
    int num_bits_over_unit = 0;
    const int32_t shifted_scale =
        fixed_point::get_reciprocal(sum_of_exps, kAccumulationIntegerBits, &num_bits_over_unit);
    const int exponent = num_bits_over_unit + 31 - 8;
    for (int c = 0; c < p.depth; ++c) {
      if (!included[c]) {
        out[c] = -128;
        continue;
      }
      const int32_t product = saturating_rounding_doubling_high_mul(shifted_scale, exps[c]);
      const int32_t unsat = exponent > 31 ? 0 : rounding_divide_by_pot(product, exponent);
      out[c] = static_cast<int8_t>(std::min(std::max(unsat - 128, int32_t(-128)), int32_t(127)));
    }
  }
}

void preprocess_softmax_scaling(double beta, double input_scale, int input_integer_bits, int32_t* mult,
                                int* left_shift) {
  if (input_integer_bits < 0 || input_integer_bits > 30)
    throw Error(fmt::format("softmax: input_integer_bits: must be in [0, 30], got {}", input_integer_bits));
  const double real = std::min(beta * input_scale * double(int64_t(1) << (31 - input_integer_bits)),
                               double((int64_t(1) << 31) - 1));
  if (!(real > 1.0))
    throw Error(fmt::format("softmax: beta * input_scale: {} * {} is too small for the fixed-point softmax "
                            "(needs beta * input_scale * 2^{} > 1)",
                            beta, input_scale, 31 - input_integer_bits));
  // TFLite's QuantizeMultiplier as built by default (double rounding): unlike
  // kernels::quantize_multiplier it does not clamp the shift to 30, so the
  // capped product 2^31 - 1 becomes (2^31 - 1, 31), which changes diff_min.
  const double q = std::frexp(real, left_shift);
  int64_t q_fixed = static_cast<int64_t>(std::round(q * double(int64_t(1) << 31)));
  if (q_fixed == (int64_t(1) << 31)) {
    q_fixed /= 2;
    ++*left_shift;
  }
  *mult = static_cast<int32_t>(q_fixed);
  if (*left_shift < 0 || *left_shift > 31) throw Error("softmax: beta * input_scale: multiplier out of range");
}

int calculate_input_radius(int input_integer_bits, int input_left_shift, int total_signed_bits) {
  const double max_input_rescaled = 1.0 * double((int64_t(1) << input_integer_bits) - 1) *
                                    double(int64_t(1) << (total_signed_bits - input_integer_bits)) /
                                    double(int64_t(1) << input_left_shift);
  // floor: the rescaled difference must stay strictly inside the format.
  return static_cast<int>(std::floor(max_input_rescaled));
}

SoftmaxParams make_softmax_params(double beta, double input_scale, int64_t rows, int depth) {
  SoftmaxParams p;
  p.rows = rows;
  p.depth = depth;
  preprocess_softmax_scaling(beta, input_scale, kSoftmaxScaledDiffIntegerBits, &p.beta_mult, &p.beta_shift);
  p.diff_min = -calculate_input_radius(kSoftmaxScaledDiffIntegerBits, p.beta_shift);
  return p;
}

}  // namespace kiln::kernels
