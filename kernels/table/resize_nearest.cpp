// The MCU kernel table's entry for resize_nearest (kernels/table/entry.h).
#include "kernels/table/entry.h"

#include "kernels/resize_nearest.h"
#include "kernels/table/resize_view.h"

namespace kiln::kernels::table {

namespace {

// RESIZE_NEAREST_NEIGHBOR: one image.
ResizeNearestParams resize_nearest_from_op(const McuOpView& op) {
  const ResizeView v = resize_view("resize_nearest", op, true);
  ResizeNearestParams p;
  p.in_h = v.in_h, p.in_w = v.in_w, p.c = v.c, p.out_h = v.out_h, p.out_w = v.out_w;
  p.align_corners = v.align_corners, p.half_pixel_centers = v.half_pixel_centers;
  validate(p);
  return p;
}

const Registration kResizeNearest([] {
  using P = ResizeNearestParams;
  // Priced as pad: channels copied per output pixel after two index computations.
  entry<P>(
      {kernel(30, "resize_nearest",
              {in8("in", "input image, NHWC"), out8("out", "output image, NHWC"), extent("in_h", "input height"),
               extent("in_w", "input width"), extent("c", "channels"), extent("out_h", "output height"),
               extent("out_w", "output width"), extent("align_corners", "1: corner pixels map onto corner pixels"),
               extent("half_pixel_centers", "1: pixel centres at half-integer coordinates")},
              "pad"),
       {&P::in_h, &P::in_w, &P::c, &P::out_h, &P::out_w, &P::align_corners, &P::half_pixel_centers},
       [](const P& p) {
         return std::vector<uint64_t>{uint64_t(p.in_h) * p.in_w * p.c, uint64_t(p.out_h) * p.out_w * p.c};
       },
       [](const P& p) { validate(p); },
       [](const P& p, const McuOperands& o) { resize_nearest(p, in_i8(o, 0), out_i8(o, 1)); },
       {},
       resize_nearest_from_op});
});

}  // namespace

}  // namespace kiln::kernels::table
