// TFLite's TRANSPOSE_CONV and ONNX's ConvTranspose (one group, no dilation)
// as the IR runs them. TFLite Micro's int8 transpose convolution adds
// (x - in_zp) * w[o, ky, kx, c] into output pixel (y * stride - pad + ky,
// x * stride - pad + kx), then adds the bias and requantizes each output
// channel as CONV_2D does. The same int32 sums come out of a stride-1
// convolution, with the kernel flipped in both spatial directions, over the
// input spread `stride` apart (dilate: the pixels between and around hold
// the input zero point, which contributes 0) and bordered by kh - 1 - pad
// rows above: so a dilate op, then an ordinary Conv2d that the partition
// places on the array or the MCU as any other. Both front ends build it here.
#pragma once

#include <cstdint>

#include "compiler/ir/graph.h"

namespace kiln::ir {

// Where each input pixel's taps land: input row y, kernel row ky onto output
// row y * stride_h - pad_top + ky (columns alike). pad_top and pad_left are
// TFLite's padding values, ONNX's pads at the beginning.
struct TransposeConvWindow {
  int32_t stride_h = 1, stride_w = 1;
  int32_t pad_top = 0, pad_left = 0;
};

// Elements of the image the convolution reads when a dilate op writes it:
// batch x (out_h + kh - 1) x (out_w + kw - 1) x in_c, for the front ends'
// limit on a tensor's size.
int64_t transpose_conv_spread_elements(const Shape& in, int32_t kh, int32_t kw, const Shape& out);

// Appends to g the ops computing `out` from `in` (NHWC, the same batch):
// `filter` holds int8 weights [out_c, kh, kw, in_c] as TFLite lays them out
// (quantized per output channel along dimension 0, or per tensor) and is
// added to g flipped; `bias` is an int32 [out_c] constant. The ops copy
// `like` (its name, source, act and rescale, as a Conv2d's). The dilate op is
// left out when both strides are 1 and the border fits the convolution's own
// padding (at most kh - 1 rows, kw - 1 columns on each side).
void append_transpose_conv(Graph& g, const Op& like, int in, Tensor filter, int bias, int out,
                           const TransposeConvWindow& window);

}  // namespace kiln::ir
