// 2-D convolution, int8, TFLite reference_integer_ops::ConvPerChannel.
// Input NHWC, weights OHWI (out_c, kh, kw, in_c), bias int32 per output
// channel (nullptr = zero), per-channel multiplier and shift (TFLite
// convention: shift > 0 is a left shift). Taps outside the input are skipped,
// which is padding with the input zero point (they contribute 0 after the
// offset). Output (b, oy, ox, oc):
//   acc = sum over taps inside, c: w[oc][ky][kx][c] * (in[b][y][x][c] - in_zp)
//   acc += bias[oc]; acc = multiply_by_quantized_multiplier(acc, mult[oc], shift[oc]) + out_zp
//   out = clamp(acc, act_min, act_max)
// with y = oy*stride_h - pad_top + ky*dil_h (likewise x).
//
// Beyond TFLite (for ONNX QLinearConv / ConvInteger): weight zero points,
// weight_zp[oc] per output channel (nullptr = all zero, TFLite's symmetric
// weights), make every term (w - weight_zp[oc]) * (x - in_zp), exactly; and
// conv2d_accumulators returns acc + bias itself as int32, unrequantized.
#pragma once

#include <cstdint>

namespace kiln::kernels {

struct Conv2dParams {
  int batches = 1;
  int in_h = 0, in_w = 0, in_c = 0;
  int out_h = 0, out_w = 0, out_c = 0;
  int kh = 1, kw = 1;
  int stride_h = 1, stride_w = 1;
  int dil_h = 1, dil_w = 1;
  int pad_top = 0, pad_left = 0;
  int32_t in_zp = 0, out_zp = 0;
  int32_t act_min = -128, act_max = 127;
};

// Throws kiln::Error "conv2d: <param>: ..." for inconsistent parameters.
void validate(const Conv2dParams& p);
// Also the weight zero points (out_c of them, or nullptr): each in
// [-128, 127], and with any non-zero kh*kw*in_c at most 32768 (the int32
// accumulator bound of check::kMaxReductionWithWeightZp).
void validate(const Conv2dParams& p, const int32_t* weight_zp);

void conv2d(const Conv2dParams& p, const int8_t* in, const int8_t* weights, const int32_t* bias,
            const int32_t* mult, const int32_t* shift, int8_t* out);
void conv2d(const Conv2dParams& p, const int8_t* in, const int8_t* weights, const int32_t* weight_zp,
            const int32_t* bias, const int32_t* mult, const int32_t* shift, int8_t* out);

// acc + bias (wrapping) per output, no requantization: ONNX ConvInteger.
// out_zp, act_min and act_max are not used.
void conv2d_accumulators(const Conv2dParams& p, const int8_t* in, const int8_t* weights, const int32_t* weight_zp,
                         const int32_t* bias, int32_t* out);

// Multiply-accumulates of one call (every tap of every output, padding included).
uint64_t macs(const Conv2dParams& p);

}  // namespace kiln::kernels
