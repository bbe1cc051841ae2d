// Elementwise int8 -> int8 requantization: TFLite's QUANTIZE from int8 to
// int8 (reference_ops::Requantize) and, with the activation bounds, its
// standalone int8 RELU / RELU6 / RELU_N1_TO_1 (ReluX):
//   out = clamp(multiply_by_quantized_multiplier(in - in_zp, mult, shift) + out_zp, act_min, act_max)
// with (mult, shift) = quantize_multiplier(input_scale / output_scale). For
// RELU act_min = max(-128, out_zp); for RELU6 also act_max = min(127, out_zp +
// round(6 / output_scale)); QUANTIZE keeps [-128, 127].
#pragma once

#include <cstdint>

namespace kiln::kernels {

struct RequantizeParams {
  int64_t count = 0;
  int32_t in_zp = 0, out_zp = 0;
  int32_t mult = 0;
  int shift = 0;
  int32_t act_min = -128, act_max = 127;
};

// Throws kiln::Error "requantize: <param>: ...".
void validate(const RequantizeParams& p);

void requantize(const RequantizeParams& p, const int8_t* in, int8_t* out);

}  // namespace kiln::kernels
