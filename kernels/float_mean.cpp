#include "kernels/float_mean.h"

#include <vector>

#include "kernels/check.h"
#include "kernels/float_bytes.h"

namespace kiln::kernels {

int64_t FloatMeanParams::in_elements() const {
  int64_t n = 1;
  for (int64_t d : dims()) n *= d;
  return n;
}

int64_t FloatMeanParams::out_elements() const {
  int64_t n = 1;
  const auto d = dims();
  for (int k = 0; k < kFloatMeanRank; ++k)
    if (!(axes >> k & 1)) n *= d[size_t(k)];
  return n;
}

void validate(const FloatMeanParams& p) {
  static const char* const kNames[kFloatMeanRank] = {"d0", "d1", "d2", "d3", "d4", "d5"};
  const auto d = p.dims();
  for (int k = 0; k < kFloatMeanRank; ++k) check::dim("float_mean", kNames[k], d[size_t(k)]);
  check::elements("float_mean", "input", p.in_elements());
  check::range("float_mean", "axes", p.axes, 0, (1 << kFloatMeanRank) - 1);
}

void float_mean(const FloatMeanParams& p, const uint8_t* in, uint8_t* out) {
  validate(p);
  const auto d = p.dims();
  // Stride of each input dimension in the output (0 where it is reduced).
  std::array<int64_t, kFloatMeanRank> out_stride{};
  int64_t stride = 1, reduced = 1;
  for (int k = kFloatMeanRank - 1; k >= 0; --k) {
    if (p.axes >> k & 1) {
      reduced *= d[size_t(k)];
    } else {
      out_stride[size_t(k)] = stride;
      stride *= d[size_t(k)];
    }
  }
  std::vector<float> sum(size_t(p.out_elements()), 0.0f);
  std::array<int64_t, kFloatMeanRank> at{};
  for (int64_t i = 0, n = p.in_elements(); i < n; ++i) {
    int64_t o = 0;
    for (int k = 0; k < kFloatMeanRank; ++k) o += at[size_t(k)] * out_stride[size_t(k)];
    sum[size_t(o)] += load_f32(in + 4 * i);
    for (int k = kFloatMeanRank - 1; k >= 0 && ++at[size_t(k)] == d[size_t(k)]; --k) at[size_t(k)] = 0;
  }
  for (size_t o = 0; o < sum.size(); ++o) store_f32(sum[o] / float(reduced), out + 4 * o);
}

}  // namespace kiln::kernels
