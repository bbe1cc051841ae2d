#include "kernels/pad.h"

#include <cstring>

#include "kernels/check.h"

namespace kiln::kernels {

namespace {
constexpr const char* kOp = "pad";
}

void validate(const PadParams& p) {
  check::dim(kOp, "batches", p.batches);
  check::dim(kOp, "in_h", p.in_h);
  check::dim(kOp, "in_w", p.in_w);
  check::dim(kOp, "c", p.c);
  check::range(kOp, "pad_top", p.pad_top, 0, check::kMaxDim);
  check::range(kOp, "pad_bottom", p.pad_bottom, 0, check::kMaxDim);
  check::range(kOp, "pad_left", p.pad_left, 0, check::kMaxDim);
  check::range(kOp, "pad_right", p.pad_right, 0, check::kMaxDim);
  check::range(kOp, "pad_value", p.pad_value, -128, 127);
  check::elements(kOp, "input", int64_t(p.batches) * p.in_h * p.in_w * p.c);
  check::elements(kOp, "output", int64_t(p.batches) * (int64_t(p.in_h) + p.pad_top + p.pad_bottom) *
                                     (int64_t(p.in_w) + p.pad_left + p.pad_right) * p.c);
}

void pad(const PadParams& p, const int8_t* in, int8_t* out) {
  validate(p);
  const size_t in_row = size_t(p.in_w) * p.c;
  const size_t out_row = size_t(p.out_w()) * p.c;
  const size_t left = size_t(p.pad_left) * p.c, right = size_t(p.pad_right) * p.c;
  const int value = static_cast<int8_t>(p.pad_value);
  for (int b = 0; b < p.batches; ++b) {
    std::memset(out, value, out_row * p.pad_top);
    out += out_row * p.pad_top;
    for (int y = 0; y < p.in_h; ++y, in += in_row) {
      std::memset(out, value, left);
      std::memcpy(out + left, in, in_row);
      std::memset(out + left + in_row, value, right);
      out += out_row;
    }
    std::memset(out, value, out_row * p.pad_bottom);
    out += out_row * p.pad_bottom;
  }
}

}  // namespace kiln::kernels
