#include "kernels/mean.h"

#include <algorithm>
#include <vector>

#include "kernels/check.h"
#include "kernels/requantize.h"

namespace kiln::kernels {

namespace {
constexpr const char* kOp = "mean";
}

void validate(const MeanParams& p) {
  check::dim(kOp, "batches", p.batches);
  check::dim(kOp, "h", p.h);
  check::dim(kOp, "w", p.w);
  check::dim(kOp, "c", p.c);
  check::elements(kOp, "input", int64_t(p.batches) * p.h * p.w * p.c);
  // |in - zp| <= 255 and 255 * 2^23 < 2^31: the sum fits int32.
  if (int64_t(p.h) * p.w > (int64_t(1) << 23)) check::fail(kOp, "h", "h*w exceeds 2^23, the int32 sum could overflow");
  check::zero_point(kOp, "in_zp", p.in_zp);
  check::zero_point(kOp, "out_zp", p.out_zp);
  check::multiplier(kOp, "mult", p.mult);
  check::shift(kOp, "shift", p.shift);
}

uint64_t macs(const MeanParams& p) { return uint64_t(p.batches) * p.h * p.w * p.c; }

void mean_folded_multiplier(const MeanParams& p, int32_t* mult, int* shift) {
  const int64_t n = int64_t(p.h) * p.w;
  int k = 0;
  while ((n >> (k + 1)) != 0) ++k;  // floor(log2 n)
  k = std::min(k, 32);
  k = std::min(k, 31 + p.shift);
  *mult = static_cast<int32_t>((int64_t(p.mult) << k) / n);
  *shift = p.shift - k;
}

void mean(const MeanParams& p, const int8_t* in, int8_t* out) {
  validate(p);
  int32_t mult = 0;
  int shift = 0;
  mean_folded_multiplier(p, &mult, &shift);
  const int32_t n = p.h * p.w;
  std::vector<int32_t> sum(p.c);
  for (int b = 0; b < p.batches; ++b) {
    std::fill(sum.begin(), sum.end(), 0);
    for (int32_t i = 0; i < n; ++i, in += p.c)
      for (int c = 0; c < p.c; ++c) sum[c] += in[c];
    for (int c = 0; c < p.c; ++c) {
      const int32_t v = wrapping_add(multiply_by_quantized_multiplier(sum[c] - p.in_zp * n, mult, shift), p.out_zp);
      *out++ = static_cast<int8_t>(std::min(std::max(v, int32_t(-128)), int32_t(127)));
    }
  }
}

}  // namespace kiln::kernels
