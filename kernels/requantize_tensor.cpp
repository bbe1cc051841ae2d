#include "kernels/requantize_tensor.h"

#include <algorithm>

#include "kernels/check.h"
#include "kernels/requantize.h"

namespace kiln::kernels {

namespace {
constexpr const char* kOp = "requantize";
}

void validate(const RequantizeParams& p) {
  check::range(kOp, "count", p.count, 1, check::kMaxElements);
  check::zero_point(kOp, "in_zp", p.in_zp);
  check::zero_point(kOp, "out_zp", p.out_zp);
  check::multiplier(kOp, "mult", p.mult);
  check::shift(kOp, "shift", p.shift);
  check::activation(kOp, p.act_min, p.act_max);
}

void requantize(const RequantizeParams& p, const int8_t* in, int8_t* out) {
  validate(p);
  // 256 possible inputs: a table makes long tensors cheap.
  int8_t table[256];
  for (int v = -128; v < 128; ++v) {
    const int32_t r = wrapping_add(multiply_by_quantized_multiplier(v - p.in_zp, p.mult, p.shift), p.out_zp);
    table[v + 128] = static_cast<int8_t>(std::min(std::max(r, p.act_min), p.act_max));
  }
  for (int64_t i = 0; i < p.count; ++i) out[i] = table[int(in[i]) + 128];
}

}  // namespace kiln::kernels
