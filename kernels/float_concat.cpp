#include "kernels/float_concat.h"

#include <cstring>

#include "kernels/check.h"

namespace kiln::kernels {

void validate(const FloatConcatParams& p) {
  check::range("float_concat", "outer", p.outer, 1, check::kMaxElements);
  check::range("float_concat", "in1_inner", p.in1_inner, 1, check::kMaxElements);
  check::range("float_concat", "in2_inner", p.in2_inner, 1, check::kMaxElements);
  check::elements("float_concat", "output", p.outer * (p.in1_inner + p.in2_inner));
}

void float_concat(const FloatConcatParams& p, const uint8_t* in1, const uint8_t* in2, uint8_t* out) {
  validate(p);
  const size_t a = size_t(4 * p.in1_inner), b = size_t(4 * p.in2_inner);
  for (int64_t o = 0; o < p.outer; ++o) {
    std::memcpy(out, in1 + size_t(o) * a, a);
    std::memcpy(out + a, in2 + size_t(o) * b, b);
    out += a + b;
  }
}

}  // namespace kiln::kernels
