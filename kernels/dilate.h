// Spreading the pixels of an NHWC int8 image `stride` apart over a field of
// one value: output pixel (top + y * stride_h, left + x * stride_w) is input
// pixel (y, x), and every other output pixel is `pad_value`. With pad_value
// the input zero point, a stride-1 convolution over the output computes the
// integer sums of a transpose convolution (compiler/ir/transpose_conv.h):
// the inserted pixels contribute (zp - zp) * w = 0, as TFLite Micro's
// transpose convolution leaves them out. `top` and `left` may be negative and
// the output may end before the last input pixel: what falls outside is
// dropped. Stored values move as they are.
#pragma once

#include <cstdint>

namespace kiln::kernels {

struct DilateParams {
  int batch = 1, in_h = 1, in_w = 1, c = 1;  // the input
  int out_h = 1, out_w = 1;                  // the output (batch and channels: the input's)
  int stride_h = 1, stride_w = 1;            // output rows and columns between input pixels
  int top = 0, left = 0;                     // where input pixel (0, 0) lands (may be negative)
  int pad_value = 0;                         // the int8 of every other output pixel

  int64_t in_elements() const { return int64_t(batch) * in_h * in_w * c; }
  int64_t out_elements() const { return int64_t(batch) * out_h * out_w * c; }
};

// Dimensions and strides in [1, 2^24], top and left in [-2^24, 2^24],
// pad_value an int8. Throws kiln::Error "dilate: <param>: ...".
void validate(const DilateParams& p);

void dilate(const DilateParams& p, const int8_t* in, int8_t* out);

}  // namespace kiln::kernels
