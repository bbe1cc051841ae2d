#include "kernels/conv2d.h"

#include <algorithm>

#include "kernels/check.h"
#include "kernels/requantize.h"

namespace kiln::kernels {

namespace {
constexpr const char* kOp = "conv2d";
// Longest reduction (kh*kw*in_c) whose int32 accumulator cannot overflow:
// |w| <= 128 and |x - zp| <= 255 give |term| <= 32640, and 65536 * 32640 < 2^31.
constexpr int64_t kMaxReduction = 65536;
}  // namespace

void validate(const Conv2dParams& p) {
  check::dim(kOp, "batches", p.batches);
  check::dim(kOp, "in_c", p.in_c);
  check::dim(kOp, "out_c", p.out_c);
  check::window_axis(kOp, {"in_h", "out_h", "kh", "stride_h", "dil_h", "pad_top"}, p.in_h, p.out_h, p.kh, p.stride_h,
                     p.dil_h, p.pad_top);
  check::window_axis(kOp, {"in_w", "out_w", "kw", "stride_w", "dil_w", "pad_left"}, p.in_w, p.out_w, p.kw, p.stride_w,
                     p.dil_w, p.pad_left);
  check::elements(kOp, "input", int64_t(p.batches) * p.in_h * p.in_w * p.in_c);
  check::elements(kOp, "output", int64_t(p.batches) * p.out_h * p.out_w * p.out_c);
  check::elements(kOp, "weights", int64_t(p.out_c) * p.kh * p.kw * p.in_c);
  if (int64_t(p.kh) * p.kw * p.in_c > kMaxReduction)
    check::fail(kOp, "in_c", "kh*kw*in_c exceeds 65536, the int32 accumulator could overflow");
  check::zero_point(kOp, "in_zp", p.in_zp);
  check::zero_point(kOp, "out_zp", p.out_zp);
  check::activation(kOp, p.act_min, p.act_max);
}

uint64_t macs(const Conv2dParams& p) {
  return uint64_t(p.batches) * p.out_h * p.out_w * p.out_c * p.kh * p.kw * p.in_c;
}

void conv2d(const Conv2dParams& p, const int8_t* in, const int8_t* weights, const int32_t* bias,
            const int32_t* mult, const int32_t* shift, int8_t* out) {
  validate(p);
  check::per_channel(kOp, mult, shift, p.out_c);
  const int32_t input_offset = -p.in_zp;
  const size_t in_row = size_t(p.in_w) * p.in_c;
  const size_t in_image = size_t(p.in_h) * in_row;
  const size_t w_row = size_t(p.kw) * p.in_c;
  const size_t w_filter = size_t(p.kh) * w_row;
  for (int b = 0; b < p.batches; ++b) {
    const int8_t* image = in + b * in_image;
    for (int oy = 0; oy < p.out_h; ++oy) {
      const int y0 = oy * p.stride_h - p.pad_top;
      for (int ox = 0; ox < p.out_w; ++ox) {
        const int x0 = ox * p.stride_w - p.pad_left;
        for (int oc = 0; oc < p.out_c; ++oc) {
          const int8_t* filter = weights + oc * w_filter;
          int32_t acc = 0;
          for (int ky = 0; ky < p.kh; ++ky) {
            const int y = y0 + ky * p.dil_h;
            if (y < 0 || y >= p.in_h) continue;
            for (int kx = 0; kx < p.kw; ++kx) {
              const int x = x0 + kx * p.dil_w;
              if (x < 0 || x >= p.in_w) continue;
              const int8_t* px = image + y * in_row + size_t(x) * p.in_c;
              const int8_t* w = filter + ky * w_row + size_t(kx) * p.in_c;
              for (int c = 0; c < p.in_c; ++c) acc += int32_t(w[c]) * (int32_t(px[c]) + input_offset);
            }
          }
          // Wraps as the target's int32 add would (TFLite leaves overflow undefined).
          if (bias) acc = static_cast<int32_t>(uint32_t(acc) + uint32_t(bias[oc]));
          acc = multiply_by_quantized_multiplier(acc, mult[oc], shift[oc]) + p.out_zp;
          acc = std::min(std::max(acc, p.act_min), p.act_max);
          *out++ = static_cast<int8_t>(acc);
        }
      }
    }
  }
}

}  // namespace kiln::kernels
