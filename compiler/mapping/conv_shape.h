// ConvShape: an NPU layer in implicit-GEMM form. A convolution (or a fully
// connected layer, as a 1x1 convolution over a 1 x batch image) of an NHWC
// input in_h x in_w x in_c to out_h x out_w x out_c:
//   GEMM M = out_h*out_w (output pixels), K = kh*kw*in_c, N = out_c.
// A depthwise convolution (depth multiplier 1, in_c == out_c) reads only its
// own input channel for each output channel: K = kh*kw per channel. On the
// array a tile of n channels becomes one GEMM with K = kh*kw*n and a
// block-diagonal B (a channel's weights in its own column, zeros elsewhere),
// so each array row does one useful product per cycle. The block-diagonal B
// is made by the NPU's weight fetch (ConvCmd::depthwise): flash and the
// weight scratchpad hold only the kh*kw x n taps.
#pragma once

#include <cstdint>
#include <tuple>

namespace kiln::mapping {

struct ConvShape {
  uint32_t in_h = 1, in_w = 1, in_c = 1;
  uint32_t out_h = 1, out_w = 1, out_c = 1;
  uint32_t kh = 1, kw = 1;
  uint32_t stride_h = 1, stride_w = 1;
  uint32_t dil_h = 1, dil_w = 1;
  uint32_t pad_top = 0, pad_left = 0;
  bool depthwise = false;

  uint64_t gemm_m() const { return uint64_t(out_h) * out_w; }
  uint64_t gemm_k() const { return uint64_t(kh) * kw * (depthwise ? 1 : in_c); }
  uint64_t gemm_n() const { return out_c; }
  uint64_t macs() const { return gemm_m() * gemm_k() * gemm_n(); }
  uint64_t input_bytes() const { return uint64_t(in_h) * in_w * in_c; }
  uint64_t weight_bytes() const { return gemm_k() * gemm_n(); }
  uint64_t output_bytes() const { return gemm_m() * gemm_n(); }
  // Bytes of B as stored for a chunk of n output and c input channels
  // (compact taps for depthwise, where c == n).
  uint64_t chunk_weight_bytes(uint64_t c, uint64_t n) const { return uint64_t(kh) * kw * (depthwise ? 1 : c) * n; }

  // Input rows [first, last] (inclusive, may be outside [0, in_h)) read by
  // output rows [oy0, oy0 + rows); likewise for columns.
  int64_t input_row_first(uint32_t oy0) const { return int64_t(oy0) * stride_h - pad_top; }
  int64_t input_row_last(uint32_t oy0, uint32_t rows) const {
    return int64_t(oy0 + rows - 1) * stride_h - pad_top + int64_t(kh - 1) * dil_h;
  }
  int64_t input_col_first(uint32_t ox0) const { return int64_t(ox0) * stride_w - pad_left; }
  int64_t input_col_last(uint32_t ox0, uint32_t cols) const {
    return int64_t(ox0 + cols - 1) * stride_w - pad_left + int64_t(kw - 1) * dil_w;
  }

  bool operator==(const ConvShape& o) const {
    return std::tie(in_h, in_w, in_c, out_h, out_w, out_c, kh, kw, stride_h, stride_w, dil_h, dil_w, pad_top, pad_left,
                    depthwise) == std::tie(o.in_h, o.in_w, o.in_c, o.out_h, o.out_w, o.out_c, o.kh, o.kw, o.stride_h,
                                           o.stride_w, o.dil_h, o.dil_w, o.pad_top, o.pad_left, o.depthwise);
  }
};

}  // namespace kiln::mapping
