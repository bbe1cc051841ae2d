#include "kernels/conv2d.h"

#include <algorithm>
#include <vector>

#include "kernels/check.h"
#include "kernels/requantize.h"

namespace kiln::kernels {

namespace {
constexpr const char* kOp = "conv2d";
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
  if (int64_t(p.kh) * p.kw * p.in_c > check::kMaxReduction)
    check::fail(kOp, "in_c", "kh*kw*in_c exceeds 65536, the int32 accumulator could overflow");
  check::zero_point(kOp, "in_zp", p.in_zp);
  check::zero_point(kOp, "out_zp", p.out_zp);
  check::activation(kOp, p.act_min, p.act_max);
}

void validate(const Conv2dParams& p, const int32_t* weight_zp) {
  validate(p);
  check::weight_zero_points(kOp, weight_zp, p.out_c, int64_t(p.kh) * p.kw * p.in_c, "kh*kw*in_c");
}

uint64_t macs(const Conv2dParams& p) {
  return uint64_t(p.batches) * p.out_h * p.out_w * p.out_c * p.kh * p.kw * p.in_c;
}

namespace {

int32_t dot(const int8_t* a, const int8_t* b, int n) {
  int32_t sum = 0;
  for (int i = 0; i < n; ++i) sum += int32_t(a[i]) * int32_t(b[i]);
  return sum;
}

int32_t sum_of(const int8_t* a, size_t n) {
  int32_t sum = 0;
  for (size_t i = 0; i < n; ++i) sum += a[i];
  return sum;
}

// First and one-past-last kernel index whose tap lands inside [0, extent).
void valid_taps(int origin, int dilation, int kernel, int extent, int* begin, int* end) {
  int b = 0;
  while (b < kernel && origin + b * dilation < 0) ++b;
  int e = kernel;
  while (e > b && origin + (e - 1) * dilation >= extent) --e;
  *begin = b;
  *end = e;
}

// Calls emit(oc, acc) for every output in NHWC order with acc = the sum over
// the taps inside of (w - weight_zp[oc]) * (x - in_zp), plus bias[oc]
// (wrapping). The caller has validated p and weight_zp.
template <class Emit>
void accumulate(const Conv2dParams& p, const int8_t* in, const int8_t* weights, const int32_t* weight_zp,
                const int32_t* bias, Emit emit) {
  // sum w * (x - zp) is computed as sum w*x - zp * sum w over the taps inside
  // the input: the same integer (no term overflows, see check::kMaxReduction),
  // with an inner loop the compiler vectorizes. A weight zero point then
  // subtracts weight_zp * sum (x - zp) over the same taps, which makes it
  // sum (w - weight_zp)(x - zp) (no partial sum overflows either: the
  // reduction is at most 32768 then).
  const bool has_weight_zp = check::any_nonzero(weight_zp, p.out_c);
  const size_t in_row = size_t(p.in_w) * p.in_c;
  const size_t in_image = size_t(p.in_h) * in_row;
  const size_t w_row = size_t(p.kw) * p.in_c;
  const size_t w_filter = size_t(p.kh) * w_row;
  std::vector<int32_t> full_weight_sum(p.out_c);
  for (int oc = 0; oc < p.out_c; ++oc) full_weight_sum[oc] = sum_of(weights + oc * w_filter, w_filter);
  for (int b = 0; b < p.batches; ++b) {
    const int8_t* image = in + b * in_image;
    for (int oy = 0; oy < p.out_h; ++oy) {
      const int y0 = oy * p.stride_h - p.pad_top;
      int ky_begin = 0, ky_end = 0;
      valid_taps(y0, p.dil_h, p.kh, p.in_h, &ky_begin, &ky_end);
      for (int ox = 0; ox < p.out_w; ++ox) {
        const int x0 = ox * p.stride_w - p.pad_left;
        int kx_begin = 0, kx_end = 0;
        valid_taps(x0, p.dil_w, p.kw, p.in_w, &kx_begin, &kx_end);
        const bool all_taps = ky_begin == 0 && ky_end == p.kh && kx_begin == 0 && kx_end == p.kw;
        int32_t input_sum = 0;  // sum (x - in_zp) over the taps inside: the weight zero point's term
        if (has_weight_zp) {
          for (int ky = ky_begin; ky < ky_end; ++ky)
            for (int kx = kx_begin; kx < kx_end; ++kx)
              input_sum += sum_of(image + (y0 + ky * p.dil_h) * in_row + size_t(x0 + kx * p.dil_w) * p.in_c,
                                  size_t(p.in_c));
          input_sum -= p.in_zp * (ky_end - ky_begin) * (kx_end - kx_begin) * p.in_c;
        }
        for (int oc = 0; oc < p.out_c; ++oc) {
          const int8_t* filter = weights + oc * w_filter;
          int32_t acc = 0, weight_sum = 0;
          for (int ky = ky_begin; ky < ky_end; ++ky) {
            const int8_t* in_row_ptr = image + (y0 + ky * p.dil_h) * in_row;
            for (int kx = kx_begin; kx < kx_end; ++kx) {
              const int8_t* px = in_row_ptr + size_t(x0 + kx * p.dil_w) * p.in_c;
              const int8_t* w = filter + ky * w_row + size_t(kx) * p.in_c;
              acc += dot(w, px, p.in_c);
              if (!all_taps) weight_sum += sum_of(w, p.in_c);
            }
          }
          acc -= p.in_zp * (all_taps ? full_weight_sum[oc] : weight_sum);
          if (has_weight_zp) acc -= weight_zp[oc] * input_sum;
          // Wraps as the target's int32 add would (TFLite leaves overflow undefined).
          if (bias) acc = static_cast<int32_t>(uint32_t(acc) + uint32_t(bias[oc]));
          emit(oc, acc);
        }
      }
    }
  }
}

}  // namespace

void conv2d(const Conv2dParams& p, const int8_t* in, const int8_t* weights, const int32_t* bias,
            const int32_t* mult, const int32_t* shift, int8_t* out) {
  conv2d(p, in, weights, nullptr, bias, mult, shift, out);
}

void conv2d(const Conv2dParams& p, const int8_t* in, const int8_t* weights, const int32_t* weight_zp,
            const int32_t* bias, const int32_t* mult, const int32_t* shift, int8_t* out) {
  validate(p, weight_zp);
  check::per_channel(kOp, mult, shift, p.out_c);
  accumulate(p, in, weights, weight_zp, bias, [&](int oc, int32_t acc) {
    *out++ = requantize_accumulator(acc, mult[oc], shift[oc], p.out_zp, p.act_min, p.act_max);
  });
}

void conv2d_accumulators(const Conv2dParams& p, const int8_t* in, const int8_t* weights, const int32_t* weight_zp,
                         const int32_t* bias, int32_t* out) {
  validate(p, weight_zp);
  accumulate(p, in, weights, weight_zp, bias, [&](int, int32_t acc) { *out++ = acc; });
}

}  // namespace kiln::kernels
