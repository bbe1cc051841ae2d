#include "kernels/concat2.h"

#include <cstring>

#include "kernels/check.h"

namespace kiln::kernels {

namespace {
constexpr const char* kOp = "concat2";
}

void validate(const Concat2Params& p) {
  check::range(kOp, "outer", p.outer, 1, check::kMaxElements);
  check::range(kOp, "in1_inner", p.in1_inner, 0, check::kMaxElements);
  check::range(kOp, "in2_inner", p.in2_inner, 0, check::kMaxElements);
  if (p.in1_inner + p.in2_inner == 0) check::fail(kOp, "in1_inner", "both inputs are empty");
  check::elements(kOp, "output", p.outer * (p.in1_inner + p.in2_inner));
}

void concat2(const Concat2Params& p, const int8_t* in1, const int8_t* in2, int8_t* out) {
  validate(p);
  const size_t a = size_t(p.in1_inner), b = size_t(p.in2_inner);
  for (int64_t o = 0; o < p.outer; ++o) {
    if (a) std::memcpy(out, in1 + o * a, a);
    if (b) std::memcpy(out + a, in2 + o * b, b);
    out += a + b;
  }
}

}  // namespace kiln::kernels
