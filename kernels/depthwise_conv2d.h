// Depthwise 2-D convolution, int8, TFLite reference_integer_ops::
// DepthwiseConvPerChannel. Input NHWC with in_c channels; output channel
// oc = ic*depth_mult + m reads only input channel ic. Weights are
// 1 x kh x kw x out_c (out_c = in_c*depth_mult); bias (nullptr = zero),
// multiplier and shift per output channel. Padding, offsets, requantization
// and clamping as conv2d.h:
//   acc = sum over taps inside: w[ky][kx][oc] * (in[b][y][x][ic] - in_zp)
#pragma once

#include <cstdint>

namespace kiln::kernels {

struct DepthwiseConv2dParams {
  int batches = 1;
  int in_h = 0, in_w = 0, in_c = 0;
  int out_h = 0, out_w = 0;
  int depth_mult = 1;
  int kh = 1, kw = 1;
  int stride_h = 1, stride_w = 1;
  int dil_h = 1, dil_w = 1;
  int pad_top = 0, pad_left = 0;
  int32_t in_zp = 0, out_zp = 0;
  int32_t act_min = -128, act_max = 127;

  int out_c() const { return in_c * depth_mult; }
};

// Throws kiln::Error "depthwise_conv2d: <param>: ...".
void validate(const DepthwiseConv2dParams& p);

void depthwise_conv2d(const DepthwiseConv2dParams& p, const int8_t* in, const int8_t* weights, const int32_t* bias,
                      const int32_t* mult, const int32_t* shift, int8_t* out);

uint64_t macs(const DepthwiseConv2dParams& p);

}  // namespace kiln::kernels
