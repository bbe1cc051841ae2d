#include "kernels/maximum_minimum.h"

#include <algorithm>

#include "kernels/check.h"

namespace kiln::kernels {

void validate(const MaxMinParams& p, const char* op) { check::range(op, "count", p.count, 1, check::kMaxElements); }

void maximum(const MaxMinParams& p, const int8_t* in1, const int8_t* in2, int8_t* out) {
  validate(p, "maximum");
  for (int64_t i = 0; i < p.count; ++i) out[i] = std::max(in1[i], in2[i]);
}

void minimum(const MaxMinParams& p, const int8_t* in1, const int8_t* in2, int8_t* out) {
  validate(p, "minimum");
  for (int64_t i = 0; i < p.count; ++i) out[i] = std::min(in1[i], in2[i]);
}

}  // namespace kiln::kernels
