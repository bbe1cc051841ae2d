// Softmax of float32 rows, as TFLite's float reference kernel computes it
// (reference_ops::Softmax): per row of `depth` elements the maximum m, then
// e_c = std::exp((x_c - m) * beta) summed in order into a float, then
// e_c / sum, in IEEE-754 single precision. Operands are binary32
// little-endian bytes (kernels/float_bytes.h).
#pragma once

#include <cstdint>

namespace kiln::kernels {

struct FloatSoftmaxParams {
  int64_t rows = 0, depth = 0;
  int32_t beta_bits = 0x3f800000;  // binary32 bits of beta (1.0; ONNX Softmax has none)
};

// Throws kiln::Error "float_softmax: <param>: ...".
void validate(const FloatSoftmaxParams& p);

void float_softmax(const FloatSoftmaxParams& p, const uint8_t* in, uint8_t* out);

}  // namespace kiln::kernels
