#include "kernels/dilate.h"

#include <algorithm>
#include <cstring>

#include "kernels/check.h"

namespace kiln::kernels {

namespace {
constexpr const char* kOp = "dilate";

// The input indices i in [0, n) whose position origin + i * stride lies in [0, extent).
void landing(int64_t origin, int64_t stride, int64_t n, int64_t extent, int64_t* first, int64_t* end) {
  *first = origin >= 0 ? 0 : (-origin + stride - 1) / stride;
  *end = origin >= extent ? 0 : std::min<int64_t>(n, (extent - 1 - origin) / stride + 1);
}
}  // namespace

void validate(const DilateParams& p) {
  check::dim(kOp, "batch", p.batch);
  check::dim(kOp, "in_h", p.in_h);
  check::dim(kOp, "in_w", p.in_w);
  check::dim(kOp, "c", p.c);
  check::dim(kOp, "out_h", p.out_h);
  check::dim(kOp, "out_w", p.out_w);
  check::dim(kOp, "stride_h", p.stride_h);
  check::dim(kOp, "stride_w", p.stride_w);
  check::range(kOp, "top", p.top, -check::kMaxDim, check::kMaxDim);
  check::range(kOp, "left", p.left, -check::kMaxDim, check::kMaxDim);
  check::zero_point(kOp, "pad_value", p.pad_value);
  check::elements(kOp, "input", p.in_elements());
  check::elements(kOp, "output", p.out_elements());
}

void dilate(const DilateParams& p, const int8_t* in, int8_t* out) {
  validate(p);
  std::memset(out, static_cast<int8_t>(p.pad_value), size_t(p.out_elements()));
  int64_t y0, y1, x0, x1;
  landing(p.top, p.stride_h, p.in_h, p.out_h, &y0, &y1);
  landing(p.left, p.stride_w, p.in_w, p.out_w, &x0, &x1);
  const size_t depth = size_t(p.c);
  for (int64_t b = 0; b < p.batch; ++b)
    for (int64_t y = y0; y < y1; ++y) {
      const int64_t oy = p.top + y * p.stride_h;
      for (int64_t x = x0; x < x1; ++x) {
        const int64_t ox = p.left + x * p.stride_w;
        std::memcpy(out + ((b * p.out_h + oy) * p.out_w + ox) * p.c, in + ((b * p.in_h + y) * p.in_w + x) * p.c,
                    depth);
      }
    }
}

}  // namespace kiln::kernels
