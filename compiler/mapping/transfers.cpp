#include "compiler/mapping/transfers.h"

namespace kiln::mapping {

std::vector<Transfer> input_transfers(const ConvShape& s, const Step& st) {
  std::vector<Transfer> out;
  input_transfers(s, st, &out);
  return out;
}

std::vector<Transfer> output_transfers(const ConvShape& s, const Step& st) {
  std::vector<Transfer> out;
  output_transfers(s, st, &out);
  return out;
}

void input_transfers(const ConvShape& s, const Step& st, std::vector<Transfer>* transfers) {
  std::vector<Transfer>& out = *transfers;
  out.clear();
  if (st.ih == 0 || st.iw == 0 || st.c == 0) return;
  const uint64_t base = (uint64_t(st.iy0) * s.in_w + st.ix0) * s.in_c + st.c0;
  const uint32_t pixel_row = st.iw * st.c;
  if (st.c == s.in_c && st.iw == s.in_w) {  // whole rows, all channels: contiguous
    out.push_back({base, 0, 1, st.ih * pixel_row, 0, 0});
  } else if (st.c == s.in_c) {  // a window of columns: one DMA row per image row
    out.push_back({base, 0, st.ih, pixel_row, s.in_w * s.in_c, pixel_row});
  } else {  // a channel slice: one DMA row per pixel, one transfer per image row
    for (uint32_t y = 0; y < st.ih; ++y)
      out.push_back({base + uint64_t(y) * s.in_w * s.in_c, y * pixel_row, st.iw, st.c, s.in_c, st.c});
  }
}

void output_transfers(const ConvShape& s, const Step& st, std::vector<Transfer>* transfers) {
  std::vector<Transfer>& out = *transfers;
  out.clear();
  const uint64_t base = (uint64_t(st.oy0) * s.out_w + st.ox0) * s.out_c + st.n0;
  const uint32_t pixels = st.rows * st.cols;
  if (st.n == s.out_c && st.cols == s.out_w) {
    out.push_back({base, 0, 1, pixels * st.n, 0, 0});
  } else if (st.n == s.out_c) {
    out.push_back({base, 0, st.rows, st.cols * st.n, s.out_w * s.out_c, st.cols * st.n});
  } else if (st.cols == s.out_w) {
    out.push_back({base, 0, pixels, st.n, s.out_c, st.n});
  } else {
    for (uint32_t y = 0; y < st.rows; ++y)
      out.push_back({base + uint64_t(y) * s.out_w * s.out_c, y * st.cols * st.n, st.cols, st.n, s.out_c, st.n});
  }
}

Transfer weight_transfer(uint64_t mem_offset, uint32_t bytes) { return {mem_offset, 0, 1, bytes, 0, 0}; }

}  // namespace kiln::mapping
