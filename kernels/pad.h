// Spatial padding of an NHWC int8 tensor with a constant (TFLite PAD / PADV2
// on H and W; for a quantized tensor the constant is normally the zero point).
// Output (in_h + pad_top + pad_bottom) x (in_w + pad_left + pad_right) x c.
#pragma once

#include <cstdint>

namespace kiln::kernels {

struct PadParams {
  int batches = 1;
  int in_h = 0, in_w = 0, c = 0;
  int pad_top = 0, pad_bottom = 0, pad_left = 0, pad_right = 0;
  int32_t pad_value = 0;

  int out_h() const { return in_h + pad_top + pad_bottom; }
  int out_w() const { return in_w + pad_left + pad_right; }
};

// Throws kiln::Error "pad: <param>: ...".
void validate(const PadParams& p);

void pad(const PadParams& p, const int8_t* in, int8_t* out);

}  // namespace kiln::kernels
