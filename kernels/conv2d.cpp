#include "kernels/conv2d.h"

#include <algorithm>
#include <vector>

#include "kernels/check.h"
#include "kernels/int8_gemm.h"
#include "kernels/requantize.h"
#include "kernels/requantize_rows.h"

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

// Output rows per implicit GEMM: the unrolled input of one block and its
// int32 sums stay within about 1 MiB each whatever the layer.
int rows_per_block(const Conv2dParams& p, size_t k) {
  const size_t row_bytes = std::max<size_t>(1, size_t(p.out_w) * std::max(k, 4 * size_t(p.out_c)));
  return int(std::clamp<size_t>((size_t(1) << 20) / row_bytes, 1, size_t(p.out_h)));
}

// Calls emit(acc, pixels) for consecutive blocks of output pixels in NHWC
// order, acc holding pixels x out_c sums over the taps inside of
// (w - weight_zp[oc]) * (x - in_zp), without the bias. The caller has
// validated p and weight_zp.
//
// As an implicit GEMM through int8_gemm: row (oy, ox) of A holds the
// output's window (ky, kx, c), the order of a filter's OHWI row, and a tap
// outside the input holds in_zp, so that it contributes (w - weight_zp) * 0,
// as skipping it does. A 1x1 convolution with unit strides and no padding
// reads the input as A directly. Both in blocks of output rows.
template <class Emit>
void accumulate(const Conv2dParams& p, const int8_t* in, const int8_t* weights, const int32_t* weight_zp,
                Emit emit) {
  const size_t k = size_t(p.kh) * p.kw * p.in_c;
  const size_t in_row = size_t(p.in_w) * p.in_c;
  const size_t in_image = size_t(p.in_h) * in_row;
  const bool direct = p.kh == 1 && p.kw == 1 && p.stride_h == 1 && p.stride_w == 1 && p.pad_top == 0 &&
                      p.pad_left == 0 && p.in_h == p.out_h && p.in_w == p.out_w;
  const int block_rows = rows_per_block(p, k);
  thread_local std::vector<int8_t> window;
  thread_local std::vector<int32_t> acc;
  if (!direct) window.resize(size_t(block_rows) * p.out_w * k);
  acc.resize(size_t(block_rows) * p.out_w * p.out_c);
  for (int b = 0; b < p.batches; ++b) {
    const int8_t* image = in + b * in_image;
    for (int oy0 = 0; oy0 < p.out_h; oy0 += block_rows) {
      const int rows = std::min(block_rows, p.out_h - oy0);
      const int8_t* a = image + size_t(oy0) * in_row;  // direct: these rows of the input are A
      if (!direct) {
        int8_t* dst = window.data();
        for (int oy = oy0; oy < oy0 + rows; ++oy)
          for (int ox = 0; ox < p.out_w; ++ox)
            for (int ky = 0; ky < p.kh; ++ky) {
              const int y = oy * p.stride_h - p.pad_top + ky * p.dil_h;
              const int x0 = ox * p.stride_w - p.pad_left;
              if (p.dil_w == 1 && y >= 0 && y < p.in_h && x0 >= 0 && x0 + p.kw <= p.in_w) {
                // The row's taps are adjacent in the input: one copy.
                dst = std::copy_n(image + size_t(y) * in_row + size_t(x0) * p.in_c, size_t(p.kw) * p.in_c, dst);
                continue;
              }
              for (int kx = 0; kx < p.kw; ++kx, dst += p.in_c) {
                const int x = ox * p.stride_w - p.pad_left + kx * p.dil_w;
                if (y < 0 || y >= p.in_h || x < 0 || x >= p.in_w)
                  std::fill(dst, dst + p.in_c, int8_t(p.in_zp));
                else
                  std::copy_n(image + size_t(y) * in_row + size_t(x) * p.in_c, p.in_c, dst);
              }
            }
        a = window.data();
      }
      Int8GemmArgs g;
      g.m = rows * p.out_w;
      g.n = p.out_c;
      g.k = int(k);
      g.a = a;
      g.a_stride = k;
      g.a_zp = p.in_zp;
      g.b = weights;
      g.b_layout = GemmBLayout::NxK;
      g.b_zp = weight_zp;
      int8_gemm(g, acc.data());
      emit(acc.data(), g.m);
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
  RowRequantize q;
  q.bias = bias;
  q.mult = mult;
  q.shift = shift;
  q.out_zp = p.out_zp;
  q.act_min = p.act_min;
  q.act_max = p.act_max;
  accumulate(p, in, weights, weight_zp, [&](const int32_t* acc, int pixels) {
    requantize_rows(q, acc, pixels, p.out_c, out);
    out += size_t(pixels) * size_t(p.out_c);
  });
}

void conv2d_accumulators(const Conv2dParams& p, const int8_t* in, const int8_t* weights, const int32_t* weight_zp,
                         const int32_t* bias, int32_t* out) {
  validate(p, weight_zp);
  accumulate(p, in, weights, weight_zp, [&](const int32_t* acc, int pixels) {
    for (int px = 0; px < pixels; ++px)
      for (int oc = 0; oc < p.out_c; ++oc, ++acc)
        // Wraps as the target's int32 add would (TFLite leaves overflow undefined).
        *out++ = bias ? wrapping_add(*acc, bias[oc]) : *acc;
  });
}

}  // namespace kiln::kernels
