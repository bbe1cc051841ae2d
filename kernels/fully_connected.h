// Fully connected, int8, TFLite reference_integer_ops::FullyConnectedPerChannel
// (a per-tensor layer passes the same multiplier and shift for every output).
// Input [batches][in_features], weights [out_features][in_features], bias
// int32 per output (nullptr = zero):
//   acc = sum_i w[o][i] * (in[b][i] - in_zp) + bias[o]
//   out[b][o] = clamp(multiply_by_quantized_multiplier(acc, mult[o], shift[o]) + out_zp, act_min, act_max)
// Weight zero points (weight_zp[o], nullptr = all zero: each term becomes
// (w - weight_zp[o]) * (x - in_zp)) and the int32 accumulator output
// (fully_connected_accumulators: ONNX MatMulInteger) as conv2d.h.
#pragma once

#include <cstdint>

namespace kiln::kernels {

struct FullyConnectedParams {
  int batches = 1;
  int in_features = 0, out_features = 0;
  int32_t in_zp = 0, out_zp = 0;
  int32_t act_min = -128, act_max = 127;
};

// Throws kiln::Error "fully_connected: <param>: ...".
void validate(const FullyConnectedParams& p);
// Also the weight zero points (out_features of them, or nullptr); with any
// non-zero, in_features at most 32768.
void validate(const FullyConnectedParams& p, const int32_t* weight_zp);

void fully_connected(const FullyConnectedParams& p, const int8_t* in, const int8_t* weights, const int32_t* bias,
                     const int32_t* mult, const int32_t* shift, int8_t* out);
void fully_connected(const FullyConnectedParams& p, const int8_t* in, const int8_t* weights, const int32_t* weight_zp,
                     const int32_t* bias, const int32_t* mult, const int32_t* shift, int8_t* out);

// acc + bias (wrapping) per output, no requantization. out_zp, act_min and
// act_max are not used.
void fully_connected_accumulators(const FullyConnectedParams& p, const int8_t* in, const int8_t* weights,
                                  const int32_t* weight_zp, const int32_t* bias, int32_t* out);

uint64_t macs(const FullyConnectedParams& p);

}  // namespace kiln::kernels
