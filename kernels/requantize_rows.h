// Requantization of whole rows of int32 accumulators (pixels x channels, the
// channels contiguous), as convolution, depthwise convolution and fully
// connected layers end: add the channel's bias (wrapping), rescale by the
// channel's multiplier and shift, add the output zero point, clamp to the
// activation range. Every element equals requantize_accumulator of
// requantize.h bit for bit; the rows are what lets the x86 build do eight
// channels per instruction (AVX2), where the scalar form runs once per
// output element and was most of the reference interpreter's time.
#pragma once

#include <cstdint>

namespace kiln::kernels {

struct RowRequantize {
  const int32_t* bias = nullptr;  // per channel, or nullptr
  const int32_t* mult = nullptr;  // per channel
  const int32_t* shift = nullptr; // per channel, in [-31, 31]
  int32_t out_zp = 0, act_min = -128, act_max = 127;
};

// out[r * channels + c] = requantize(acc[r * channels + c] + bias[c]) for r < rows.
void requantize_rows(const RowRequantize& q, const int32_t* acc, int rows, int channels, int8_t* out);

// The same, one element at a time: the tests' baseline.
void requantize_rows_scalar(const RowRequantize& q, const int32_t* acc, int rows, int channels, int8_t* out);

// `count` values with one multiplier and shift (an element-wise operator's
// output scale): out[i] = add_zero_point_and_clamp(multiply_by_quantized_
// multiplier(values[i], mult, shift), out_zp, act_min, act_max).
void requantize_uniform(const int32_t* values, int64_t count, int32_t mult, int shift, int32_t out_zp, int32_t act_min,
                        int32_t act_max, int8_t* out);

}  // namespace kiln::kernels
