// A 3x3 convolution (8x8x8 input, 16 output channels, padding 1, stride 1) as a
// stream of 4 tiles of 2 output rows, with `buffers` scratchpad buffers per
// operand: 2 double-buffers (load of tile t+1 overlaps compute of tile t), 1
// serializes the tiles through tokens. Outputs are identical either way.
#pragma once

#include <algorithm>

#include "kernels/requantize.h"
#include "tests/sim/sim_test_util.h"

namespace kiln::test {

struct ConvProblem {
  static constexpr uint32_t H = 8, W = 8, C = 8, N = 16, KH = 3, KW = 3, TILE_ROWS = 2;
  static constexpr uint64_t in_addr = 0x20000000, out_addr = 0x20008000;
  static constexpr uint64_t w_addr = 0x0, params_addr = 0x1000;
  int8_t pad_value = -3;
  int32_t zp = 5;
  std::vector<int8_t> input, weights;  // NHWC; (ky, kx, c) x N
  std::vector<ChannelParams> params;

  static ConvProblem standard() {
    ConvProblem p;
    p.input = random_int8(size_t(H) * W * C, 21);
    p.weights = random_int8(size_t(KH) * KW * C * N, 22);
    std::mt19937 rng(23);
    for (uint32_t j = 0; j < N; ++j) {
      int32_t mult = 0;
      int shift = 0;
      kernels::quantize_multiplier(0.001 + 0.0003 * (rng() % 10), &mult, &shift);
      p.params.push_back({int32_t(rng() % 801) - 400, mult, shift});
    }
    return p;
  }
  uint64_t out_bytes() const { return uint64_t(H) * W * N; }

  std::vector<uint8_t> expected() const {
    std::vector<uint8_t> out(out_bytes());
    for (int oy = 0; oy < int(H); ++oy)
      for (int ox = 0; ox < int(W); ++ox)
        for (uint32_t n = 0; n < N; ++n) {
          int32_t acc = 0;
          for (int ky = 0; ky < int(KH); ++ky)
            for (int kx = 0; kx < int(KW); ++kx)
              for (uint32_t c = 0; c < C; ++c) {
                const int iy = oy + ky - 1, ix = ox + kx - 1;
                const int32_t v = (iy < 0 || iy >= int(H) || ix < 0 || ix >= int(W))
                                      ? pad_value
                                      : input[(size_t(iy) * W + size_t(ix)) * C + c];
                acc += v * weights[((size_t(ky) * KW + size_t(kx)) * C + c) * N + n];
              }
          const ChannelParams& p = params[n];
          const int32_t q = kernels::multiply_by_quantized_multiplier(acc + p.bias, p.mult, p.shift) + zp;
          out[(size_t(oy) * W + size_t(ox)) * N + n] = uint8_t(int8_t(std::clamp(q, -128, 127)));
        }
    return out;
  }
};

inline Program conv_stream(const ConvProblem& prob, uint32_t buffers) {
  using P = ConvProblem;
  const uint32_t tiles = P::H / P::TILE_ROWS;
  const uint32_t K = P::KH * P::KW * P::C;
  Program p;
  p.images.push_back(image("sram", P::in_addr, bytes_of(prob.input)));
  p.images.push_back(image("flash", P::w_addr, bytes_of(prob.weights)));
  p.images.push_back(image("flash", P::params_addr, params_bytes(prob.params)));
  p.commands.push_back(dma(Opcode::DmaLoad, 0, P::w_addr, Buffer::Weight, 0, 1, K * P::N, 0, 0));
  p.commands.push_back(dma(Opcode::DmaLoad, 0, P::params_addr, Buffer::Weight, 0x1000, 1, 12 * P::N, 0, 0));
  for (uint32_t t = 0; t < tiles; ++t) {
    const uint32_t buf = t % buffers;
    const int oy0 = int(t * P::TILE_ROWS);
    const int r0 = std::max(0, oy0 - 1), r1 = std::min(int(P::H) - 1, oy0 + int(P::TILE_ROWS));
    const uint32_t in_spm = buf * 0x8000, acc_spm = buf * 0x1000, out_spm = buf * 0x2000;
    const bool reuse = t >= buffers;          // this tile's buffers held an earlier tile
    const bool freed = t + buffers < tiles;   // a later tile reuses them
    p.commands.push_back(dma(Opcode::DmaLoad, 0, P::in_addr + uint64_t(r0) * P::W * P::C, Buffer::Input, in_spm,
                             uint32_t(r1 - r0 + 1), P::W * P::C, P::W * P::C, P::W * P::C, deps(0, reuse, 0, 1)));
    ConvCmd c;
    c.in_h = uint32_t(r1 - r0 + 1), c.in_w = P::W, c.in_c = P::C;
    c.out_h = P::TILE_ROWS, c.out_w = P::W, c.n = P::N;
    c.kh = P::KH, c.kw = P::KW;
    c.pad_top = uint8_t(r0 - oy0 + 1), c.pad_left = 1;
    c.pad_value = prob.pad_value;
    c.in_addr = in_spm;
    c.b_addr = 0, c.b_stride = P::N;
    c.c_addr = acc_spm, c.c_stride = P::N;
    p.commands.push_back(make(Opcode::Conv, c, deps(1, reuse, 0, 0)));
    PostProcessCmd pp;
    pp.m = P::TILE_ROWS * P::W, pp.n = P::N;
    pp.acc_addr = acc_spm, pp.acc_stride = P::N;
    pp.params_addr = 0x1000;
    pp.out.buf = Buffer::Output, pp.out.offset = out_spm, pp.out_stride = P::N;
    pp.out_zero_point = prob.zp;
    p.commands.push_back(make(Opcode::PostProcess, pp, deps(0, 0, freed, 1)));
    const uint32_t tile_bytes = P::TILE_ROWS * P::W * P::N;
    p.commands.push_back(dma(Opcode::DmaStore, 1, P::out_addr + uint64_t(t) * tile_bytes, Buffer::Output, out_spm, 1,
                             tile_bytes, 0, 0, deps(1, 0, freed, 0)));
  }
  p.commands.push_back(end_cmd());
  return p;
}

}  // namespace kiln::test
