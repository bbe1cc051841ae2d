// Bilinear resize of NHWC int8 images (TFLite RESIZE_BILINEAR) in the
// integer arithmetic of TFLite's reference ResizeBilinearInteger, which
// TFLite Micro runs for int8: source coordinates in 10-bit fixed point
// (scale = round(1024 * in / out), or (in - 1) / (out - 1) with
// align_corners; half_pixel_centers shifts by half a pixel), the four
// neighbours weighted in 20-bit fixed point in 64 bits, and the sum rounded
// half away from zero (TFLite's default, without TFLITE_SINGLE_ROUNDING).
// Input and output share one quantization: stored values are interpolated.
#pragma once

#include <cstdint>

namespace kiln::kernels {

struct ResizeBilinearParams {
  int batches = 1;
  int in_h = 0, in_w = 0, c = 0;
  int out_h = 0, out_w = 0;
  int align_corners = 0;       // 0 or 1
  int half_pixel_centers = 0;  // 0 or 1; not with align_corners (TFLite Micro refuses both)
};

// The 10-bit fixed-point scale from an output axis of `out_size` to one of `in_size`.
int32_t bilinear_scale_10(int32_t in_size, int32_t out_size, bool align_corners);

// Along one axis: output index `out`'s source coordinate (10-bit fixed
// point) and its two neighbouring input indices, as TFLite's
// ComputeInterpolationValuesInteger.
struct BilinearTap {
  int32_t at_10 = 0;
  int32_t lower = 0, upper = 0;
};
BilinearTap bilinear_tap(int out, int32_t scale_10, bool half_pixel_centers, int32_t in_size);

// Throws kiln::Error "resize_bilinear: <param>: ...".
void validate(const ResizeBilinearParams& p);

void resize_bilinear(const ResizeBilinearParams& p, const int8_t* in, int8_t* out);

}  // namespace kiln::kernels
