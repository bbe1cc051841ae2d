// The hand-written .kasm streams of tests/data/streams, assembled and
// simulated; outputs equal a direct C++ computation from the streams' own
// images, bit for bit.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>

#include "arch/command_codec.h"
#include "arch/command_text.h"
#include "kernels/requantize.h"
#include "tests/sim/sim_test_util.h"

using namespace kiln;
using namespace kiln::test;

namespace {

// Bytes at an absolute address, from the program's images.
std::vector<uint8_t> image_bytes(const Program& p, uint64_t addr, uint64_t len) {
  for (const auto& img : p.images)
    if (addr >= img.addr && addr + len <= img.addr + img.bytes.size())
      return std::vector<uint8_t>(img.bytes.begin() + long(addr - img.addr), img.bytes.begin() + long(addr - img.addr + len));
  FAIL("no image holds the range");
  return {};
}

std::vector<int8_t> int8_at(const Program& p, uint64_t addr, uint64_t n) {
  const auto b = image_bytes(p, addr, n);
  return std::vector<int8_t>(b.begin(), b.end());
}

std::vector<ChannelParams> params_at(const Program& p, uint64_t addr, uint32_t n) {
  const auto b = image_bytes(p, addr, 12 * uint64_t(n));
  std::vector<ChannelParams> out(n);
  std::memcpy(out.data(), b.data(), b.size());
  return out;
}

uint8_t finish(int32_t acc, const ChannelParams& c, int32_t zp, int32_t lo, int32_t hi) {
  const int32_t v = kernels::multiply_by_quantized_multiplier(acc + c.bias, c.mult, c.shift) + zp;
  return uint8_t(int8_t(std::clamp(v, lo, hi)));
}

}  // namespace

TEST_CASE("gemm_tile.kasm: one GEMM tile with post-processing") {
  const SocConfig soc = default_soc();
  const Program p = read_program_text_file(data_path("streams/gemm_tile.kasm"));
  validate_program(p, soc, "gemm_tile.kasm");
  const uint32_t M = 4, N = 8, K = 16;
  const auto a = int8_at(p, 0x20000000, M * K), b = int8_at(p, 0x0, K * N);
  const auto params = params_at(p, 0x200, N);
  std::vector<uint8_t> expected;
  for (uint32_t i = 0; i < M; ++i)
    for (uint32_t j = 0; j < N; ++j) {
      int32_t acc = 0;
      for (uint32_t k = 0; k < K; ++k) acc += a[i * K + k] * b[k * N + j];
      expected.push_back(finish(acc, params[j], -5, -5, 127));
    }
  const RunReport r = run_in_child(soc, p, [](const SimResult& s) { return s.read(0x20000100, 32); });
  INFO(r.error);
  REQUIRE(r.ok);
  CHECK(r.output == expected);
}

TEST_CASE("conv_double_buffer.kasm: a 3x3 convolution in four double-buffered tiles") {
  const SocConfig soc = default_soc();
  const Program p = read_program_text_file(data_path("streams/conv_double_buffer.kasm"));
  validate_program(p, soc, "conv_double_buffer.kasm");
  const int H = 8, W = 8, C = 4, N = 8;
  const auto in = int8_at(p, 0x20000000, H * W * C), w = int8_at(p, 0x0, 9 * C * N);
  const auto params = params_at(p, 0x200, N);
  std::vector<uint8_t> expected;
  for (int oy = 0; oy < H; ++oy)
    for (int ox = 0; ox < W; ++ox)
      for (int n = 0; n < N; ++n) {
        int32_t acc = 0;
        for (int ky = 0; ky < 3; ++ky)
          for (int kx = 0; kx < 3; ++kx)
            for (int c = 0; c < C; ++c) {
              const int iy = oy + ky - 1, ix = ox + kx - 1;
              const int32_t v = (iy < 0 || iy >= H || ix < 0 || ix >= W) ? -3 : in[(iy * W + ix) * C + c];
              acc += v * w[((ky * 3 + kx) * C + c) * N + n];
            }
        expected.push_back(finish(acc, params[n], -3, -3, 127));
      }
  const RunReport r = run_in_child(soc, p, [](const SimResult& s) { return s.read(0x20001000, 512); });
  INFO(r.error);
  REQUIRE(r.ok);
  CHECK(r.output == expected);
}

TEST_CASE("mcu_npu.kasm: an NPU GEMM tile, then MCU add and copy on its result") {
  const SocConfig soc = default_soc();
  const Program p = read_program_text_file(data_path("streams/mcu_npu.kasm"));
  validate_program(p, soc, "mcu_npu.kasm");
  // NPU: C[2][4] = A[2][8] x B[8][4] (output-stationary), bias + requantize, full int8 range.
  const uint32_t M = 2, N = 4, K = 8;
  const auto a = int8_at(p, 0x20000000, M * K), b = int8_at(p, 0x0, K * N);
  const auto params = params_at(p, 0x100, N);
  std::vector<int32_t> gemm_out;
  for (uint32_t i = 0; i < M; ++i)
    for (uint32_t j = 0; j < N; ++j) {
      int32_t acc = 0;
      for (uint32_t k = 0; k < K; ++k) acc += a[i * K + k] * b[k * N + j];
      gemm_out.push_back(int8_t(finish(acc, params[j], 0, -128, 127)));
    }
  // MCU: TFLite int8 ADD of the GEMM result and the image at 0x20000200, with
  // the stream's parameters, written out by hand; then a plain copy.
  const auto other = int8_at(p, 0x20000200, 8);
  std::vector<uint8_t> expected;
  for (size_t i = 0; i < 8; ++i) {
    const int32_t x1 = (gemm_out[i] - 0) * (1 << 20), x2 = (other[i] - 1) * (1 << 20);
    const int32_t s1 = kernels::multiply_by_quantized_multiplier(x1, 1073741824, -1);
    const int32_t s2 = kernels::multiply_by_quantized_multiplier(x2, 1073741824, -1);
    const int32_t v = kernels::multiply_by_quantized_multiplier(s1 + s2, 1518500250, -19) - 2;
    expected.push_back(uint8_t(int8_t(std::clamp(v, -128, 127))));
  }
  const RunReport r = run_in_child(soc, p, [](const SimResult& s) {
    auto out = s.read(0x20000400, 8);
    const auto added = s.read(0x20000300, 8);
    out.insert(out.end(), added.begin(), added.end());
    return out;
  });
  INFO(r.error);
  REQUIRE(r.ok);
  // The copy at 0x20000400 and the add's own output at 0x20000300 both hold the result.
  std::vector<uint8_t> twice(expected);
  twice.insert(twice.end(), expected.begin(), expected.end());
  CHECK(r.output == twice);
  // Not a trivial result: the inputs differ from the output.
  CHECK(std::vector<uint8_t>(r.output.begin(), r.output.begin() + 8) != image_bytes(p, 0x20000200, 8));
}
