// The integer parameters of each int8 op, derived from the float scales and
// zero points exactly as TFLite's Prepare functions derive them (same
// float/double conversions in the same order), so the reference interpreter
// and everything built on it are bit-exact with TFLite's kernels. Front ends
// call these when they build an op; a pass that changes a quantization calls
// them again.
#pragma once

#include <cstdint>
#include <vector>

#include "arch/error.h"
#include "compiler/ir/graph.h"

namespace kiln::ir {

// A requantization scale TFLite's kernels do not define: at 2^30 or more,
// QuantizeMultiplier's shift exceeds 30 and MultiplyByQuantizedMultiplier
// shifts an int32 by 31 bits or more (undefined behaviour, whose result
// TFLite Micro leaves to the compiler and CPU). Front ends catch it and name
// the op. Such scales come only from corrupt or absurd models.
class ScaleError : public Error {
 public:
  using Error::Error;
};

// A fused activation of the source model.
enum class Activation : uint8_t { None, Relu, Relu6, ReluN1To1 };

// The int8 clamp of an activation given the output's scale and zero point
// (TFLite's CalculateActivationRangeQuantized): quantize(0), quantize(6),
// clamped to [-128, 127].
ActRange activation_range(Activation act, float output_scale, int32_t output_zero_point);

// Every function below throws ScaleError for a scale of 2^30 or more.

// Convolutions (per channel or per tensor), TFLite's
// PopulateConvolutionQuantizationParams: one multiplier per filter scale of
// double(input_scale) * double(filter_scale) / double(output_scale).
Rescale conv_rescale(float input_scale, const std::vector<float>& filter_scales, float output_scale);

// Per-tensor fully connected, TFLite's GetQuantizedConvolutionMultipler: the
// product input_scale * filter_scale is taken in float, then divided in double.
// Per-channel fully-connected weights use conv_rescale.
Rescale fully_connected_rescale(float input_scale, float filter_scale, float output_scale);

// Requantize (QUANTIZE int8->int8), standalone RELU/RELU6 and MEAN:
// double(input_scale) / double(output_scale).
Rescale ratio_rescale(float input_scale, float output_scale);

// ADD (TFLite's int8 Add Prepare): left_shift 20, inputs rescaled to twice the
// larger input scale. Throws kiln::Error when a multiplier is not below one
// (TFLite rejects such a model too).
AddParams add_params(float input1_scale, float input2_scale, float output_scale);

// MUL (TFLite Micro's CalculateOpDataMul): QuantizeMultiplier of
// double(input1_scale) * double(input2_scale) / double(output_scale), which
// may exceed one.
Rescale mul_rescale(float input1_scale, float input2_scale, float output_scale);

// SOFTMAX (TFLite Micro's CalculateSoftmaxParams, 5 integer bits for the
// scaled differences): beta * input_scale as a multiplier greater than one,
// and the smallest difference that still contributes.
SoftmaxParams softmax_params(float beta, float input_scale);

}  // namespace kiln::ir
