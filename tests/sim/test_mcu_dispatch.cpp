#include <catch2/catch.hpp>

#include <algorithm>

#include <cstring>
#include <random>
#include <set>
#include <string>

#include "arch/error.h"
#include "arch/mcu_op.h"
#include "kernels/add.h"
#include "kernels/avg_pool.h"
#include "kernels/concat2.h"
#include "kernels/conv2d.h"
#include "kernels/depthwise_conv2d.h"
#include "kernels/fully_connected.h"
#include "kernels/lut.h"
#include "kernels/max_pool.h"
#include "sim/mcu_dispatch.h"
#include "kernels/float_boundary.h"
#include "kernels/mcu_kernel_table.h"
#include "kernels/mean.h"
#include "kernels/mirror_pad.h"
#include "kernels/pad.h"
#include "kernels/prelu.h"
#include "kernels/resize_bilinear.h"
#include "kernels/resize_nearest.h"
#include "kernels/slice.h"
#include "kernels/transpose.h"
#include "kernels/maximum_minimum.h"
#include "kernels/mul.h"
#include "kernels/sub.h"
#include "kernels/requantize_tensor.h"
#include "kernels/softmax.h"
#include "kernels/squared_difference.h"
#include "tests/kernels/oracle.h"

using namespace kiln;
using kernels::McuKernel;

namespace {

// Byte-addressed memory backed by a map; reading an address never written is
// an error, so a kernel reading outside its operands is caught.
class MapMemory : public sim::MemoryPort {
 public:
  void read(uint64_t addr, void* dst, size_t len) override {
    auto* out = static_cast<uint8_t*>(dst);
    for (size_t i = 0; i < len; ++i) {
      auto it = bytes_.find(addr + i);
      if (it == bytes_.end()) throw std::runtime_error("read of unwritten address " + std::to_string(addr + i));
      out[i] = it->second;
    }
    ++reads;
  }
  void write(uint64_t addr, const void* src, size_t len) override {
    const auto* in = static_cast<const uint8_t*>(src);
    for (size_t i = 0; i < len; ++i) bytes_[addr + i] = in[i];
    ++writes;
  }
  template <typename T>
  void put(uint64_t addr, const std::vector<T>& v) {
    // Little-endian, as the SoC.
    for (size_t i = 0; i < v.size(); ++i)
      for (size_t b = 0; b < sizeof(T); ++b)
        bytes_[addr + i * sizeof(T) + b] = uint8_t(uint64_t(std::make_unsigned_t<T>(v[i])) >> (8 * b));
  }
  std::vector<int8_t> get(uint64_t addr, size_t n) {
    std::vector<int8_t> v(n);
    read(addr, v.data(), n);
    return v;
  }
  int reads = 0, writes = 0;

 private:
  std::map<uint64_t, uint8_t> bytes_;
};

uint32_t u(int32_t v) { return static_cast<uint32_t>(v); }

McuOpCmd cmd(const std::string& kernel, std::vector<uint32_t> args) {
  McuOpCmd c;
  c.kernel = find_mcu_kernel(kernel)->id;
  c.args = std::move(args);
  REQUIRE(find_mcu_kernel(c.kernel)->args.size() == c.args.size());
  return c;
}

constexpr uint64_t kIn = 0x20000000, kIn2 = 0x20004000, kW = 0x00010000, kBias = 0x00020000, kMult = 0x00021000,
                   kShift = 0x00022000, kOut = 0x20008000;

}  // namespace

TEST_CASE("mcu_dispatch: conv2d through memory equals the direct kernel, with its plan ranges and MACs", "[sim]") {
  std::mt19937 rng(41);
  kernels::Conv2dParams p;
  p.in_h = 7, p.in_w = 6, p.in_c = 3, p.out_h = 3, p.out_w = 3, p.out_c = 4, p.kh = 3, p.kw = 2;
  p.stride_h = 2, p.stride_w = 2, p.dil_h = 1, p.dil_w = 2, p.pad_top = 1, p.pad_left = 0;
  p.in_zp = -5, p.out_zp = 3, p.act_min = -100, p.act_max = 100;
  const auto in = test::random_i8(rng, 7 * 6 * 3), w = test::random_i8(rng, 4 * 3 * 2 * 3);
  const auto bias = test::random_i32(rng, 4, -1000, 1000), mult = test::random_i32(rng, 4, 1 << 30, INT32_MAX);
  const auto shift = test::random_i32(rng, 4, -9, -6);
  std::vector<int8_t> direct(3 * 3 * 4);
  kernels::conv2d(p, in.data(), w.data(), bias.data(), mult.data(), shift.data(), direct.data());

  MapMemory mem;
  mem.put(kIn, in), mem.put(kW, w), mem.put(kBias, bias), mem.put(kMult, mult), mem.put(kShift, shift);
  const McuOpCmd c = cmd("conv2d", {u(kIn), u(kW), u(kBias), u(kMult), u(kShift), u(kOut), 7, 6, 3, 3, 3, 4,
                                             3, 2, 2, 2, 1, 2, 1, 0, u(-5), 3, u(-100), 100});
  sim::run_mcu_op(c, mem);
  CHECK(mem.get(kOut, direct.size()) == direct);

  const sim::McuOpPlan plan = sim::plan_mcu_op(c);
  CHECK(plan.kernel == "conv2d");
  REQUIRE(plan.reads.size() == 5);
  CHECK(plan.reads[0].addr == kIn);
  CHECK(plan.reads[0].bytes == 7 * 6 * 3);
  CHECK(plan.reads[1].addr == kW);
  CHECK(plan.reads[1].bytes == 4 * 3 * 2 * 3);
  CHECK(plan.reads[2].addr == kBias);
  CHECK(plan.reads[2].bytes == 16);
  CHECK(plan.reads[4].addr == kShift);
  REQUIRE(plan.writes.size() == 1);
  CHECK(plan.writes[0].addr == kOut);
  CHECK(plan.writes[0].bytes == 36);
  CHECK(plan.output_elements == 36);
  CHECK(plan.macs == 3u * 3 * 4 * (3 * 2 * 3));

  // Without bias: the bias range disappears and the result changes accordingly.
  McuOpCmd nb = c;
  nb.args[2] = kMcuNoAddress;
  kernels::conv2d(p, in.data(), w.data(), nullptr, mult.data(), shift.data(), direct.data());
  sim::run_mcu_op(nb, mem);
  CHECK(mem.get(kOut, direct.size()) == direct);
  CHECK(sim::plan_mcu_op(nb).reads.size() == 4);

  // conv2d_shallow (this shape has 3 input channels) computes the same bytes under its own name.
  sim::run_mcu_op(cmd("conv2d_shallow", nb.args), mem);
  CHECK(mem.get(kOut, direct.size()) == direct);
  CHECK(sim::plan_mcu_op(cmd("conv2d_shallow", c.args)).kernel == "conv2d_shallow");
}

TEST_CASE("mcu_dispatch: conv2d_1x1 equals the direct conv2d and refuses another shape", "[sim]") {
  std::mt19937 rng(47);
  kernels::Conv2dParams p;
  p.in_h = 4, p.in_w = 5, p.in_c = 8, p.out_h = 4, p.out_w = 5, p.out_c = 6;
  p.in_zp = 7, p.out_zp = -2, p.act_min = -128, p.act_max = 127;
  const auto in = test::random_i8(rng, 4 * 5 * 8), w = test::random_i8(rng, 6 * 8);
  const auto bias = test::random_i32(rng, 6, -1000, 1000), mult = test::random_i32(rng, 6, 1 << 30, INT32_MAX);
  const auto shift = test::random_i32(rng, 6, -9, -6);
  std::vector<int8_t> direct(4 * 5 * 6);
  kernels::conv2d(p, in.data(), w.data(), bias.data(), mult.data(), shift.data(), direct.data());
  MapMemory mem;
  mem.put(kIn, in), mem.put(kW, w), mem.put(kBias, bias), mem.put(kMult, mult), mem.put(kShift, shift);
  std::vector<uint32_t> args = {u(kIn), u(kW), u(kBias), u(kMult), u(kShift), u(kOut), 4, 5, 8, 4, 5, 6,
                                1,      1,     1,        1,        1,         1,       0, 0, 7, u(-2), u(-128), 127};
  sim::run_mcu_op(cmd("conv2d_1x1", args), mem);
  CHECK(mem.get(kOut, direct.size()) == direct);
  const sim::McuOpPlan plan = sim::plan_mcu_op(cmd("conv2d_1x1", args));
  CHECK(plan.kernel == "conv2d_1x1");
  CHECK(plan.macs == 4u * 5 * 6 * 8);
  args[14] = 2, args[15] = 2, args[9] = 2, args[10] = 3;  // stride 2: out 2x3, no longer pointwise
  CHECK_THROWS_WITH(sim::plan_mcu_op(cmd("conv2d_1x1", args)),
                    "mcu op conv2d_1x1: shape: in_c 8, kernel 1x1, stride 2x2, padding 0,0 is conv2d's, not conv2d_1x1's");
  CHECK_NOTHROW(sim::plan_mcu_op(cmd("conv2d", args)));
}

TEST_CASE("mcu_dispatch: depthwise, fully connected and add equal the direct kernels", "[sim]") {
  std::mt19937 rng(43);
  MapMemory mem;
  {
    kernels::DepthwiseConv2dParams p;
    p.in_h = 5, p.in_w = 5, p.in_c = 2, p.out_h = 3, p.out_w = 3, p.depth_mult = 2, p.kh = p.kw = 3;
    p.stride_h = p.stride_w = 2, p.pad_top = p.pad_left = 1, p.in_zp = 4, p.out_zp = -2;
    const auto in = test::random_i8(rng, 50), w = test::random_i8(rng, 36);
    const auto bias = test::random_i32(rng, 4, -500, 500), mult = test::random_i32(rng, 4, 1 << 30, INT32_MAX);
    const std::vector<int32_t> shift(4, -7);
    std::vector<int8_t> direct(36);
    kernels::depthwise_conv2d(p, in.data(), w.data(), bias.data(), mult.data(), shift.data(), direct.data());
    mem.put(kIn, in), mem.put(kW, w), mem.put(kBias, bias), mem.put(kMult, mult), mem.put(kShift, shift);
    const McuOpCmd c = cmd("depthwise_conv2d", {u(kIn), u(kW), u(kBias), u(kMult), u(kShift), u(kOut), 5, 5,
                                                        2, 3, 3, 2, 3, 3, 2, 2, 1, 1, 1, 1, 4, u(-2), u(-128), 127});
    sim::run_mcu_op(c, mem);
    CHECK(mem.get(kOut, 36) == direct);
    const auto plan = sim::plan_mcu_op(c);
    CHECK(plan.reads[1].bytes == 36);
    CHECK(plan.macs == 3u * 3 * 4 * 9);
  }
  {
    kernels::FullyConnectedParams p;
    p.batches = 2, p.in_features = 9, p.out_features = 5, p.in_zp = -1, p.out_zp = 6;
    const auto in = test::random_i8(rng, 18), w = test::random_i8(rng, 45);
    const auto bias = test::random_i32(rng, 5, -500, 500), mult = test::random_i32(rng, 5, 1 << 30, INT32_MAX);
    const std::vector<int32_t> shift(5, -8);
    std::vector<int8_t> direct(10);
    kernels::fully_connected(p, in.data(), w.data(), bias.data(), mult.data(), shift.data(), direct.data());
    mem.put(kIn, in), mem.put(kW, w), mem.put(kBias, bias), mem.put(kMult, mult), mem.put(kShift, shift);
    const McuOpCmd c = cmd("fully_connected",
                           {u(kIn), u(kW), u(kBias), u(kMult), u(kShift), u(kOut), 2, 9, 5, u(-1), 6, u(-128), 127});
    sim::run_mcu_op(c, mem);
    CHECK(mem.get(kOut, 10) == direct);
    CHECK(sim::plan_mcu_op(c).macs == 2u * 9 * 5);
  }
  {
    kernels::AddParams p;
    p.count = 33, p.in1_zp = 3, p.in2_zp = -4, p.out_zp = 1, p.left_shift = 20;
    p.in1_mult = 1 << 30, p.in1_shift = 0, p.in2_mult = 1431655765, p.in2_shift = -1;
    p.out_mult = 1 << 30, p.out_shift = -18, p.act_min = -20, p.act_max = 90;
    const auto a = test::random_i8(rng, 33), b = test::random_i8(rng, 33);
    std::vector<int8_t> direct(33);
    kernels::add(p, a.data(), b.data(), direct.data());
    mem.put(kIn, a), mem.put(kIn2, b);
    const McuOpCmd c = cmd("add", {u(kIn), u(kIn2), u(kOut), 33, 3, u(-4), 1, 20, 1u << 30, 0, 1431655765,
                                            u(-1), 1u << 30, u(-18), u(-20), 90});
    sim::run_mcu_op(c, mem);
    CHECK(mem.get(kOut, 33) == direct);
    const auto plan = sim::plan_mcu_op(c);
    CHECK(plan.reads.size() == 2);
    CHECK(plan.reads[1].addr == kIn2);
    CHECK(plan.output_elements == 33);
    CHECK(plan.macs == 0);
  }
}

TEST_CASE("mcu_dispatch: pooling, mean, softmax equal the direct kernels", "[sim]") {
  std::mt19937 rng(47);
  MapMemory mem;
  const auto in = test::random_i8(rng, 6 * 6 * 3);
  mem.put(kIn, in);
  kernels::PoolParams pp;
  pp.in_h = pp.in_w = 6, pp.c = 3, pp.out_h = pp.out_w = 3, pp.kh = pp.kw = 3, pp.stride_h = pp.stride_w = 2;
  pp.pad_top = pp.pad_left = 1, pp.act_min = -50, pp.act_max = 50;
  std::vector<int8_t> direct(27);
  const std::vector<uint32_t> pool_args = {u(kIn), u(kOut), 6, 6, 3, 3, 3, 3, 3, 2, 2, 1, 1, u(-50), 50};
  kernels::avg_pool(pp, in.data(), direct.data());
  sim::run_mcu_op(cmd("avg_pool", pool_args), mem);
  CHECK(mem.get(kOut, 27) == direct);
  kernels::max_pool(pp, in.data(), direct.data());
  sim::run_mcu_op(cmd("max_pool", pool_args), mem);
  CHECK(mem.get(kOut, 27) == direct);
  const auto plan = sim::plan_mcu_op(cmd("max_pool", pool_args));
  CHECK(plan.kernel == "max_pool");
  CHECK(plan.macs == 27u * 9);

  kernels::MeanParams mp;
  mp.h = 6, mp.w = 6, mp.c = 3, mp.in_zp = 2, mp.out_zp = -3, mp.mult = 1518500250, mp.shift = 0;
  kernels::mean(mp, in.data(), direct.data());
  const McuOpCmd mc = cmd("mean", {u(kIn), u(kOut), 6, 6, 3, 2, u(-3), 1518500250, 0});
  sim::run_mcu_op(mc, mem);
  CHECK(mem.get(kOut, 3) == std::vector<int8_t>(direct.begin(), direct.begin() + 3));
  CHECK(sim::plan_mcu_op(mc).macs == 108);
  CHECK(sim::plan_mcu_op(mc).output_elements == 3);

  const auto sp = kernels::make_softmax_params(1.0, 0.07, 9, 12);
  direct.assign(108, 0);
  kernels::softmax(sp, in.data(), direct.data());
  sim::run_mcu_op(cmd("softmax", {u(kIn), u(kOut), 9, 12, u(sp.beta_mult), u(sp.beta_shift),
                                               u(sp.diff_min)}),
                      mem);
  CHECK(mem.get(kOut, 108) == direct);
}

TEST_CASE("mcu_dispatch: pad, concat2, requantize, transpose, slice, resize_nearest, copy equal the direct kernels", "[sim]") {
  std::mt19937 rng(53);
  MapMemory mem;
  const auto a = test::random_i8(rng, 24), b = test::random_i8(rng, 16);
  mem.put(kIn, a), mem.put(kIn2, b);

  kernels::PadParams pp;
  pp.in_h = 2, pp.in_w = 3, pp.c = 4, pp.pad_top = 1, pp.pad_bottom = 2, pp.pad_left = 0, pp.pad_right = 1;
  pp.pad_value = -9;
  std::vector<int8_t> direct(5 * 4 * 4);
  kernels::pad(pp, a.data(), direct.data());
  sim::run_mcu_op(cmd("pad", {u(kIn), u(kOut), 2, 3, 4, 1, 2, 0, 1, u(-9)}), mem);
  CHECK(mem.get(kOut, 80) == direct);

  kernels::Concat2Params cp;
  cp.outer = 4, cp.in1_inner = 6, cp.in2_inner = 4;
  direct.assign(40, 0);
  kernels::concat2(cp, a.data(), b.data(), direct.data());
  const McuOpCmd cc = cmd("concat2", {u(kIn), u(kIn2), u(kOut), 4, 6, 4});
  sim::run_mcu_op(cc, mem);
  CHECK(mem.get(kOut, 40) == direct);
  CHECK(sim::plan_mcu_op(cc).reads[1].bytes == 16);

  kernels::RequantizeParams rp;
  rp.count = 24, rp.in_zp = 5, rp.out_zp = -7, rp.mult = 1288490189, rp.shift = 1, rp.act_min = -7;
  direct.assign(24, 0);
  kernels::requantize(rp, a.data(), direct.data());
  sim::run_mcu_op(cmd("requantize", {u(kIn), u(kOut), 24, 5, u(-7), 1288490189, 1, u(-7), 127}), mem);
  CHECK(mem.get(kOut, 24) == direct);

  // transpose: the 24 bytes as [2, 3, 4] to [4, 2, 3] (rank 3: three leading dimensions of 1).
  const int32_t shape[] = {2, 3, 4}, perm[] = {2, 0, 1};
  direct.assign(24, 0);
  kernels::transpose(kernels::transpose_params(shape, perm, 3), a.data(), direct.data());
  sim::run_mcu_op(cmd("transpose", {u(kIn), u(kOut), 1, 1, 1, 2, 3, 4, 0, 1, 2, 5, 3, 4}), mem);
  CHECK(mem.get(kOut, 24) == direct);
  CHECK(direct[1] == a[4]);  // out(0, 0, 1) = in(0, 1, 0)

  // slice: of [4, 6] (the 24 bytes), rows 3, 1 (step -2) and columns 0, 2, 4 (step 2).
  const int32_t rows_cols[] = {4, 6}, first[] = {3, 0}, step[] = {-2, 2}, count[] = {2, 3};
  direct.assign(6, 0);
  kernels::slice(kernels::slice_params(rows_cols, first, step, count, 2), a.data(), direct.data());
  sim::run_mcu_op(cmd("slice", {u(kIn), u(kOut), 1, 1, 1, 1, 4, 6, 0, 0, 0, 0, 3, 0, 1, 1, 1, 1, u(-2), 2, 1, 1,
                                         1, 1, 2, 3}),
                  mem);
  CHECK(mem.get(kOut, 6) == direct);
  CHECK(direct == std::vector<int8_t>{a[18], a[20], a[22], a[6], a[8], a[10]});

  // resize_nearest: the 24 bytes as a 3x4 image of 2 channels, to 2x6 with align_corners.
  kernels::ResizeNearestParams rz;
  rz.in_h = 3, rz.in_w = 4, rz.c = 2, rz.out_h = 2, rz.out_w = 6, rz.align_corners = 1;
  direct.assign(24, 0);
  kernels::resize_nearest(rz, a.data(), direct.data());
  sim::run_mcu_op(cmd("resize_nearest", {u(kIn), u(kOut), 3, 4, 2, 2, 6, 1, 0}), mem);
  CHECK(mem.get(kOut, 24) == direct);
  CHECK(direct[23] == a[23]);  // the corner pixel stays the corner

  // prelu: the 24 bytes with a per-channel slope of 3 from b.
  kernels::PreluParams pr;
  pr.count = 24, pr.alpha_count = 3, pr.in_zp = -3, pr.alpha_zp = 5, pr.out_zp = 2;
  kernels::prelu_rescales(0.1, 0.01, 0.08, &pr);
  direct.assign(24, 0);
  kernels::prelu(pr, a.data(), b.data(), direct.data());
  sim::run_mcu_op(cmd("prelu", {u(kIn), u(kIn2), u(kOut), 24, 3, u(-3), 5, 2, u(pr.mult_identity),
                                         u(pr.shift_identity), u(pr.mult_alpha), u(pr.shift_alpha)}),
                  mem);
  CHECK(mem.get(kOut, 24) == direct);

  // squared_difference: the 24 bytes against 3 of b repeated per channel, two scales.
  kernels::SquaredDifferenceParams sd;
  sd.count = 24, sd.in1_count = 24, sd.in2_count = 3, sd.in1_zp = 3, sd.in2_zp = -4, sd.out_zp = -120;
  kernels::squared_difference_rescales(0.05, 0.08, 0.3, &sd);
  direct.assign(24, 0);
  kernels::squared_difference(sd, a.data(), b.data(), direct.data());
  sim::run_mcu_op(cmd("squared_difference",
                      {u(kIn), u(kIn2), u(kOut), 24, 24, 3, 3, u(-4), u(-120), 7, u(sd.in1_mult), u(sd.in1_shift),
                       u(sd.in2_mult), u(sd.in2_shift), u(sd.out_mult), u(sd.out_shift)}),
                  mem);
  CHECK(mem.get(kOut, 24) == direct);

  // resize_bilinear: the 24 bytes as two 3x2 images of 2 channels, to 4x5 with half_pixel_centers.
  kernels::ResizeBilinearParams rb;
  rb.batches = 2, rb.in_h = 3, rb.in_w = 2, rb.c = 2, rb.out_h = 4, rb.out_w = 5, rb.half_pixel_centers = 1;
  direct.assign(2 * 4 * 5 * 2, 0);
  kernels::resize_bilinear(rb, a.data(), direct.data());
  sim::run_mcu_op(cmd("resize_bilinear", {u(kIn), u(kOut), 2, 3, 2, 2, 4, 5, 0, 1}), mem);
  CHECK(mem.get(kOut, 80) == direct);

  // mirror_pad: the 24 bytes as [4, 6], rows by 1 before and 2 after, columns by 3 after (SYMMETRIC).
  const int32_t mp_shape[] = {4, 6}, mp_before[] = {1, 0}, mp_after[] = {2, 3};
  direct.assign(7 * 9, 0);
  kernels::mirror_pad(kernels::mirror_pad_params(mp_shape, mp_before, mp_after, 2, true), a.data(), direct.data());
  sim::run_mcu_op(cmd("mirror_pad", {u(kIn), u(kOut), 1, 1, 1, 1, 4, 6, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 2, 3, 1}),
                  mem);
  CHECK(mem.get(kOut, 63) == direct);
  CHECK(direct[0] == a[0]);       // the first row repeated above it
  CHECK(direct[9 + 8] == a[3]);  // row 0, the fourth column after the edge mirrors column 3

  const McuOpCmd copy = cmd("copy", {u(kIn2), u(kOut + 100), 16});
  sim::run_mcu_op(copy, mem);
  CHECK(mem.get(kOut + 100, 16) == b);
  const auto plan = sim::plan_mcu_op(copy);
  CHECK(plan.reads[0].addr == kIn2);
  CHECK(plan.writes[0].addr == kOut + 100);
  CHECK(plan.output_elements == 16);
}

TEST_CASE("mcu_dispatch: quantize and dequantize move float32 through memory as the direct kernels", "[sim]") {
  MapMemory mem;
  // Little-endian binary32 in memory: 24 floats across the int8 range and beyond it.
  std::vector<int8_t> floats(96);
  for (int i = 0; i < 24; ++i) {
    const float x = 0.37f * float(i - 12) * (i % 3 == 0 ? 40.0f : 1.0f);
    const uint32_t b = uint32_t(kernels::float_bits(x));
    for (int k = 0; k < 4; ++k) floats[size_t(4 * i + k)] = int8_t(uint8_t(b >> (8 * k)));
  }
  mem.put(kIn, floats);
  kernels::QuantizeParams qp;
  qp.count = 24, qp.out_zp = -3, qp.scale_bits = kernels::float_bits(0.05f);
  std::vector<int8_t> direct(24);
  kernels::quantize(qp, reinterpret_cast<const uint8_t*>(floats.data()), direct.data());
  sim::run_mcu_op(cmd("quantize", {u(kIn), u(kOut), 24, u(-3), u(qp.scale_bits), 0}), mem);
  CHECK(mem.get(kOut, 24) == direct);
  // Rounding half to even (ONNX): the rounding argument reaches the kernel.
  kernels::QuantizeParams even = qp;
  even.rounding = kernels::kRoundHalfToEven;
  std::vector<int8_t> direct_even(24);
  kernels::quantize(even, reinterpret_cast<const uint8_t*>(floats.data()), direct_even.data());
  sim::run_mcu_op(cmd("quantize", {u(kIn), u(kOut), 24, u(-3), u(qp.scale_bits), 1}), mem);
  CHECK(mem.get(kOut, 24) == direct_even);
  CHECK(std::count(direct.begin(), direct.end(), int8_t(127)) > 0);  // saturated
  CHECK(std::count(direct.begin(), direct.end(), int8_t(-128)) > 0);

  kernels::DequantizeParams dp;
  dp.count = 24, dp.in_zp = 5, dp.scale_bits = kernels::float_bits(0.05f);
  std::vector<int8_t> back(96);
  kernels::dequantize(dp, direct.data(), reinterpret_cast<uint8_t*>(back.data()));
  const McuOpCmd dq = cmd("dequantize", {u(kOut), u(kIn2), 24, 5, u(dp.scale_bits)});
  sim::run_mcu_op(dq, mem);
  CHECK(mem.get(kIn2, 96) == back);
  CHECK(sim::plan_mcu_op(dq).writes[0].bytes == 96);  // 4 bytes per float
}

TEST_CASE("mcu_dispatch: lut reads its 256-entry table from memory and indexes it by the input's byte", "[sim]") {
  MapMemory mem;
  std::vector<int8_t> table(256), in(24);
  for (int e = 0; e < 256; ++e) table[size_t(e)] = int8_t(e * 7 + 3);
  for (int i = 0; i < 24; ++i) in[size_t(i)] = int8_t(i * 11 - 128);
  mem.put(kIn, in);
  mem.put(kIn2, table);
  kernels::LutParams p;
  p.count = 24;
  std::vector<int8_t> direct(24);
  kernels::lut(p, in.data(), table.data(), direct.data());
  const McuOpCmd c = cmd("lut", {u(kIn), u(kIn2), u(kOut), 24});
  sim::run_mcu_op(c, mem);
  CHECK(mem.get(kOut, 24) == direct);
  CHECK(direct[0] == table[128]);  // -128 is entry 128
  CHECK(sim::plan_mcu_op(c).reads[1].bytes == 256);
}

TEST_CASE("mcu_dispatch: maximum and minimum through memory equal the direct kernels", "[sim]") {
  MapMemory mem;
  const std::vector<int8_t> a = {-128, -1, 0, 5, 127, 3, 9}, b = {127, -2, 0, -5, -128, 3, -9};
  mem.put(kIn, a);
  mem.put(kIn2, b);
  kernels::MaxMinParams p;
  p.count = 7;
  std::vector<int8_t> hi(7), lo(7);
  kernels::maximum(p, a.data(), b.data(), hi.data());
  kernels::minimum(p, a.data(), b.data(), lo.data());
  sim::run_mcu_op(cmd("maximum", {u(kIn), u(kIn2), u(kOut), 7}), mem);
  CHECK(mem.get(kOut, 7) == hi);
  sim::run_mcu_op(cmd("minimum", {u(kIn), u(kIn2), u(kOut), 7}), mem);
  CHECK(mem.get(kOut, 7) == lo);
  CHECK(hi != lo);
}

TEST_CASE("mcu_dispatch: sub and mul with a repeating second input through memory equal the direct kernels",
          "[sim]") {
  MapMemory mem;
  const std::vector<int8_t> a = {-128, -1, 0, 5, 127, 3, 9, -9, 40}, b = {7, -100, 1};
  mem.put(kIn, a);
  mem.put(kIn2, b);
  kernels::SubParams s;
  s.count = 9, s.in1_count = 9, s.in2_count = 3, s.in1_zp = 3, s.in2_zp = -4, s.out_zp = 1;
  s.in1_mult = 1 << 30, s.in1_shift = 0, s.in2_mult = 1431655765, s.in2_shift = -1;
  s.out_mult = 1 << 30, s.out_shift = -18, s.act_min = -20, s.act_max = 90;
  std::vector<int8_t> diff(9), product(9);
  kernels::sub(s, a.data(), b.data(), diff.data());
  sim::run_mcu_op(cmd("sub", {u(kIn), u(kIn2), u(kOut), 9, 9, 3, 3, u(-4), 1, 20, 1u << 30, 0, 1431655765,
                                       u(-1), 1u << 30, u(-18), u(-20), 90}),
                  mem);
  CHECK(mem.get(kOut, 9) == diff);
  kernels::MulParams m;
  m.count = 9, m.in1_count = 9, m.in2_count = 3, m.in1_zp = 3, m.in2_zp = -4, m.out_zp = 1;
  m.out_mult = 1288490189, m.out_shift = -6;
  kernels::mul(m, a.data(), b.data(), product.data());
  sim::run_mcu_op(cmd("mul", {u(kIn), u(kIn2), u(kOut), 9, 9, 3, 3, u(-4), 1, 1288490189, u(-6), u(-128), 127}),
                  mem);
  CHECK(mem.get(kOut, 9) == product);
  CHECK(diff != product);
  // The repeating operand is read for its own 3 bytes only.
  CHECK(sim::plan_mcu_op(cmd("mul", {u(kIn), u(kIn2), u(kOut), 9, 9, 3, 3, u(-4), 1, 1288490189, u(-6),
                                               u(-128), 127}))
            .reads[1]
            .bytes == 3);
}

TEST_CASE("mcu_dispatch: every kernel of the table has a case above against its direct call", "[sim]") {
  // The kernels the cases above run through memory; a kernel added to the
  // table without one fails here, unless it runs an operator of its own: a
  // test model then runs it through the dispatch against the reference
  // interpreter and the model's runtime (tests/tools/test_mcu_kernels_vs_reference.cpp).
  const std::set<std::string> covered = {"copy",     "add",  "conv2d",  "depthwise_conv2d", "fully_connected",
                                         "avg_pool", "max_pool", "mean", "softmax", "pad", "concat2", "requantize",
                                         "conv2d_1x1", "conv2d_shallow", "quantize", "dequantize",
                                         "lut", "maximum", "minimum", "sub", "mul", "transpose", "slice", "resize_nearest",
                                         "mirror_pad", "resize_bilinear", "prelu",
                                         "squared_difference"};
  for (const auto& name : covered) CHECK(kernels::find_mcu_binding(name) != nullptr);
  for (const auto& b : kernels::mcu_kernel_table()) {
    INFO(b->spec().name);
    if (!covered.count(b->spec().name)) CHECK(b->runs_operator());
  }
}

TEST_CASE("mcu_dispatch: bad commands throw 'mcu op <name>: <arg>: ...' and touch no memory", "[sim]") {
  MapMemory mem;
  McuOpCmd unknown;
  unknown.kernel = 999;
  CHECK_THROWS_WITH(sim::plan_mcu_op(unknown), Catch::StartsWith("mcu op 999: unknown kernel id"));

  McuOpCmd short_args;
  short_args.kernel = static_cast<uint16_t>(McuKernel::Copy);
  short_args.args = {1, 2};
  CHECK_THROWS_WITH(sim::plan_mcu_op(short_args), Catch::StartsWith("mcu op copy: expected 3 arguments"));

  std::vector<uint32_t> conv = {u(kIn), u(kW), u(kBias), u(kMult), u(kShift), u(kOut), 4, 4, 1, 4, 4, 1,
                                1, 1, 1, 1, 1, 1, 0, 0, 0, 0, u(-128), 127};
  REQUIRE_NOTHROW(sim::plan_mcu_op(cmd("conv2d", conv)));
  auto bad = [&](size_t index, uint32_t value, const char* message) {
    auto args = conv;
    args[index] = value;
    const McuOpCmd c = cmd("conv2d", args);
    CHECK_THROWS_WITH(sim::plan_mcu_op(c), Catch::StartsWith(message));
    CHECK_THROWS_WITH(sim::run_mcu_op(c, mem), Catch::StartsWith(message));
  };
  bad(14, 0, "mcu op conv2d: stride_h:");
  bad(6, 0x80000000u, "mcu op conv2d: in_h:");
  bad(20, u(-200), "mcu op conv2d: in_zp:");
  bad(22, 200, "mcu op conv2d: act_min:");
  bad(0, 0xFFFFFFF8u, "mcu op conv2d: in: 16 bytes at 0xfffffff8 pass the end");
  CHECK(mem.reads == 0);
  CHECK(mem.writes == 0);

  // Per-channel values come from memory and are validated when run.
  mem.put(kIn, std::vector<int8_t>(16, 1));
  mem.put(kW, std::vector<int8_t>{1});
  mem.put(kBias, std::vector<int32_t>{0});
  mem.put(kMult, std::vector<int32_t>{1 << 30});
  mem.put(kShift, std::vector<int32_t>{45});
  CHECK_THROWS_WITH(sim::run_mcu_op(cmd("conv2d", conv), mem),
                    Catch::StartsWith("mcu op conv2d: shift: channel 0"));
  CHECK(mem.writes == 0);  // the failed op wrote nothing (put() is not counted)
}
