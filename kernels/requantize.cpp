#include "kernels/requantize.h"

#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "arch/error.h"

namespace kiln::kernels {

void quantize_multiplier(double scale, int32_t* multiplier, int* shift) {
  // A ratio of absurd scales (3.4e38 over a denormal) overflows to infinity
  // before it gets here; it has no multiplier.
  if (!std::isfinite(scale) || scale < 0.0)
    throw Error(fmt::format("requantize: scale {} is not a finite non-negative number", scale));
  if (scale == 0.0) {
    *multiplier = 0;
    *shift = 0;
    return;
  }
  const double q = std::frexp(scale, shift);
  int64_t q_fixed = static_cast<int64_t>(std::round(q * double(int64_t(1) << 31)));
  if (q_fixed == (int64_t(1) << 31)) {
    q_fixed /= 2;
    ++*shift;
  }
  if (*shift < -31) {
    *shift = 0;
    q_fixed = 0;
  }
  if (*shift > 30) {
    *shift = 30;
    q_fixed = (int64_t(1) << 31) - 1;
  }
  *multiplier = static_cast<int32_t>(q_fixed);
}

}  // namespace kiln::kernels
