#include "compiler/ir/quant_params.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "arch/error.h"
#include "kernels/requantize.h"
#include "kernels/softmax.h"

namespace kiln::ir {

namespace {

// TFLite's QuantizeMultiplier, refusing what its kernels leave undefined.
void defined_multiplier(double real, int32_t* m, int* shift) {
  if (!(real < double(int64_t(1) << 30)))
    throw ScaleError(fmt::format("requantization scale {:g} is 2^30 or more; TFLite's kernels define scales below "
                                 "2^30 (the input, weight and output scales are absurd)",
                                 real));
  kernels::quantize_multiplier(real, m, shift);
}

Rescale single(double real) {
  Rescale r;
  int32_t m = 0;
  int shift = 0;
  defined_multiplier(real, &m, &shift);
  r.multiplier.push_back(m);
  r.shift.push_back(shift);
  return r;
}

// TFLite: zero_point + static_cast<int32_t>(TfLiteRound(f / scale)), with the
// division in float. The clamp to int8 follows, so saturate before the cast.
int32_t quantize_float(float f, float scale, int32_t zero_point) {
  const float q = std::round(f / scale);
  const float limited = std::min(std::max(q, -1e6f), 1e6f);
  return zero_point + static_cast<int32_t>(limited);
}

}  // namespace

ActRange activation_range(Activation act, float output_scale, int32_t output_zero_point) {
  ActRange r;  // [-128, 127]
  switch (act) {
    case Activation::None: break;
    case Activation::Relu: r.min = std::max(r.min, quantize_float(0.0f, output_scale, output_zero_point)); break;
    case Activation::Relu6:
      r.min = std::max(r.min, quantize_float(0.0f, output_scale, output_zero_point));
      r.max = std::min(r.max, quantize_float(6.0f, output_scale, output_zero_point));
      break;
    case Activation::ReluN1To1:
      r.min = std::max(r.min, quantize_float(-1.0f, output_scale, output_zero_point));
      r.max = std::min(r.max, quantize_float(1.0f, output_scale, output_zero_point));
      break;
  }
  return r;
}

Rescale conv_rescale(float input_scale, const std::vector<float>& filter_scales, float output_scale) {
  Rescale r;
  for (float filter_scale : filter_scales) {
    const double real = static_cast<double>(input_scale) * static_cast<double>(filter_scale) /
                        static_cast<double>(output_scale);
    int32_t m = 0;
    int shift = 0;
    defined_multiplier(real, &m, &shift);
    r.multiplier.push_back(m);
    r.shift.push_back(shift);
  }
  return r;
}

Rescale mul_rescale(float input1_scale, float input2_scale, float output_scale) {
  // The same double product and quotient as a convolution's one channel.
  return conv_rescale(input1_scale, {input2_scale}, output_scale);
}

Rescale fully_connected_rescale(float input_scale, float filter_scale, float output_scale) {
  const double product = static_cast<double>(input_scale * filter_scale);
  return single(product / static_cast<double>(output_scale));
}

Rescale ratio_rescale(float input_scale, float output_scale) {
  return single(static_cast<double>(input_scale) / static_cast<double>(output_scale));
}

AddParams add_params(float input1_scale, float input2_scale, float output_scale) {
  AddParams p;
  p.left_shift = 20;
  const double twice_max_input_scale = 2 * static_cast<double>(std::max(input1_scale, input2_scale));
  const double real1 = static_cast<double>(input1_scale) / twice_max_input_scale;
  const double real2 = static_cast<double>(input2_scale) / twice_max_input_scale;
  const double real_out = twice_max_input_scale / ((1 << p.left_shift) * static_cast<double>(output_scale));
  for (double real : {real1, real2, real_out})
    if (!(real > 0.0 && real < 1.0))
      throw Error(fmt::format("add: rescale factor {} is not in (0, 1) (scales {}, {} -> {})", real, input1_scale,
                              input2_scale, output_scale));
  int shift = 0;
  kernels::quantize_multiplier(real1, &p.in1_multiplier, &shift);
  p.in1_shift = shift;
  kernels::quantize_multiplier(real2, &p.in2_multiplier, &shift);
  p.in2_shift = shift;
  kernels::quantize_multiplier(real_out, &p.out_multiplier, &shift);
  p.out_shift = shift;
  return p;
}

SoftmaxParams softmax_params(float beta, float input_scale) {
  SoftmaxParams p;
  p.beta = beta;
  int left_shift = 0;
  kernels::preprocess_softmax_scaling(static_cast<double>(beta), static_cast<double>(input_scale),
                                      kernels::kSoftmaxScaledDiffIntegerBits, &p.input_multiplier, &left_shift);
  p.input_left_shift = left_shift;
  p.diff_min = -kernels::calculate_input_radius(kernels::kSoftmaxScaledDiffIntegerBits, left_shift);
  return p;
}

}  // namespace kiln::ir
