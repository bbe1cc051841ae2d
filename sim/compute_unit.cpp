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
  // Implicit GEMM: row m = (oy, ox), column k = (ky, kx, ch). Without
  // dilation, the taps of a window row that lie inside the input are adjacent
  // pixels: one copy, with the padding on either side set around it.
  std::vector<int8_t>& a = a_;
  a.resize(size_t(m) * k);  // every tap is copied or padded below
  const uint8_t pad = static_cast<uint8_t>(c.pad_value);
  const size_t tap = c.in_c;
  for (uint32_t oy = 0; oy < c.out_h; ++oy)
    for (uint32_t ox = 0; ox < c.out_w; ++ox) {
      int8_t* row = &a[(size_t(oy) * c.out_w + ox) * k];
      const int64_t ix0 = int64_t(ox) * c.stride_w - c.pad_left;
      for (uint32_t ky = 0; ky < c.kh; ++ky) {
        const int64_t iy = int64_t(oy) * c.stride_h + int64_t(ky) * c.dil_h - c.pad_top;
        int8_t* dst = row + size_t(ky) * c.kw * tap;
        if (iy < 0 || iy >= int64_t(c.in_h)) {
          std::memset(dst, pad, c.kw * tap);
          continue;
        }
        const int8_t* src = &input[size_t(iy) * c.in_w * tap];
        if (c.dil_w == 1) {
          const int64_t kw = c.kw;
          const int64_t lo = std::min(std::max<int64_t>(-ix0, 0), kw);                // first tap inside
          const int64_t hi = std::min(std::max<int64_t>(int64_t(c.in_w) - ix0, lo), kw);  // past the last
          if (lo > 0) std::memset(dst, pad, size_t(lo) * tap);
          if (hi > lo) std::memcpy(dst + size_t(lo) * tap, src + size_t(ix0 + lo) * tap, size_t(hi - lo) * tap);
          if (hi < kw) std::memset(dst + size_t(hi) * tap, pad, size_t(kw - hi) * tap);
          continue;
        }
        for (uint32_t kx = 0; kx < c.kw; ++kx) {
          const int64_t ix = ix0 + int64_t(kx) * c.dil_w;
          if (ix < 0 || ix >= int64_t(c.in_w))
            std::memset(dst + kx * tap, pad, tap);
          else
            std::memcpy(dst + kx * tap, src + size_t(ix) * tap, tap);
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
