#include "kernels/float_avg_pool.h"

#include <algorithm>

#include "kernels/float_bytes.h"

namespace kiln::kernels {

void validate_float_avg_pool(const PoolParams& p) { validate(p, "float_avg_pool"); }

void float_avg_pool(const PoolParams& p, const uint8_t* in, uint8_t* out) {
  validate_float_avg_pool(p);
  const int64_t in_row = int64_t(p.in_w) * p.c, in_image = int64_t(p.in_h) * in_row;
  for (int b = 0; b < p.batches; ++b) {
    const uint8_t* image = in + 4 * b * in_image;
    for (int oy = 0; oy < p.out_h; ++oy) {
      const int y0 = oy * p.stride_h - p.pad_top;
      const int ky_begin = std::max(0, -y0), ky_end = std::min(p.kh, p.in_h - y0);
      for (int ox = 0; ox < p.out_w; ++ox) {
        const int x0 = ox * p.stride_w - p.pad_left;
        const int kx_begin = std::max(0, -x0), kx_end = std::min(p.kw, p.in_w - x0);
        for (int c = 0; c < p.c; ++c) {
          float total = 0.0f;
          int count = 0;
          for (int ky = ky_begin; ky < ky_end; ++ky)
            for (int kx = kx_begin; kx < kx_end; ++kx, ++count)
              total += load_f32(image + 4 * ((y0 + ky) * in_row + int64_t(x0 + kx) * p.c + c));
          store_f32(total / float(count), out);  // count >= 1 (validated)
          out += 4;
        }
      }
    }
  }
}

}  // namespace kiln::kernels
