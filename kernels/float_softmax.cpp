#include "kernels/float_softmax.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "kernels/check.h"
#include "kernels/float_boundary.h"
#include "kernels/float_bytes.h"

namespace kiln::kernels {

void validate(const FloatSoftmaxParams& p) {
  check::range("float_softmax", "rows", p.rows, 1, check::kMaxElements);
  check::range("float_softmax", "depth", p.depth, 1, check::kMaxElements);
  check::elements("float_softmax", "input", p.rows * p.depth);
  const float beta = bits_float(p.beta_bits);
  if (!(beta > 0.0f) || !std::isfinite(beta))
    check::fail("float_softmax", "beta_bits", fmt::format("beta {} is not positive", beta));
}

void float_softmax(const FloatSoftmaxParams& p, const uint8_t* in, uint8_t* out) {
  validate(p);
  const float beta = bits_float(p.beta_bits);
  for (int64_t r = 0; r < p.rows; ++r) {
    const uint8_t* x = in + 4 * r * p.depth;
    uint8_t* y = out + 4 * r * p.depth;
    float max = std::numeric_limits<float>::lowest();
    for (int64_t c = 0; c < p.depth; ++c) max = std::max(max, load_f32(x + 4 * c));
    float sum = 0.0f;
    for (int64_t c = 0; c < p.depth; ++c) {
      const float e = std::exp((load_f32(x + 4 * c) - max) * beta);
      store_f32(e, y + 4 * c);
      sum += e;
    }
    for (int64_t c = 0; c < p.depth; ++c) store_f32(load_f32(y + 4 * c) / sum, y + 4 * c);
  }
}

}  // namespace kiln::kernels
