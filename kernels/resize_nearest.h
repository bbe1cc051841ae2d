// Nearest-neighbour resize of an NHWC int8 image (TFLite
// RESIZE_NEAREST_NEIGHBOR): output pixel (y, x) copies input pixel
// (nearest(y), nearest(x)), computed in float exactly as TFLite Micro's
// reference GetNearestNeighbor, with its align_corners and
// half_pixel_centers options.
#pragma once

#include <cstdint>

namespace kiln::kernels {

struct ResizeNearestParams {
  int in_h = 0, in_w = 0, c = 0;
  int out_h = 0, out_w = 0;
  int align_corners = 0;       // 0 or 1
  int half_pixel_centers = 0;  // 0 or 1
};

// The input index output index `out` of `out_size` reads along an axis of `in_size`.
int32_t nearest_index(int out, int32_t in_size, int32_t out_size, bool align_corners, bool half_pixel_centers);

// Throws kiln::Error "resize_nearest: <param>: ...".
void validate(const ResizeNearestParams& p);

void resize_nearest(const ResizeNearestParams& p, const int8_t* in, int8_t* out);

}  // namespace kiln::kernels
