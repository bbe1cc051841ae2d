// TFLite Micro's int8 transpose convolution written from its definition, for
// the tests of both front ends: each input pixel's (x - in_zp) * w added into
// the output pixels its kernel window covers (int64, bounds checked per tap),
// then the bias, the per-channel rescale, the output zero point and the clamp.
#pragma once

#include <cstdint>
#include <vector>

#include "tests/kernels/oracle.h"

namespace kiln::test {

struct TransposeConvCase {
  int n = 1, in_h = 1, in_w = 1, in_c = 1;
  int out_h = 1, out_w = 1, out_c = 1, kh = 1, kw = 1;
  int stride_h = 1, stride_w = 1, pad_h = 0, pad_w = 0;  // pad: output rows and columns before the first
  int32_t in_zp = 0, out_zp = 0, act_min = -128, act_max = 127;
  std::vector<int32_t> mult, shift;  // per output channel
};

// x NHWC, w [out_c, kh, kw, in_c], bias [out_c] (empty: none).
inline std::vector<int8_t> transpose_conv_oracle(const TransposeConvCase& t, const std::vector<int8_t>& x,
                                                 const std::vector<int8_t>& w, const std::vector<int32_t>& bias) {
  std::vector<int64_t> acc(size_t(t.n) * t.out_h * t.out_w * t.out_c, 0);
  for (int b = 0; b < t.n; ++b)
    for (int iy = 0; iy < t.in_h; ++iy)
      for (int ix = 0; ix < t.in_w; ++ix)
        for (int ky = 0; ky < t.kh; ++ky)
          for (int kx = 0; kx < t.kw; ++kx) {
            const int oy = iy * t.stride_h - t.pad_h + ky, ox = ix * t.stride_w - t.pad_w + kx;
            if (oy < 0 || oy >= t.out_h || ox < 0 || ox >= t.out_w) continue;
            for (int o = 0; o < t.out_c; ++o)
              for (int c = 0; c < t.in_c; ++c)
                acc[((size_t(b) * t.out_h + oy) * t.out_w + ox) * t.out_c + o] +=
                    (int64_t(x[((size_t(b) * t.in_h + iy) * t.in_w + ix) * t.in_c + c]) - t.in_zp) *
                    w[((size_t(o) * t.kh + ky) * t.kw + kx) * t.in_c + c];
          }
  std::vector<int8_t> out(acc.size());
  for (size_t i = 0; i < acc.size(); ++i) {
    const size_t o = i % size_t(t.out_c);
    const int64_t v = requant(acc[i] + (bias.empty() ? 0 : bias[o]), t.mult[o], t.shift[o]) + t.out_zp;
    out[i] = clamp8(v, t.act_min, t.act_max);
  }
  return out;
}

}  // namespace kiln::test
