#include "compiler/ir/transpose_conv.h"

#include <algorithm>
#include <cstddef>
#include <utility>

namespace kiln::ir {

int64_t transpose_conv_spread_elements(const Shape& in, int32_t kh, int32_t kw, const Shape& out) {
  return int64_t(in[0]) * (int64_t(out[1]) + kh - 1) * (int64_t(out[2]) + kw - 1) * in[3];
}

void append_transpose_conv(Graph& g, const Op& like, int in, Tensor filter, int bias, int out,
                           const TransposeConvWindow& window) {
  const Shape is = g.tensors[size_t(in)].shape, os = g.tensors[size_t(out)].shape;
  const int32_t out_c = filter.shape[0], kh = filter.shape[1], kw = filter.shape[2], in_c = filter.shape[3];

  // Tap (ky, kx) of the flipped kernel is tap (kh - 1 - ky, kw - 1 - kx).
  Tensor flipped = filter;
  flipped.name = filter.name + "/flipped";
  flipped.source_index = -1;
  const size_t depth = size_t(in_c);
  for (int32_t o = 0; o < out_c; ++o)
    for (int32_t y = 0; y < kh; ++y)
      for (int32_t x = 0; x < kw; ++x) {
        const size_t src = ((size_t(o) * kh + size_t(y)) * kw + size_t(x)) * depth;
        const size_t dst = ((size_t(o) * kh + size_t(kh - 1 - y)) * kw + size_t(kw - 1 - x)) * depth;
        std::copy(filter.data.begin() + std::ptrdiff_t(src), filter.data.begin() + std::ptrdiff_t(src + depth),
                  flipped.data.begin() + std::ptrdiff_t(dst));
      }
  const int weights = g.add_tensor(std::move(flipped));

  // Output row y reads rows y .. y + kh - 1 of the bordered image, in which
  // input row r sits at row before_h + r * stride_h: kh - 1 - pad_top rows
  // of border above, and below whatever makes os[1] + kh - 1 rows in all.
  const int64_t before_h = int64_t(kh) - 1 - window.pad_top, before_w = int64_t(kw) - 1 - window.pad_left;
  const int64_t rows = int64_t(os[1]) + kh - 1, cols = int64_t(os[2]) + kw - 1;
  const int64_t after_h = rows - before_h - (int64_t(is[1]) - 1) * window.stride_h - 1;
  const int64_t after_w = cols - before_w - (int64_t(is[2]) - 1) * window.stride_w - 1;
  const auto fits = [](int64_t pad, int32_t k) { return pad >= 0 && pad <= k - 1; };
  const bool padded_conv = window.stride_h == 1 && window.stride_w == 1 && fits(before_h, kh) && fits(after_h, kh) &&
                           fits(before_w, kw) && fits(after_w, kw);

  Op conv = like;
  conv.kind = OpKind::Conv2d;
  conv.window = Window{};
  conv.window.kernel_h = kh, conv.window.kernel_w = kw;
  conv.outputs = {out};
  if (padded_conv) {
    conv.window.pad = {int32_t(before_h), int32_t(after_h), int32_t(before_w), int32_t(after_w)};
    conv.inputs = {in, weights, bias};
    g.ops.push_back(std::move(conv));
    return;
  }
  Tensor spread = g.tensors[size_t(in)];  // its type and quantization
  spread.name = g.tensors[size_t(out)].name + "/dilated";
  spread.shape = {is[0], int32_t(rows), int32_t(cols), is[3]};
  spread.source_index = -1;
  spread.source_uint8 = false;
  const int spread_id = g.add_tensor(std::move(spread));
  Op dilate = like;
  dilate.kind = OpKind::Kernel;
  dilate.kernel = "dilate";
  dilate.attrs = {{"stride", {window.stride_h, window.stride_w}}, {"before", {before_h, before_w}}};
  dilate.act = ActRange{};
  dilate.rescale = Rescale{};
  dilate.inputs = {in};
  dilate.outputs = {spread_id};
  conv.inputs = {spread_id, weights, bias};
  g.ops.push_back(std::move(dilate));
  g.ops.push_back(std::move(conv));
}

}  // namespace kiln::ir
