// Element-wise maximum and minimum of two int8 tensors of the same shape,
// TFLite Micro's MAXIMUM and MINIMUM (reference_ops::MaximumMinimumBroadcastSlow
// without broadcasting): out[i] = max(in1[i], in2[i]) (or min) on the stored
// int8 values, whatever the tensors' quantization, exactly as TFLite Micro
// computes it. The TFLite converter gives the three tensors one scale and
// zero point, so that this is the maximum of the real values.
#pragma once

#include <cstdint>

namespace kiln::kernels {

struct MaxMinParams {
  int64_t count = 0;  // elements
};

// Throws kiln::Error "<op>: count: ..." (op is "maximum" or "minimum").
void validate(const MaxMinParams& p, const char* op);

void maximum(const MaxMinParams& p, const int8_t* in1, const int8_t* in2, int8_t* out);
void minimum(const MaxMinParams& p, const int8_t* in1, const int8_t* in2, int8_t* out);

}  // namespace kiln::kernels
