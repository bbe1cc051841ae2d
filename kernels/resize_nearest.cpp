#include "kernels/resize_nearest.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "kernels/check.h"

namespace kiln::kernels {

namespace {
constexpr const char* kOp = "resize_nearest";
}

int32_t nearest_index(int out, int32_t in_size, int32_t out_size, bool align_corners, bool half_pixel_centers) {
  // float, as TFLite Micro computes it: the rounding of these products is
  // what decides the index.
  const float scale = (align_corners && out_size > 1) ? float(in_size - 1) / static_cast<float>(out_size - 1)
                                                       : float(in_size) / static_cast<float>(out_size);
  const float offset = half_pixel_centers ? 0.5f : 0.0f;
  const float at = (float(out) + offset) * scale;
  int32_t v = std::min(align_corners ? static_cast<int32_t>(std::round(at)) : static_cast<int32_t>(std::floor(at)),
                       in_size - 1);
  if (half_pixel_centers) v = std::max<int32_t>(0, v);
  return v;
}

void validate(const ResizeNearestParams& p) {
  check::dim(kOp, "in_h", p.in_h);
  check::dim(kOp, "in_w", p.in_w);
  check::dim(kOp, "c", p.c);
  check::dim(kOp, "out_h", p.out_h);
  check::dim(kOp, "out_w", p.out_w);
  check::range(kOp, "align_corners", p.align_corners, 0, 1);
  check::range(kOp, "half_pixel_centers", p.half_pixel_centers, 0, 1);
  check::elements(kOp, "input", int64_t(p.in_h) * p.in_w * p.c);
  check::elements(kOp, "output", int64_t(p.out_h) * p.out_w * p.c);
}

void resize_nearest(const ResizeNearestParams& p, const int8_t* in, int8_t* out) {
  validate(p);
  const size_t row = size_t(p.in_w) * p.c;
  // Every output row reads the same columns: their offsets once.
  std::vector<size_t> column(size_t(p.out_w));
  for (int x = 0; x < p.out_w; ++x)
    column[size_t(x)] = size_t(nearest_index(x, p.in_w, p.out_w, p.align_corners, p.half_pixel_centers)) * p.c;
  for (int y = 0; y < p.out_h; ++y) {
    const int8_t* src_row = in + size_t(nearest_index(y, p.in_h, p.out_h, p.align_corners, p.half_pixel_centers)) * row;
    for (const size_t offset : column) {
      std::memcpy(out, src_row + offset, size_t(p.c));
      out += p.c;
    }
  }
}

}  // namespace kiln::kernels
