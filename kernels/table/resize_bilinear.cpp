// The MCU kernel table's entry for resize_bilinear (kernels/table/entry.h).
#include "kernels/table/entry.h"

#include "kernels/resize_bilinear.h"
#include "kernels/table/resize_view.h"

namespace kiln::kernels::table {

namespace {

// RESIZE_BILINEAR: batches of images.
ResizeBilinearParams resize_bilinear_from_op(const McuOpView& op) {
  const ResizeView v = resize_view("resize_bilinear", op, false);
  ResizeBilinearParams p;
  p.batches = v.batches, p.in_h = v.in_h, p.in_w = v.in_w, p.c = v.c, p.out_h = v.out_h, p.out_w = v.out_w;
  p.align_corners = v.align_corners, p.half_pixel_centers = v.half_pixel_centers;
  validate(p);
  return p;
}

const Registration kResizeBilinear([] {
  using P = ResizeBilinearParams;
  // Priced as avg_pool: four neighbours weighted and summed per output element.
  entry<P>(
      {kernel(32, "resize_bilinear",
              {in8("in", "input images, NHWC"), out8("out", "output images, NHWC"), extent("batches", "images"),
               extent("in_h", "input height"), extent("in_w", "input width"), extent("c", "channels"),
               extent("out_h", "output height"), extent("out_w", "output width"),
               extent("align_corners", "1: corner pixels map onto corner pixels"),
               extent("half_pixel_centers", "1: pixel centres at half-integer coordinates (not with align_corners)")},
              "avg_pool"),
       {&P::batches, &P::in_h, &P::in_w, &P::c, &P::out_h, &P::out_w, &P::align_corners, &P::half_pixel_centers},
       [](const P& p) {
         return std::vector<uint64_t>{uint64_t(p.batches) * p.in_h * p.in_w * p.c,
                                      uint64_t(p.batches) * p.out_h * p.out_w * p.c};
       },
       [](const P& p) { validate(p); },
       [](const P& p, const McuOperands& o) { resize_bilinear(p, in_i8(o, 0), out_i8(o, 1)); },
       // four multiply-accumulates per output element
       [](const P& p) { return uint64_t(4) * p.batches * p.out_h * p.out_w * p.c; },
       resize_bilinear_from_op});
});

}  // namespace

}  // namespace kiln::kernels::table
