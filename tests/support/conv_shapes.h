// Convolution shapes the mapping tests share.
#pragma once

#include <cstdint>

#include "compiler/mapping/conv_shape.h"

namespace kiln::test {

// A 3x3 "same" convolution of an h x w x c input to n channels.
inline mapping::ConvShape conv3x3(uint32_t h, uint32_t w, uint32_t c, uint32_t n, uint32_t stride = 1) {
  mapping::ConvShape s;
  s.in_h = h, s.in_w = w, s.in_c = c;
  s.kh = s.kw = 3;
  s.stride_h = s.stride_w = stride;
  s.pad_top = s.pad_left = 1;
  s.out_h = (h + 2 - 3) / stride + 1, s.out_w = (w + 2 - 3) / stride + 1, s.out_c = n;
  return s;
}

}  // namespace kiln::test
