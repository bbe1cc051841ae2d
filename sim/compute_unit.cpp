#include "sim/compute_unit.h"

#include <algorithm>
#include <chrono>
#include <cstring>

namespace kiln::sim {

std::vector<SpmRegion> ComputeUnit::regions(const GemmCmd& g) {
  return {{Buffer::Input, g.a_addr, uint64_t(g.m - 1) * g.a_stride + g.k},
          {Buffer::Weight, g.b_addr, uint64_t(g.k - 1) * g.b_stride + g.n},
          {Buffer::Accumulator, g.c_addr, 4 * (uint64_t(g.m - 1) * g.c_stride + g.n)}};
}

std::vector<SpmRegion> ComputeUnit::regions(const ConvCmd& c) {
  return {{Buffer::Input, c.in_addr, c.input_extent()},
          {Buffer::Weight, c.b_addr, uint64_t(c.weight_rows() - 1) * c.b_stride + c.n},
          {Buffer::Accumulator, c.c_addr, 4 * (uint64_t(c.gemm_m() - 1) * c.c_stride + c.n)}};
}

ArrayResult ComputeUnit::run(const GemmCmd& g, uint64_t command) {
  std::vector<int8_t>& a = a_;
  a.resize(size_t(g.m) * g.k);  // every row is read below
  spm_.read_rows(Buffer::Input, g.a_addr, g.a_stride, g.m, a.data(), g.k);
  read_b(g.b_addr, g.b_stride, g.k, g.n);
  return run_tile(g.dataflow, g.m, g.n, g.k, a, b_, g.c_addr, g.c_stride, g.accumulate, command);
}

ArrayResult ComputeUnit::run(const ConvCmd& c, uint64_t command) {
  const uint32_t m = c.gemm_m(), k = c.gemm_k();
  // The tile's pixels, packed: a strided tile is read pixel by pixel.
  std::vector<int8_t>& input = input_;
  input.resize(size_t(c.in_h) * c.in_w * c.in_c);  // every pixel is read below
  if (c.pixel_stride() == c.in_c)
    spm_.read(Buffer::Input, c.in_addr, input.data(), input.size());
  else
    spm_.read_rows(Buffer::Input, c.in_addr, c.pixel_stride(), uint64_t(c.in_h) * c.in_w, input.data(), c.in_c);
  // Implicit GEMM: row m = (oy, ox), column k = (ky, kx, ch).
  std::vector<int8_t>& a = a_;
  a.resize(size_t(m) * k);  // every tap is copied or padded below
  const uint8_t pad = static_cast<uint8_t>(c.pad_value);
  const size_t tap = c.in_c;
  if (c.dil_w == 1 && c.out_w > 0) {
    // Without dilation a window row is adjacent columns of its input row,
    // padding included: each input row is laid out once, padded as far as
    // the windows reach, and then a window row is one copy from it.
    const size_t width = size_t(c.out_w - 1) * c.stride_w + c.kw;  // the columns the windows reach
    const size_t lo = std::min<size_t>(c.pad_left, width);           // the first inside the input
    const size_t hi = std::min(std::max(size_t(c.pad_left) + c.in_w, lo), width);  // past the last
    std::vector<int8_t>& padded = padded_;
    padded.resize(size_t(c.in_h) * width * tap);
    for (uint32_t iy = 0; iy < c.in_h; ++iy) {
      int8_t* p = &padded[size_t(iy) * width * tap];
      std::memset(p, pad, lo * tap);
      if (hi > lo) std::memcpy(p + lo * tap, &input[(size_t(iy) * c.in_w + (lo - c.pad_left)) * tap], (hi - lo) * tap);
      std::memset(p + hi * tap, pad, (width - hi) * tap);
    }
    const size_t window_row = size_t(c.kw) * tap, step = size_t(c.stride_w) * tap;
    for (uint32_t oy = 0; oy < c.out_h; ++oy)
      for (uint32_t ky = 0; ky < c.kh; ++ky) {
        const int64_t iy = int64_t(oy) * c.stride_h + int64_t(ky) * c.dil_h - c.pad_top;
        int8_t* dst = &a[size_t(oy) * c.out_w * k + ky * window_row];
        if (iy < 0 || iy >= int64_t(c.in_h)) {
          for (uint32_t ox = 0; ox < c.out_w; ++ox, dst += k) std::memset(dst, pad, window_row);
          continue;
        }
        const int8_t* src = &padded[size_t(iy) * width * tap];
        for (uint32_t ox = 0; ox < c.out_w; ++ox, dst += k, src += step) std::memcpy(dst, src, window_row);
      }
  } else {
    for (uint32_t oy = 0; oy < c.out_h; ++oy)
      for (uint32_t ox = 0; ox < c.out_w; ++ox) {
        int8_t* row = &a[(size_t(oy) * c.out_w + ox) * k];
        const int64_t ix0 = int64_t(ox) * c.stride_w - c.pad_left;
        for (uint32_t ky = 0; ky < c.kh; ++ky) {
          const int64_t iy = int64_t(oy) * c.stride_h + int64_t(ky) * c.dil_h - c.pad_top;
          int8_t* dst = row + size_t(ky) * c.kw * tap;
          for (uint32_t kx = 0; kx < c.kw; ++kx) {
            const int64_t ix = ix0 + int64_t(kx) * c.dil_w;
            if (iy < 0 || iy >= int64_t(c.in_h) || ix < 0 || ix >= int64_t(c.in_w))
              std::memset(dst + kx * tap, pad, tap);
            else
              std::memcpy(dst + kx * tap, &input[(size_t(iy) * c.in_w + size_t(ix)) * tap], tap);
          }
        }
      }
  }
  read_b(c.b_addr, c.b_stride, c.weight_rows(), c.n);
  if (c.depthwise) {
    // The weight-fetch path expands the compact taps to the block-diagonal B
    // the array multiplies by: row (tap, channel j) holds its weight in column j.
    diagonal_.assign(size_t(k) * c.n, 0);
    for (uint32_t t = 0; t < c.weight_rows(); ++t)
      for (uint32_t j = 0; j < c.n; ++j) diagonal_[(size_t(t) * c.n + j) * c.n + j] = b_[size_t(t) * c.n + j];
    return run_tile(c.dataflow, m, c.n, k, a, diagonal_, c.c_addr, c.c_stride, c.accumulate, command);
  }
  return run_tile(c.dataflow, m, c.n, k, a, b_, c.c_addr, c.c_stride, c.accumulate, command);
}

void ComputeUnit::read_b(uint32_t b_addr, uint32_t b_stride, uint32_t rows, uint32_t n) {
  b_.resize(size_t(rows) * n);  // every row is read below
  spm_.read_rows(Buffer::Weight, b_addr, b_stride, rows, b_.data(), n);
}

ArrayResult ComputeUnit::run_tile(Dataflow dataflow, uint32_t m, uint32_t n, uint32_t k, const std::vector<int8_t>& a,
                                  const std::vector<int8_t>& b, uint32_t c_addr, uint32_t c_stride, bool accumulate,
                                  uint64_t command) {
  std::vector<int32_t>& c = c_;
  c.assign(size_t(m) * n, 0);
  if (accumulate) spm_.read_rows(Buffer::Accumulator, c_addr, 4 * uint64_t(c_stride), m, c.data(), 4 * uint64_t(n));
  ArrayTile tile;
  tile.dataflow = dataflow;
  tile.m = m;
  tile.n = n;
  tile.k = k;
  tile.a = a.data();
  tile.b = b.data();
  tile.accumulate = accumulate;
  tile.command = command;
  const auto begin = std::chrono::steady_clock::now();
  const ArrayResult r = engine_.run(tile, c.data());
  stats_.wall_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
  stats_.commands += 1;
  stats_.cycles += r.cycles;
  // int32 little-endian in the accumulator buffer (the host is little-endian too).
  spm_.write_rows(Buffer::Accumulator, c_addr, 4 * uint64_t(c_stride), m, c.data(), 4 * uint64_t(n));
  return r;
}

}  // namespace kiln::sim
