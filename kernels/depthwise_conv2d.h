// Depthwise 2-D convolution, int8, TFLite reference_integer_ops::
// DepthwiseConvPerChannel. Input NHWC with in_c channels; output channel
// oc = ic*depth_mult + m reads only input channel ic. Weights are
// 1 x kh x kw x out_c (out_c = in_c*depth_mult); bias (nullptr = zero),
// multiplier and shift per output channel. Padding, offsets, requantization
// and clamping as conv2d.h:
//   acc = sum over taps inside: w[ky][kx][oc] * (in[b][y][x][ic] - in_zp)
// Weight zero points (weight_zp[oc], nullptr = all zero) and the int32
// accumulator output (depthwise_conv2d_accumulators) as conv2d.h.
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
// Also the weight zero points (out_c of them, or nullptr); with any non-zero,
// kh*kw at most 32768.
void validate(const DepthwiseConv2dParams& p, const int32_t* weight_zp);

void depthwise_conv2d(const DepthwiseConv2dParams& p, const int8_t* in, const int8_t* weights, const int32_t* bias,
                      const int32_t* mult, const int32_t* shift, int8_t* out);
void depthwise_conv2d(const DepthwiseConv2dParams& p, const int8_t* in, const int8_t* weights,
                      const int32_t* weight_zp, const int32_t* bias, const int32_t* mult, const int32_t* shift,
                      int8_t* out);

// acc + bias (wrapping) per output, no requantization (ONNX ConvInteger with
// group = in_c). out_zp, act_min and act_max are not used.
void depthwise_conv2d_accumulators(const DepthwiseConv2dParams& p, const int8_t* in, const int8_t* weights,
                                   const int32_t* weight_zp, const int32_t* bias, int32_t* out);

uint64_t macs(const DepthwiseConv2dParams& p);

}  // namespace kiln::kernels
