#include "kernels/resize_bilinear.h"

#include <algorithm>
#include <vector>

#include "kernels/check.h"

namespace kiln::kernels {

namespace {
constexpr const char* kOp = "resize_bilinear";
constexpr int32_t kOne = 1 << 10;  // 1.0 in the 10-bit fixed point of the coordinates
}  // namespace

int32_t bilinear_scale_10(int32_t in_size, int32_t out_size, bool align_corners) {
  if (align_corners && out_size > 1) return (kOne * (in_size - 1) + (out_size - 1) / 2) / (out_size - 1);
  return (kOne * in_size + out_size / 2) / out_size;
}

BilinearTap bilinear_tap(int out, int32_t scale_10, bool half_pixel_centers, int32_t in_size) {
  BilinearTap t;
  t.at_10 = half_pixel_centers ? out * scale_10 + scale_10 / 2 - (1 << 9) : out * scale_10;
  // C++ division truncates toward zero, as TFLite's does: a negative
  // coordinate (half_pixel_centers at the first pixel) has lower bound 0.
  t.lower = std::max(t.at_10 / kOne, int32_t(0));
  t.upper = std::min((t.at_10 + kOne - 1) / kOne, in_size - 1);
  return t;
}

void validate(const ResizeBilinearParams& p) {
  check::dim(kOp, "batches", p.batches);
  check::dim(kOp, "in_h", p.in_h);
  check::dim(kOp, "in_w", p.in_w);
  check::dim(kOp, "c", p.c);
  check::dim(kOp, "out_h", p.out_h);
  check::dim(kOp, "out_w", p.out_w);
  check::range(kOp, "align_corners", p.align_corners, 0, 1);
  check::range(kOp, "half_pixel_centers", p.half_pixel_centers, 0, 1);
  if (p.align_corners && p.half_pixel_centers)
    check::fail(kOp, "half_pixel_centers", "must be 0 with align_corners (TFLite Micro refuses both)");
  check::elements(kOp, "input", int64_t(p.batches) * p.in_h * p.in_w * p.c);
  check::elements(kOp, "output", int64_t(p.batches) * p.out_h * p.out_w * p.c);
  // The coordinates are int32 in TFLite: 1024 * size and out * scale must fit.
  const struct {
    const char* name;
    int in, out;
  } axes[] = {{"out_h", p.in_h, p.out_h}, {"out_w", p.in_w, p.out_w}};
  for (const auto& a : axes) {
    const int64_t scale = (int64_t(kOne) * a.in + a.out / 2) / a.out + 1;
    if (int64_t(kOne) * a.in > INT32_MAX || int64_t(a.out) * scale > INT32_MAX)
      check::fail(kOp, a.name, "the source coordinates overflow TFLite's int32 10-bit fixed point");
  }
}

void resize_bilinear(const ResizeBilinearParams& p, const int8_t* in, int8_t* out) {
  validate(p);
  const bool hpc = p.half_pixel_centers != 0;
  const int32_t sy = bilinear_scale_10(p.in_h, p.out_h, p.align_corners != 0);
  const int32_t sx = bilinear_scale_10(p.in_w, p.out_w, p.align_corners != 0);
  std::vector<BilinearTap> xs(size_t(p.out_w));
  for (int x = 0; x < p.out_w; ++x) xs[size_t(x)] = bilinear_tap(x, sx, hpc, p.in_w);
  const size_t row = size_t(p.in_w) * p.c, image = row * p.in_h;
  for (int b = 0; b < p.batches; ++b) {
    const int8_t* img = in + size_t(b) * image;
    for (int y = 0; y < p.out_h; ++y) {
      const BilinearTap ty = bilinear_tap(y, sy, hpc, p.in_h);
      const int64_t dy = ty.at_10 - kOne * ty.lower;  // the weight of the upper row, 10 bits
      const int8_t* r0 = img + size_t(ty.lower) * row;
      const int8_t* r1 = img + size_t(ty.upper) * row;
      for (const BilinearTap& tx : xs) {
        const int64_t dx = tx.at_10 - kOne * tx.lower;
        const int64_t w00 = (kOne - dy) * (kOne - dx), w10 = dy * (kOne - dx);
        const int64_t w01 = (kOne - dy) * dx, w11 = dy * dx;
        const size_t c0 = size_t(tx.lower) * p.c, c1 = size_t(tx.upper) * p.c;
        for (int c = 0; c < p.c; ++c) {
          const int64_t sum = r0[c0 + size_t(c)] * w00 + r1[c0 + size_t(c)] * w10 + r0[c1 + size_t(c)] * w01 +
                              r1[c1 + size_t(c)] * w11;
          const int64_t round = sum > 0 ? (1 << 19) : -(1 << 19);
          *out++ = int8_t((sum + round) / (1 << 20));
        }
      }
    }
  }
}

}  // namespace kiln::kernels
