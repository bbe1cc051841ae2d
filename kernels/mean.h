// Mean over H and W of an NHWC int8 tensor (TFLite MEAN with axes {1, 2}),
// output N x 1 x 1 x C. Semantics of current TFLite / TFLite Micro, which run
// int8 MEAN through reference_ops::QuantizedMeanOrSum:
//   n = h*w; sum = sum over (y, x) of in[b][y][x][c]
//   (mult, shift) = quantize_multiplier(input_scale / output_scale)   (compiler side)
//   k = min(floor(log2 n), 32, 31 + shift)        fold 1/n into the multiplier:
//   mult' = (int64(mult) << k) / n;  shift' = shift - k
//   out = clamp(multiply_by_quantized_multiplier(sum - in_zp*n, mult', shift') + out_zp, -128, 127)
// (Older TFLite releases had reference_integer_ops::Mean, which multiplied
// first and then divided by n with rounding; it can differ by one step.)
#pragma once

#include <cstdint>

namespace kiln::kernels {

struct MeanParams {
  int batches = 1;
  int h = 0, w = 0, c = 0;
  int32_t in_zp = 0, out_zp = 0;
  int32_t mult = 0;  // of input_scale / output_scale
  int shift = 0;
};

// Throws kiln::Error "mean: <param>: ...".
void validate(const MeanParams& p);

void mean(const MeanParams& p, const int8_t* in, int8_t* out);

// The multiplier and shift with 1/(h*w) folded in, as the kernel uses them.
void mean_folded_multiplier(const MeanParams& p, int32_t* mult, int* shift);

// Input elements summed by one call.
uint64_t macs(const MeanParams& p);

}  // namespace kiln::kernels
