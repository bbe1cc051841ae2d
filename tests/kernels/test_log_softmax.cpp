// LOG_SOFTMAX as TFLite Micro's int8 reference computes it: the parameters
// its Prepare derives, the fixed-point log, rows by hand, closeness to the
// real log-softmax, and the operator's checks in the kernel's table entry.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>
#include <vector>

#include "kernels/fixed_point.h"
#include "kernels/log_softmax.h"
#include "kernels/mcu_kernel_table.h"
#include "tests/kernels/oracle.h"
#include "tests/kernels/int8_tensor_view.h"

using namespace kiln;
using kiln::test::int8_tensor;

namespace {

double q(int32_t raw, int integer_bits) { return double(raw) / double(int64_t(1) << (31 - integer_bits)); }

// The real log-softmax of a row of stored values at `scale`, in output steps (1/16) plus 127.
std::vector<double> real_log_softmax(const int8_t* in, int depth, double scale) {
  double max = in[0];
  for (int c = 1; c < depth; ++c) max = std::max(max, double(in[c]));
  double sum = 0;
  for (int c = 0; c < depth; ++c) sum += std::exp((in[c] - max) * scale);
  std::vector<double> out(static_cast<size_t>(depth));
  for (int c = 0; c < depth; ++c) out[size_t(c)] = ((in[c] - max) * scale - std::log(sum)) * 16.0 + 127.0;
  return out;
}

}  // namespace

TEST_CASE("log_softmax: parameters as TFLite Micro's Prepare derives them", "[kernels]") {
  // Input scale 0.1: 0.1 * 2^26 = 0.8 * 2^23, so (round(0.8 * 2^31), 23);
  // radius floor(31 * 2^26 / 2^23) = 248.
  const auto p = kernels::make_log_softmax_params(0.1, 3, 10);
  CHECK(p.input_mult == 1717986918);
  CHECK(p.input_left_shift == 23);
  CHECK(p.diff_min == -248);
  // The reverse scaling: 2^(31 - 23) / 1717986918 = 0.625 * 2^-22.
  CHECK(p.reverse_scaling_shift == -22);
  CHECK(p.reverse_scaling_divisor == 1342177280);  // round(0.625 * 2^31)
  CHECK(p.rows == 3);
  CHECK(p.depth == 10);
  // A scale whose differences do not reach Q5.26 is refused with the operator named.
  CHECK_THROWS_WITH(kernels::make_log_softmax_params(1e-9, 1, 4),
                    Catch::StartsWith("log_softmax: input: scale 1e-09 is too small"));
}

TEST_CASE("log_softmax: the fixed-point log is close to ln", "[kernels]") {
  // Q12 in, Q5 out, as log_softmax takes it: within a few Q5.26 units of ln x.
  for (double x : {1.0, 1.0001, 1.5, 2.0, std::exp(1.0), 10.0, 100.0, 1000.0, 4095.0}) {
    const int32_t raw = int32_t(std::lround(x * double(1 << 19)));
    const double got = q(kernels::fixed_point::log_x_for_x_greater_than_or_equal_to_1(raw, 12, 5), 5);
    INFO("x = " << x);
    CHECK(got == Approx(std::log(x)).margin(1e-6));
  }
}

TEST_CASE("log_softmax: rows by hand", "[kernels]") {
  const auto p1 = kernels::make_log_softmax_params(0.1, 1, 1);
  // One element: log 1 = 0, so 127.
  int8_t in1 = -40, out1 = 0;
  kernels::log_softmax(p1, &in1, &out1);
  CHECK(out1 == 127);
  // Two equal elements: ln(1/2) = -0.693 is 11.09 steps of 1/16 below 127: 116.
  auto p2 = kernels::make_log_softmax_params(0.1, 1, 2);
  const int8_t in2[2] = {7, 7};
  int8_t out2[2] = {};
  kernels::log_softmax(p2, in2, out2);
  CHECK(out2[0] == 116);
  CHECK(out2[1] == 116);
  // Differences of 0, -10 (1.0 real) and -200 (20.0 real, beyond the output's
  // range of -16): 127, 127 - 16 - ..., and the lowest value.
  auto p3 = kernels::make_log_softmax_params(0.1, 1, 3);
  const int8_t in3[3] = {100, 90, -100};
  int8_t out3[3] = {};
  kernels::log_softmax(p3, in3, out3);
  const auto want = real_log_softmax(in3, 3, 0.1);
  CHECK(std::abs(out3[0] - want[0]) <= 1.0);
  CHECK(std::abs(out3[1] - want[1]) <= 1.0);
  CHECK(out3[2] == -128);
}

TEST_CASE("log_softmax: within one output step of the real log-softmax", "[kernels]") {
  std::mt19937 rng(43);
  for (double scale : {0.01, 0.05, 0.1, 0.3}) {
    const int rows = 16, depth = 12;
    const auto p = kernels::make_log_softmax_params(scale, rows, depth);
    const auto in = test::random_i8(rng, rows * depth, -128, 127);
    std::vector<int8_t> out(in.size());
    kernels::log_softmax(p, in.data(), out.data());
    for (int r = 0; r < rows; ++r) {
      const auto want = real_log_softmax(&in[size_t(r * depth)], depth, scale);
      for (int c = 0; c < depth; ++c) {
        INFO("scale " << scale << " row " << r << " column " << c);
        CHECK(std::abs(out[size_t(r * depth + c)] - std::max(want[size_t(c)], -128.0)) <= 1.0);
      }
    }
  }
}

TEST_CASE("log_softmax: validation names the parameter", "[kernels]") {
  auto p = kernels::make_log_softmax_params(0.1, 1, 4);
  p.depth = 4096;
  CHECK_THROWS_WITH(kernels::validate(p), Catch::StartsWith("log_softmax: depth:"));
  p = kernels::make_log_softmax_params(0.1, 1, 4);
  p.diff_min = -249;  // beyond the radius 248
  CHECK_THROWS_WITH(kernels::validate(p), Catch::StartsWith("log_softmax: diff_min:"));
  p = kernels::make_log_softmax_params(0.1, 1, 4);
  p.reverse_scaling_shift = 1;
  CHECK_THROWS_WITH(kernels::validate(p), Catch::StartsWith("log_softmax: reverse_scaling_shift:"));
}

TEST_CASE("log_softmax: the operator's checks in its table entry", "[kernels]") {
  const kernels::McuKernelBinding* b = kernels::find_mcu_binding("log_softmax");
  REQUIRE(b);
  kernels::McuOpView op;
  op.kernel = "log_softmax";
  op.inputs = {int8_tensor({1, 3, 5}, 0.1f, 3)};
  op.outputs = {int8_tensor({1, 3, 5}, 16.0f / 256, 127)};
  const auto inv = b->from_op(op);
  CHECK(inv->output_elements() == 15);
  // 3 rows of depth 5 (the last axis); the middle row's five equal values
  // each have ln(1/5) = -1.609, 25.75 steps below 127, rounded away from zero: 101.
  std::vector<int8_t> in = {0, 1, 2, 3, 4, 9, 9, 9, 9, 9, -5, 0, 5, 10, 15}, out(15);
  inv->invoke({{in.data(), nullptr}, {nullptr, out.data()}});
  CHECK(std::vector<int8_t>(out.begin() + 5, out.begin() + 10) == std::vector<int8_t>(5, 101));
  CHECK(out[0] < out[4]);
  CHECK(out[10] < out[14]);
  op.outputs[0].scales = {0.0625001f};
  CHECK_THROWS_WITH(b->from_op(op), Catch::Contains("TFLite Micro requires scale 16/256"));
  op.outputs[0].scales = {16.0f / 256};
  op.outputs[0].zero_points = {-128};
  CHECK_THROWS_WITH(b->from_op(op), Catch::Contains("zero point -128"));
  op.outputs = {int8_tensor({1, 15}, 16.0f / 256, 127)};
  CHECK_THROWS_WITH(b->from_op(op), Catch::StartsWith("log_softmax: shape:"));
  op.outputs = {int8_tensor({1, 3, 5000}, 16.0f / 256, 127)};
  op.inputs = {int8_tensor({1, 3, 5000}, 0.1f, 3)};
  CHECK_THROWS_WITH(b->from_op(op), Catch::StartsWith("log_softmax: depth:"));
}
