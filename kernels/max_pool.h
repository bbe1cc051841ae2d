// Max pooling, int8, TFLite reference_integer_ops::MaxPool: the maximum over
// the window clipped to the input (padding never wins), then
//   out = clamp(max, act_min, act_max)
#pragma once

#include <cstdint>

#include "kernels/pool_params.h"

namespace kiln::kernels {

void max_pool(const PoolParams& p, const int8_t* in, int8_t* out);

}  // namespace kiln::kernels
