#include "kernels/max_pool.h"

#include <algorithm>
#include <vector>

namespace kiln::kernels {

void max_pool(const PoolParams& p, const int8_t* in, int8_t* out) {
  validate(p, "max_pool");
  const size_t in_row = size_t(p.in_w) * p.c;
  const size_t in_image = size_t(p.in_h) * in_row;
  std::vector<int8_t> best(p.c);
  for (int b = 0; b < p.batches; ++b) {
    const int8_t* image = in + b * in_image;
    for (int oy = 0; oy < p.out_h; ++oy) {
      const int y0 = oy * p.stride_h - p.pad_top;
      const int ky_begin = std::max(0, -y0), ky_end = std::min(p.kh, p.in_h - y0);
      for (int ox = 0; ox < p.out_w; ++ox) {
        const int x0 = ox * p.stride_w - p.pad_left;
        const int kx_begin = std::max(0, -x0), kx_end = std::min(p.kw, p.in_w - x0);
        std::fill(best.begin(), best.end(), int8_t(-128));
        for (int ky = ky_begin; ky < ky_end; ++ky) {
          for (int kx = kx_begin; kx < kx_end; ++kx) {
            const int8_t* px = image + (y0 + ky) * in_row + size_t(x0 + kx) * p.c;
            for (int c = 0; c < p.c; ++c) best[c] = std::max(best[c], px[c]);
          }
        }
        for (int c = 0; c < p.c; ++c)
          *out++ = static_cast<int8_t>(std::min(std::max(int32_t(best[c]), p.act_min), p.act_max));
      }
    }
  }
}

}  // namespace kiln::kernels
