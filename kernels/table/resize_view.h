// The resize kernels' common view of their operator (kernels/table/resize_*.cpp).
#pragma once

#include "kernels/mcu_op_view.h"

namespace kiln::kernels::table {

// A resize's view: NHWC images in and out with the same batches (one
// image when `one_image`), channels and quantization; attributes
// align_corners and half_pixel_centers (0 or 1).
struct ResizeView {
  int batches, in_h, in_w, c, out_h, out_w, align_corners, half_pixel_centers;
};
ResizeView resize_view(const char* kernel, const McuOpView& op, bool one_image);

}  // namespace kiln::kernels::table
