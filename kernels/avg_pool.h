// Average pooling, int8, TFLite reference_integer_ops::AveragePool: the
// window is clipped to the input (padding is not counted), and the sum of the
// n elements inside is divided with rounding half away from zero:
//   avg = sum > 0 ? (sum + n/2) / n : (sum - n/2) / n    (C++ division truncates)
//   out = clamp(avg, act_min, act_max)
#pragma once

#include <cstdint>

#include "kernels/pool_params.h"

namespace kiln::kernels {

void avg_pool(const PoolParams& p, const int8_t* in, int8_t* out);

}  // namespace kiln::kernels
