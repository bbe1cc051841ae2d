// Functional checks: streams built from command structs run on the default
// SoC, and their outputs equal a direct C++ computation, bit for bit.
#include <catch2/catch.hpp>

#include <algorithm>

#include "arch/command_codec.h"
#include "arch/mcu_op.h"
#include "kernels/requantize.h"
#include "tests/sim/conv_stream.h"
#include "tests/sim/sim_test_util.h"

using namespace kiln;
using namespace kiln::test;

namespace {

int8_t requantize_ref(int32_t acc, const ChannelParams& p, int32_t zp, int32_t lo, int32_t hi) {
  const int32_t v = kernels::multiply_by_quantized_multiplier(int32_t(uint32_t(acc) + uint32_t(p.bias)), p.mult, p.shift);
  return int8_t(std::clamp(v + zp, lo, hi));
}

std::vector<ChannelParams> some_params(uint32_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<ChannelParams> ps(n);
  for (uint32_t j = 0; j < n; ++j) {
    int32_t mult = 0;
    int shift = 0;
    kernels::quantize_multiplier(0.002 + 0.0005 * (rng() % 16), &mult, &shift);
    ps[j] = {int32_t(rng() % 2001) - 1000, mult, shift};
  }
  return ps;
}

}  // namespace

TEST_CASE("a single GEMM tile: load, gemm, post-process, store") {
  const SocConfig soc = default_soc();
  const uint32_t M = 13, N = 12, K = 37;
  const auto a = random_int8(size_t(M) * K, 1);
  const auto b = random_int8(size_t(K) * N, 2);
  const auto params = some_params(N, 3);
  const int32_t zp = -7, lo = -100, hi = 120;

  Program p;
  p.images.push_back(image("sram", kSram, bytes_of(a)));
  p.images.push_back(image("flash", 0x0, bytes_of(b)));
  p.images.push_back(image("flash", 0x2000, params_bytes(params)));
  p.commands.push_back(dma(Opcode::DmaLoad, 0, kSram, Buffer::Input, 0, M, K, K, K));
  p.commands.push_back(dma(Opcode::DmaLoad, 1, 0x0, Buffer::Weight, 0, K, N, N, N));
  p.commands.push_back(dma(Opcode::DmaLoad, 0, 0x2000, Buffer::Weight, 0x1000, 1, 12 * N, 0, 0, deps(0, 0, 0, 1)));
  GemmCmd g;
  g.m = M, g.n = N, g.k = K;
  g.a_addr = 0, g.a_stride = K;
  g.b_addr = 0, g.b_stride = N;
  g.c_addr = 0, g.c_stride = N;
  p.commands.push_back(make(Opcode::Gemm, g, deps(1, 0, 0, 0)));
  PostProcessCmd pp;
  pp.m = M, pp.n = N;
  pp.acc_addr = 0, pp.acc_stride = N;
  pp.params_addr = 0x1000;
  pp.out.buf = Buffer::Output, pp.out.offset = 0x40;
  pp.out_stride = N;
  pp.out_zero_point = zp, pp.act_min = lo, pp.act_max = hi;
  p.commands.push_back(make(Opcode::PostProcess, pp, deps(0, 0, 0, 1)));
  p.commands.push_back(dma(Opcode::DmaStore, 1, kSram + 0x4000, Buffer::Output, 0x40, M, N, N, N, deps(1, 0, 0, 0)));
  p.commands.push_back(end_cmd());
  validate_program(p, soc, "gemm");

  std::vector<uint8_t> expected(size_t(M) * N);
  for (uint32_t i = 0; i < M; ++i)
    for (uint32_t j = 0; j < N; ++j) {
      int32_t acc = 0;
      for (uint32_t k = 0; k < K; ++k) acc += int32_t(a[i * K + k]) * b[k * N + j];
      expected[i * N + j] = uint8_t(requantize_ref(acc, params[j], zp, lo, hi));
    }

  const RunReport r = run_in_child(soc, p, [&](const SimResult& s) { return s.read(kSram + 0x4000, M * N); });
  INFO(r.error);
  REQUIRE(r.ok);
  CHECK(r.output == expected);
  CHECK(r.total_cycles > 0);
}

TEST_CASE("a convolution split over double-buffered tiles, with padding") {
  const SocConfig soc = default_soc();
  const ConvProblem prob = ConvProblem::standard();
  const Program p = conv_stream(prob, 2);
  validate_program(p, soc, "conv");
  const RunReport r =
      run_in_child(soc, p, [&](const SimResult& s) { return s.read(prob.out_addr, prob.out_bytes()); });
  INFO(r.error);
  REQUIRE(r.ok);
  CHECK(r.output == prob.expected());
}

TEST_CASE("a depthwise conv reads compact taps and multiplies by their block-diagonal expansion") {
  const SocConfig soc = default_soc();
  const uint32_t H = 5, W = 6, C = 12, KH = 3, KW = 3;
  const auto input = random_int8(size_t(H) * W * C, 31);
  const auto taps = random_int8(size_t(KH) * KW * C, 32);  // row (ky*kw + kx) of C channels
  const auto params = some_params(C, 33);
  const int32_t zp = 3;
  const int8_t pad = -5;

  Program p;
  p.images.push_back(image("sram", kSram, bytes_of(input)));
  p.images.push_back(image("flash", 0x0, bytes_of(taps)));
  p.images.push_back(image("flash", 0x2000, params_bytes(params)));
  p.commands.push_back(dma(Opcode::DmaLoad, 0, kSram, Buffer::Input, 0, 1, H * W * C, 0, 0));
  p.commands.push_back(dma(Opcode::DmaLoad, 1, 0x0, Buffer::Weight, 0, 1, KH * KW * C, 0, 0));
  p.commands.push_back(dma(Opcode::DmaLoad, 0, 0x2000, Buffer::Weight, 0x1000, 1, 12 * C, 0, 0, deps(0, 0, 0, 1)));
  ConvCmd v;
  v.in_h = H, v.in_w = W, v.in_c = C, v.out_h = H, v.out_w = W, v.n = C;
  v.kh = KH, v.kw = KW, v.pad_top = v.pad_left = 1, v.pad_value = pad;
  v.b_addr = 0, v.b_stride = C, v.c_addr = 0, v.c_stride = C;
  v.dataflow = Dataflow::OutputStationary;
  v.depthwise = true;
  p.commands.push_back(make(Opcode::Conv, v, deps(1, 0, 0, 0)));
  PostProcessCmd pp;
  pp.m = H * W, pp.n = C;
  pp.acc_addr = 0, pp.acc_stride = C;
  pp.params_addr = 0x1000;
  pp.out.buf = Buffer::Output, pp.out.offset = 0;
  pp.out_stride = C;
  pp.out_zero_point = zp;
  p.commands.push_back(make(Opcode::PostProcess, pp, deps(0, 0, 0, 1)));
  p.commands.push_back(dma(Opcode::DmaStore, 1, kSram + 0x4000, Buffer::Output, 0, 1, H * W * C, 0, 0, deps(1, 0, 0, 0)));
  p.commands.push_back(end_cmd());
  validate_program(p, soc, "depthwise");

  // Channel j of output pixel (y, x) sums its own channel's taps only.
  std::vector<uint8_t> expected(size_t(H) * W * C);
  for (int y = 0; y < int(H); ++y)
    for (int x = 0; x < int(W); ++x)
      for (uint32_t j = 0; j < C; ++j) {
        int32_t acc = 0;
        for (int ky = 0; ky < int(KH); ++ky)
          for (int kx = 0; kx < int(KW); ++kx) {
            const int iy = y + ky - 1, ix = x + kx - 1;
            const int32_t in = (iy < 0 || iy >= int(H) || ix < 0 || ix >= int(W))
                                   ? pad
                                   : input[(size_t(iy) * W + size_t(ix)) * C + j];
            acc += in * taps[(size_t(ky) * KW + size_t(kx)) * C + j];
          }
        expected[(size_t(y) * W + size_t(x)) * C + j] = uint8_t(requantize_ref(acc, params[j], zp, -128, 127));
      }
  const RunReport r = run_in_child(soc, p, [&](const SimResult& s) { return s.read(kSram + 0x4000, H * W * C); });
  INFO(r.error);
  REQUIRE(r.ok);
  CHECK(r.output == expected);
}

TEST_CASE("the NPU and the MCU together: gemm, MCU average pool, NPU copy") {
  const SocConfig soc = default_soc();
  // NPU: a 4x4x8 feature map (16 pixels x 8 channels) = A(16x24) * B(24x8), requantized.
  const uint32_t M = 16, N = 8, K = 24;
  const auto a = random_int8(size_t(M) * K, 11);
  const auto b = random_int8(size_t(K) * N, 12);
  const auto params = some_params(N, 13);
  const uint64_t x = kSram + 0x1000, y = kSram + 0x2000, z = kSram + 0x3000;
  Program p;
  p.images.push_back(image("sram", kSram, bytes_of(a)));
  p.images.push_back(image("flash", 0x0, bytes_of(b)));
  p.images.push_back(image("flash", 0x400, params_bytes(params)));
  p.commands.push_back(dma(Opcode::DmaLoad, 0, kSram, Buffer::Input, 0, 1, M * K, 0, 0));
  p.commands.push_back(dma(Opcode::DmaLoad, 0, 0x0, Buffer::Weight, 0, 1, K * N, 0, 0));
  p.commands.push_back(dma(Opcode::DmaLoad, 0, 0x400, Buffer::Weight, 0x800, 1, 12 * N, 0, 0, deps(0, 0, 0, 1)));
  GemmCmd g;
  g.m = M, g.n = N, g.k = K, g.a_stride = K, g.b_stride = N, g.c_stride = N;
  p.commands.push_back(make(Opcode::Gemm, g, deps(1, 0, 0, 0)));
  PostProcessCmd pp;
  pp.m = M, pp.n = N, pp.acc_stride = N, pp.params_addr = 0x800, pp.out.buf = Buffer::Output, pp.out_stride = N;
  pp.out_zero_point = 3;
  p.commands.push_back(make(Opcode::PostProcess, pp, deps(0, 0, 0, 1)));
  p.commands.push_back(dma(Opcode::DmaStore, 1, x, Buffer::Output, 0, 1, M * N, 0, 0, deps(1, 0, 0, 0)));
  // MCU: 2x2 average pool, stride 2, over the 4x4x8 map.
  McuOpCmd pool;
  pool.kernel = find_mcu_kernel("avg_pool")->id;
  pool.args = {uint32_t(x), uint32_t(y), 4, 4, 8, 2, 2, 2, 2, 2, 2, 0, 0, uint32_t(-128), 127};
  p.commands.push_back(make(Opcode::McuOp, pool));
  // NPU again: copy the pooled map through the Input scratchpad.
  p.commands.push_back(dma(Opcode::DmaLoad, 0, y, Buffer::Input, 0x100, 1, 32, 0, 0, deps(0, 0, 0, 1)));
  GemmCmd none;  // the store waits for the compute queue: pass the token through a 1x1x1 gemm
  none.m = none.n = none.k = 1, none.a_addr = 0x100, none.a_stride = 1, none.b_stride = 1, none.c_addr = 0x400;
  none.c_stride = 1;
  p.commands.push_back(make(Opcode::Gemm, none, deps(1, 0, 0, 1)));
  p.commands.push_back(dma(Opcode::DmaStore, 1, z, Buffer::Input, 0x100, 1, 32, 0, 0, deps(1, 0, 0, 0)));
  p.commands.push_back(end_cmd());
  validate_program(p, soc, "mixed");

  std::vector<int8_t> fmap(size_t(M) * N);
  for (uint32_t i = 0; i < M; ++i)
    for (uint32_t j = 0; j < N; ++j) {
      int32_t acc = 0;
      for (uint32_t k = 0; k < K; ++k) acc += int32_t(a[i * K + k]) * b[k * N + j];
      fmap[i * N + j] = requantize_ref(acc, params[j], 3, -128, 127);
    }
  std::vector<uint8_t> expected;
  for (int oy = 0; oy < 2; ++oy)
    for (int ox = 0; ox < 2; ++ox)
      for (int c = 0; c < 8; ++c) {
        int sum = 0;
        for (int dy = 0; dy < 2; ++dy)
          for (int dx = 0; dx < 2; ++dx) sum += fmap[((2 * oy + dy) * 4 + 2 * ox + dx) * 8 + c];
        const int avg = sum > 0 ? (sum + 2) / 4 : (sum - 2) / 4;
        expected.push_back(uint8_t(int8_t(avg)));
      }
  const RunReport r = run_in_child(soc, p, [&](const SimResult& s) { return s.read(z, 32); });
  INFO(r.error);
  REQUIRE(r.ok);
  CHECK(r.output == expected);
  // The MCU op ran after the first NPU run and before the second.
  const Profile prof = profile_from_json(r.profile_json, "profile");
  const ProfileEvent* store1 = prof.event_of(5);
  const ProfileEvent* mcu = prof.event_of(6);
  const ProfileEvent* load2 = prof.event_of(7);
  REQUIRE(store1);
  REQUIRE(mcu);
  REQUIRE(load2);
  CHECK(mcu->unit == "mcu");
  CHECK(mcu->name == "avg_pool");
  CHECK(mcu->start_ps >= store1->end_ps);
  CHECK(load2->start_ps >= mcu->end_ps);
}
