#include "kernels/depthwise_conv2d.h"

#include <algorithm>
#include <vector>

#include "kernels/check.h"
#include "kernels/requantize.h"
#include "kernels/requantize_rows.h"

namespace kiln::kernels {

namespace {
constexpr const char* kOp = "depthwise_conv2d";
}  // namespace

void validate(const DepthwiseConv2dParams& p) {
  check::dim(kOp, "batches", p.batches);
  check::dim(kOp, "in_c", p.in_c);
  check::dim(kOp, "depth_mult", p.depth_mult);
  check::dim(kOp, "depth_mult", int64_t(p.in_c) * p.depth_mult);  // out_c = in_c*depth_mult
  check::window_axis(kOp, {"in_h", "out_h", "kh", "stride_h", "dil_h", "pad_top"}, p.in_h, p.out_h, p.kh, p.stride_h,
                     p.dil_h, p.pad_top);
  check::window_axis(kOp, {"in_w", "out_w", "kw", "stride_w", "dil_w", "pad_left"}, p.in_w, p.out_w, p.kw, p.stride_w,
                     p.dil_w, p.pad_left);
  check::elements(kOp, "input", int64_t(p.batches) * p.in_h * p.in_w * p.in_c);
  check::elements(kOp, "output", int64_t(p.batches) * p.out_h * p.out_w * p.in_c * p.depth_mult);
  check::elements(kOp, "weights", int64_t(p.kh) * p.kw * p.in_c * p.depth_mult);
  if (int64_t(p.kh) * p.kw > check::kMaxReduction)
    check::fail(kOp, "kh", "kh*kw exceeds 65536, the int32 accumulator could overflow");
  check::zero_point(kOp, "in_zp", p.in_zp);
  check::zero_point(kOp, "out_zp", p.out_zp);
  check::activation(kOp, p.act_min, p.act_max);
}

uint64_t macs(const DepthwiseConv2dParams& p) {
  return uint64_t(p.batches) * p.out_h * p.out_w * p.in_c * p.depth_mult * p.kh * p.kw;
}

void validate(const DepthwiseConv2dParams& p, const int32_t* weight_zp) {
  validate(p);
  check::weight_zero_points(kOp, weight_zp, p.out_c(), int64_t(p.kh) * p.kw, "kh*kw");
}

namespace {

// Calls emit(acc) for every output pixel in NHWC order, acc[oc] = the sum
// over the taps inside of (w - weight_zp[oc]) * (x - in_zp), plus bias[oc]
// (wrapping). The caller has validated p and weight_zp.
template <class Emit>
void accumulate(const DepthwiseConv2dParams& p, const int8_t* in, const int8_t* weights, const int32_t* weight_zp,
                const int32_t* bias, Emit emit) {
  const int out_c = p.out_c();
  const int32_t input_offset = -p.in_zp;
  const int dm = p.depth_mult;
  const size_t in_row = size_t(p.in_w) * p.in_c;
  const size_t in_image = size_t(p.in_h) * in_row;
  // A weight zero point subtracts weight_zp[oc] * sum (x - in_zp) over the
  // taps inside, per input channel: then each term is (w - weight_zp)(x - in_zp).
  const bool has_weight_zp = check::any_nonzero(weight_zp, out_c);
  // One output pixel's accumulators; taps are summed in the order (ky, kx),
  // which gives TFLite's per-channel sums (integer addition, no overflow).
  std::vector<int32_t> acc(out_c), input_sum(has_weight_zp ? p.in_c : 0);
  for (int b = 0; b < p.batches; ++b) {
    const int8_t* image = in + b * in_image;
    for (int oy = 0; oy < p.out_h; ++oy) {
      const int y0 = oy * p.stride_h - p.pad_top;
      for (int ox = 0; ox < p.out_w; ++ox) {
        const int x0 = ox * p.stride_w - p.pad_left;
        std::fill(acc.begin(), acc.end(), 0);
        std::fill(input_sum.begin(), input_sum.end(), 0);
        for (int ky = 0; ky < p.kh; ++ky) {
          const int y = y0 + ky * p.dil_h;
          if (y < 0 || y >= p.in_h) continue;
          for (int kx = 0; kx < p.kw; ++kx) {
            const int x = x0 + kx * p.dil_w;
            if (x < 0 || x >= p.in_w) continue;
            const int8_t* px = image + y * in_row + size_t(x) * p.in_c;
            const int8_t* w = weights + (size_t(ky) * p.kw + kx) * out_c;
            if (dm == 1) {
              for (int c = 0; c < out_c; ++c) acc[c] += int32_t(w[c]) * (int32_t(px[c]) + input_offset);
            } else {
              for (int ic = 0; ic < p.in_c; ++ic) {
                const int32_t v = int32_t(px[ic]) + input_offset;
                for (int m = 0; m < dm; ++m) acc[ic * dm + m] += int32_t(w[ic * dm + m]) * v;
              }
            }
            if (has_weight_zp)
              for (int ic = 0; ic < p.in_c; ++ic) input_sum[ic] += int32_t(px[ic]) + input_offset;
          }
        }
        for (int oc = 0; oc < out_c; ++oc) {
          int32_t a = acc[oc];
          if (has_weight_zp) a -= weight_zp[oc] * input_sum[oc / dm];
          if (bias) a = static_cast<int32_t>(uint32_t(a) + uint32_t(bias[oc]));  // wraps as on the target
          acc[oc] = a;
        }
        emit(acc.data());
      }
    }
  }
}

}  // namespace

void depthwise_conv2d(const DepthwiseConv2dParams& p, const int8_t* in, const int8_t* weights, const int32_t* bias,
                      const int32_t* mult, const int32_t* shift, int8_t* out) {
  depthwise_conv2d(p, in, weights, nullptr, bias, mult, shift, out);
}

void depthwise_conv2d(const DepthwiseConv2dParams& p, const int8_t* in, const int8_t* weights,
                      const int32_t* weight_zp, const int32_t* bias, const int32_t* mult, const int32_t* shift,
                      int8_t* out) {
  validate(p, weight_zp);
  check::per_channel(kOp, mult, shift, p.out_c());
  RowRequantize q;
  q.mult = mult;
  q.shift = shift;
  q.out_zp = p.out_zp;
  q.act_min = p.act_min;
  q.act_max = p.act_max;
  const int out_c = p.out_c();
  accumulate(p, in, weights, weight_zp, bias, [&](const int32_t* acc) {
    requantize_rows(q, acc, 1, out_c, out);
    out += out_c;
  });
}

void depthwise_conv2d_accumulators(const DepthwiseConv2dParams& p, const int8_t* in, const int8_t* weights,
                                   const int32_t* weight_zp, const int32_t* bias, int32_t* out) {
  validate(p, weight_zp);
  const int out_c = p.out_c();
  accumulate(p, in, weights, weight_zp, bias, [&](const int32_t* acc) { out = std::copy_n(acc, out_c, out); });
}

}  // namespace kiln::kernels
