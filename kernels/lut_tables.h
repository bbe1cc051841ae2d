// The 256-entry tables (kernels/lut.h) of TFLite's int8 unary functions,
// each entry computed for one input value exactly as TFLite Micro's
// reference kernel computes that element: the same parameters derived from
// the scales in the same float and double arithmetic, then the same
// fixed-point (gemmlowp's logistic and tanh, the int16 hard-swish) or float
// (ELU) evaluation. A table therefore gives TFLite Micro's output bit for bit.
// Parameters: the input's and output's scale and zero point.
#pragma once

#include <cstdint>
#include <functional>

#include "kernels/lut.h"

namespace kiln::kernels {

// LOGISTIC (reference_integer_ops::Logistic): output scale 1/256 and zero
// point -128 are implied (TFLite Micro requires the zero point).
LutTable logistic_table(float in_scale, int32_t in_zp);

// TANH (reference_integer_ops::Tanh): output in Q0.7 (scale 1/128, zero point 0 implied).
LutTable tanh_table(float in_scale, int32_t in_zp);

// HARD_SWISH (reference_ops::HardSwish with HardSwishParams, int8).
// Throws kiln::Error when TFLite Micro's preparation refuses the scales
// (the output multiplier must not scale up).
LutTable hard_swish_table(float in_scale, int32_t in_zp, float out_scale, int32_t out_zp);

// LEAKY_RELU (reference_ops::QuantizeLeakyRelu); alpha >= 0.
LutTable leaky_relu_table(float in_scale, int32_t in_zp, float out_scale, int32_t out_zp, float alpha);

// How a float table rounds the transformed value to the output's integer.
enum class LutRounding { HalfAwayFromZero, HalfToEven };

// A float function as TFLite Micro's PopulateLookupTable builds it (ELU):
// dequantize in float, transform, multiply by 1 / out_scale, round, add the
// zero point, clamp. HalfToEven rounds as ONNX's QuantizeLinear, for the
// QDQ operators onnxruntime computes in float.
LutTable float_function_table(float in_scale, int32_t in_zp, float out_scale, int32_t out_zp,
                              const std::function<float(float)>& f,
                              LutRounding rounding = LutRounding::HalfAwayFromZero);

// ELU (alpha 1): float_function_table of x < 0 ? exp(x) - 1 : x.
LutTable elu_table(float in_scale, int32_t in_zp, float out_scale, int32_t out_zp);

}  // namespace kiln::kernels
