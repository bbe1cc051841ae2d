#include "kernels/lut.h"

#include "kernels/check.h"

namespace kiln::kernels {

void validate(const LutParams& p) { check::range("lut", "count", p.count, 1, check::kMaxElements); }

void lut(const LutParams& p, const int8_t* in, const int8_t* table, int8_t* out) {
  validate(p);
  for (int64_t i = 0; i < p.count; ++i) out[i] = table[uint8_t(in[i])];
}

}  // namespace kiln::kernels
