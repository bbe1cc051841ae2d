// Average pooling of a float32 NHWC tensor, as TFLite's float reference
// kernel computes it (reference_ops::AveragePool): per output, the sum in
// float of the window's elements inside the input (row by row), divided by
// how many there are (padding is not counted, as ONNX AveragePool with
// count_include_pad = 0). The parameters are the int8 pools' (pool_params.h)
// with batches; act_min and act_max are not used (no fused activation).
// Operands are binary32 little-endian bytes (kernels/float_bytes.h).
#pragma once

#include <cstdint>

#include "kernels/pool_params.h"

namespace kiln::kernels {

// Throws kiln::Error "float_avg_pool: <param>: ...".
void validate_float_avg_pool(const PoolParams& p);

void float_avg_pool(const PoolParams& p, const uint8_t* in, uint8_t* out);

}  // namespace kiln::kernels
