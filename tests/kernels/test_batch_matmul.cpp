// BATCH_MATMUL as TFLite Micro's reference computes it: by hand, against a
// plain loop over transposed copies and broadcast batches, the parameter
// checks, and the operator's checks in the kernel's table entry.
#include <catch2/catch.hpp>

#include <random>
#include <vector>

#include "kernels/batch_matmul.h"
#include "kernels/mcu_kernel_table.h"
#include "kernels/requantize.h"

using namespace kiln;
using kernels::BatchMatMulParams;

namespace {

// The definition, written independently of the kernel: every matrix copied
// out as rows x depth and depth x cols first (as TFLite Micro transposes
// under adj_x and without adj_y), batch index i of an operand clamped to 0
// along a dimension of 1.
std::vector<int8_t> plain(const BatchMatMulParams& p, const std::vector<int8_t>& lhs, const std::vector<int8_t>& rhs) {
  const int lb[] = {p.lhs_b0, p.lhs_b1, p.lhs_b2}, rb[] = {p.rhs_b0, p.rhs_b1, p.rhs_b2};
  std::vector<int8_t> out;
  for (int b0 = 0; b0 < p.batch(0); ++b0)
    for (int b1 = 0; b1 < p.batch(1); ++b1)
      for (int b2 = 0; b2 < p.batch(2); ++b2) {
        const int li = ((lb[0] == 1 ? 0 : b0) * lb[1] + (lb[1] == 1 ? 0 : b1)) * lb[2] + (lb[2] == 1 ? 0 : b2);
        const int ri = ((rb[0] == 1 ? 0 : b0) * rb[1] + (rb[1] == 1 ? 0 : b1)) * rb[2] + (rb[2] == 1 ? 0 : b2);
        std::vector<int32_t> a(size_t(p.rows * p.depth)), b(size_t(p.depth * p.cols));
        for (int i = 0; i < p.rows; ++i)
          for (int k = 0; k < p.depth; ++k)
            a[size_t(i * p.depth + k)] =
                lhs[size_t(li * p.rows * p.depth + (p.adj_x ? k * p.rows + i : i * p.depth + k))];
        for (int k = 0; k < p.depth; ++k)
          for (int j = 0; j < p.cols; ++j)
            b[size_t(k * p.cols + j)] =
                rhs[size_t(ri * p.depth * p.cols + (p.adj_y ? j * p.depth + k : k * p.cols + j))];
        for (int i = 0; i < p.rows; ++i)
          for (int j = 0; j < p.cols; ++j) {
            int32_t acc = 0;
            for (int k = 0; k < p.depth; ++k)
              acc += (a[size_t(i * p.depth + k)] - p.lhs_zp) * (b[size_t(k * p.cols + j)] - p.rhs_zp);
            out.push_back(kernels::requantize_accumulator(acc, p.mult, p.shift, p.out_zp, p.act_min, p.act_max));
          }
      }
  return out;
}

kernels::McuTensorView tensor(std::vector<int64_t> shape, float scale = 0.5f, int32_t zp = 0) {
  kernels::McuTensorView t;
  t.shape = std::move(shape);
  t.scales = {scale};
  t.zero_points = {zp};
  return t;
}

}  // namespace

TEST_CASE("batch_matmul: two batches worked by hand", "[kernels]") {
  // Batch 0: [[1 2 3] [4 5 6]] (lhs_zp 1) times [[1 0] [0 1] [1 1]] (rhs_zp 0);
  // batch 1: [[0 0 1] [2 2 2]] times [[2 1] [1 2] [0 -1]]. Scale 1 (mult 2^30,
  // shift 1), out_zp -3.
  BatchMatMulParams p;
  p.lhs_b2 = p.rhs_b2 = 2;
  p.rows = 2, p.depth = 3, p.cols = 2;
  p.lhs_zp = 1, p.out_zp = -3;
  p.mult = 1 << 30, p.shift = 1;
  kernels::validate(p);
  const std::vector<int8_t> lhs = {1, 2, 3, 4, 5, 6, 0, 0, 1, 2, 2, 2};
  const std::vector<int8_t> rhs = {1, 0, 0, 1, 1, 1, 2, 1, 1, 2, 0, -1};
  std::vector<int8_t> out(8);
  kernels::batch_matmul(p, lhs.data(), rhs.data(), out.data());
  // lhs - 1: [[0 1 2] [3 4 5]] -> [[2 3] [8 9]]; [[-1 -1 0] [1 1 1]] -> [[-3 -3] [3 2]]; then - 3.
  CHECK(out == std::vector<int8_t>{-1, 0, 5, 6, -6, -6, 0, -1});
  CHECK(kernels::macs(p) == 24);
  // The same products with the RHS stored transposed (adj_y) and the LHS too (adj_x).
  p.adj_x = p.adj_y = 1;
  const std::vector<int8_t> lhs_t = {1, 4, 2, 5, 3, 6, 0, 2, 0, 2, 1, 2};
  const std::vector<int8_t> rhs_t = {1, 0, 1, 0, 1, 1, 2, 1, 0, 1, 2, -1};
  std::vector<int8_t> out_t(8);
  kernels::batch_matmul(p, lhs_t.data(), rhs_t.data(), out_t.data());
  CHECK(out_t == out);
}

TEST_CASE("batch_matmul: broadcast batches, adj_x and adj_y, zero points and clamps match the plain loop",
          "[kernels]") {
  std::mt19937 rng(7);
  const auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  for (int trial = 0; trial < 200; ++trial) {
    BatchMatMulParams p;
    int* lb[] = {&p.lhs_b0, &p.lhs_b1, &p.lhs_b2};
    int* rb[] = {&p.rhs_b0, &p.rhs_b1, &p.rhs_b2};
    for (int d = 0; d < 3; ++d) {
      const int n = pick(1, 3);
      switch (pick(0, 2)) {
        case 0: *lb[d] = *rb[d] = n; break;
        case 1: *lb[d] = n; break;  // the RHS broadcast along d
        default: *rb[d] = n; break;  // the LHS broadcast along d
      }
    }
    p.rows = pick(1, 9), p.depth = pick(1, 40), p.cols = pick(1, 9);
    p.adj_x = pick(0, 1), p.adj_y = pick(0, 1);
    p.lhs_zp = pick(-128, 127), p.rhs_zp = pick(0, 1) ? 0 : pick(-128, 127), p.out_zp = pick(-128, 127);
    kernels::quantize_multiplier(std::uniform_real_distribution<double>(1e-5, 4.0)(rng), &p.mult, &p.shift);
    if (pick(0, 3) == 0) p.act_min = pick(-128, 0), p.act_max = pick(0, 127);
    kernels::validate(p);
    std::vector<int8_t> lhs(size_t(p.lhs_elements())), rhs(size_t(p.rhs_elements()));
    for (auto& v : lhs) v = int8_t(pick(-128, 127));
    for (auto& v : rhs) v = int8_t(pick(-128, 127));
    std::vector<int8_t> out(size_t(p.out_elements()));
    kernels::batch_matmul(p, lhs.data(), rhs.data(), out.data());
    INFO("trial " << trial);
    REQUIRE(out == plain(p, lhs, rhs));
  }
}

TEST_CASE("batch_matmul: its parameters are checked", "[kernels]") {
  BatchMatMulParams p;
  p.mult = 1 << 30;
  p.lhs_b1 = 2, p.rhs_b1 = 3;
  CHECK_THROWS_WITH(kernels::validate(p), "batch_matmul: rhs_b1: 3 differs from lhs_b1 2 and neither is 1 (broadcast)");
  p.rhs_b1 = 1;
  CHECK_NOTHROW(kernels::validate(p));
  // Both zero points non-zero: (255 * 255) per term, 32768 terms at most.
  p.lhs_zp = p.rhs_zp = 5, p.depth = 32769;
  CHECK_THROWS_WITH(kernels::validate(p), Catch::StartsWith("batch_matmul: depth: must be in [1, 32768]"));
  p.rhs_zp = 0;
  CHECK_NOTHROW(kernels::validate(p));
  p.adj_y = 2;
  CHECK_THROWS_WITH(kernels::validate(p), Catch::StartsWith("batch_matmul: adj_y:"));
  p.adj_y = 0, p.act_min = 10, p.act_max = 5;
  CHECK_THROWS_WITH(kernels::validate(p), Catch::StartsWith("batch_matmul: act_min:"));
}

TEST_CASE("batch_matmul: the operator's shapes, broadcast, rescale and checks in the table entry", "[kernels]") {
  const kernels::McuKernelBinding* k = kernels::find_mcu_binding("batch_matmul");
  REQUIRE(k != nullptr);
  CHECK(k->spec().id == 46);
  kernels::McuOpView op;
  op.kernel = "batch_matmul";
  // [2, 3, 4] times a rank-4 [5, 1, 4, 6]: the LHS's batch broadcast over 5, the RHS's over 2.
  op.inputs = {tensor({2, 3, 4}, 0.02f, 3), tensor({5, 1, 4, 6}, 0.3f, -2)};
  op.outputs = {tensor({5, 2, 3, 6}, 0.05f, 7)};
  op.attrs = {{"adj_x", {0}}, {"adj_y", {0}}};
  const auto call = k->from_op(op);
  CHECK(call->output_elements() == 180);
  CHECK(call->macs() == 10 * 3 * 4 * 6);
  int32_t mult = 0;
  int shift = 0;
  // The scales' product in float, then the division in double, as TFLite Micro's Prepare.
  kernels::quantize_multiplier(double(0.02f * 0.3f) / double(0.05f), &mult, &shift);
  // lhs, rhs, out; batches (1, 1, 2) and (1, 5, 1); rows, depth, cols; adj; zero points; rescale; clamp.
  CHECK(call->encode({1, 2, 3}) == std::vector<uint32_t>{1, 2, 3, 1, 1, 2, 1, 5, 1, 3, 4, 6, 0, 0, 3,
                                                         uint32_t(-2), 7, uint32_t(mult), uint32_t(shift),
                                                         uint32_t(-128), 127});
  // adj_x: the LHS is [.., depth, rows]; adj_y: the RHS [.., cols, depth].
  op.inputs = {tensor({2, 4, 3}), tensor({4, 6})};
  op.outputs = {tensor({2, 3, 6})};
  op.attrs = {{"adj_x", {1}}, {"adj_y", {1}}};
  CHECK_THROWS_WITH(k->from_op(op), "batch_matmul: rhs: lhs [2, 4, 3] (adj_x) sums over 4 values, rhs [4, 6] (adj_y) "
                                    "over 6");
  op.inputs[1].shape = {6, 4};
  op.outputs[0].shape = {2, 4, 6};
  CHECK_THROWS_WITH(k->from_op(op), "batch_matmul: output: shape [2, 4, 6] is not [2, 3, 6], the product of lhs "
                                    "[2, 4, 3] and rhs [6, 4]");
  op.outputs[0].shape = {2, 3, 6};
  CHECK_NOTHROW(k->from_op(op));
  // Batch dimensions that differ, neither 1.
  op.attrs = {};
  op.inputs = {tensor({2, 3, 4}), tensor({3, 4, 6})};
  op.outputs = {tensor({3, 3, 6})};
  CHECK_THROWS_WITH(k->from_op(op), "batch_matmul: rhs: lhs [2, 3, 4] and rhs [3, 4, 6]: batch dimensions 2 and 3 "
                                    "differ and neither is 1");
  // Ranks 2 to 5 only, as TFLite Micro's Prepare.
  op.inputs = {tensor({1, 1, 1, 1, 2, 3, 4}), tensor({4, 6})};
  op.outputs = {tensor({1, 1, 1, 1, 2, 3, 6})};
  CHECK_THROWS_WITH(k->from_op(op), "batch_matmul: lhs: shape [1, 1, 1, 1, 2, 3, 4]: rank 7 unsupported; supported: "
                                    "2 to 5");
  op.inputs = {tensor({4}), tensor({4, 6})};
  CHECK_THROWS_WITH(k->from_op(op), Catch::StartsWith("batch_matmul: lhs: shape [4]: rank 1 unsupported"));
  // One scale per tensor; not two constants.
  op.inputs = {tensor({3, 4}), tensor({4, 6})};
  op.outputs = {tensor({3, 6})};
  op.inputs[1].scales = {0.1f, 0.2f};
  op.inputs[1].zero_points = {0, 0};
  CHECK_THROWS_WITH(k->from_op(op), Catch::StartsWith("batch_matmul: rhs: expected one positive scale"));
  op.inputs[1] = tensor({4, 6});
  const std::vector<int8_t> a(12), b(24);
  op.inputs[0].data = a.data(), op.inputs[1].data = b.data();
  CHECK_THROWS_WITH(k->from_op(op), "batch_matmul: rhs: both inputs are constants: unsupported");
  op.inputs[0].data = nullptr;
  CHECK_NOTHROW(k->from_op(op));
  // A rescale of 2^30 or more, which TFLite's double rounding leaves undefined.
  op.inputs[0].scales = {1e5f}, op.inputs[1].scales = {1e5f}, op.outputs[0].scales = {1e-3f};
  CHECK_THROWS_WITH(k->from_op(op), Catch::StartsWith("batch_matmul: output: requantization scale 1e+13"));
}
