// REDUCE_MAX, REDUCE_MIN and SUM as TFLite Micro's int8 reference computes
// them: by hand on small tensors, against a brute-force oracle over every
// subset of axes of a rank-4 tensor, and the operator's checks in the
// kernels' table entries (axis, keep_dims, quantization).
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <vector>

#include "kernels/mcu_kernel_table.h"
#include "kernels/reduce.h"
#include "kernels/requantize.h"
#include "tests/kernels/int8_tensor_view.h"

using namespace kiln;
using kiln::test::int8_tensor;
using kernels::ReduceParams;

namespace {

ReduceParams params(const std::vector<int32_t>& shape, const std::vector<int64_t>& axes) {
  return kernels::reduce_params("reduce_max", shape.data(), int(shape.size()), axes.data(), axes.size());
}

}  // namespace

TEST_CASE("reduce_max and reduce_min: the extremum over the reduced dimensions, worked by hand", "[kernels]") {
  // [[1, -7, 3], [-128, 127, 0]] over axis 1 (the rows) and axis 0 (the columns).
  const std::vector<int8_t> in = {1, -7, 3, -128, 127, 0};
  ReduceParams rows = params({2, 3}, {1});
  CHECK(rows.out_elements() == 2);
  std::vector<int8_t> out(2);
  kernels::reduce_max(rows, in.data(), out.data());
  CHECK(out == std::vector<int8_t>{3, 127});
  kernels::reduce_min(rows, in.data(), out.data());
  CHECK(out == std::vector<int8_t>{-7, -128});

  ReduceParams cols = params({2, 3}, {-2});  // axis 0, counted from the back
  std::vector<int8_t> col(3);
  kernels::reduce_max(cols, in.data(), col.data());
  CHECK(col == std::vector<int8_t>{1, 127, 3});
  kernels::reduce_min(cols, in.data(), col.data());
  CHECK(col == std::vector<int8_t>{-128, -7, 0});

  // Every axis, one written twice: one value; no axis: the input itself.
  std::vector<int8_t> one(1);
  kernels::reduce_max(params({2, 3}, {0, 1, -1}), in.data(), one.data());
  CHECK(one[0] == 127);
  std::vector<int8_t> same(6);
  kernels::reduce_min(params({2, 3}, {}), in.data(), same.data());
  CHECK(same == in);
}

TEST_CASE("reduce_max and reduce_min: every subset of axes of a rank-4 tensor against a brute-force oracle",
          "[kernels]") {
  const std::vector<int32_t> shape = {2, 3, 4, 5};
  std::mt19937 rng(11);
  std::vector<int8_t> in(120);
  for (auto& v : in) v = int8_t(int(rng() % 256) - 128);
  for (int mask = 0; mask < 16; ++mask) {
    std::vector<int64_t> axes;
    for (int a = 0; a < 4; ++a)
      if (mask >> a & 1) axes.push_back(a);
    const ReduceParams p = params(shape, axes);
    INFO("mask " << mask);
    // The oracle: for each output element (kept coordinates), scan every input element with those coordinates.
    std::vector<int8_t> want_max, want_min;
    for (int a = 0; a < ((mask & 1) ? 1 : 2); ++a)
      for (int b = 0; b < ((mask & 2) ? 1 : 3); ++b)
        for (int c = 0; c < ((mask & 4) ? 1 : 4); ++c)
          for (int d = 0; d < ((mask & 8) ? 1 : 5); ++d) {
            int hi = -129, lo = 128;
            for (int i = 0; i < 120; ++i) {
              const int ia = i / 60, ib = i / 20 % 3, ic = i / 5 % 4, id = i % 5;
              if ((!(mask & 1) && ia != a) || (!(mask & 2) && ib != b) || (!(mask & 4) && ic != c) ||
                  (!(mask & 8) && id != d))
                continue;
              hi = std::max(hi, int(in[size_t(i)])), lo = std::min(lo, int(in[size_t(i)]));
            }
            want_max.push_back(int8_t(hi)), want_min.push_back(int8_t(lo));
          }
    REQUIRE(p.out_elements() == int64_t(want_max.size()));
    std::vector<int8_t> got(want_max.size());
    kernels::reduce_max(p, in.data(), got.data());
    CHECK(got == want_max);
    kernels::reduce_min(p, in.data(), got.data());
    CHECK(got == want_min);
  }
}

TEST_CASE("reduce_max and reduce_min: the operator's axis, keep_dims and quantization are checked", "[kernels]") {
  const kernels::McuKernelBinding* max = kernels::find_mcu_binding("reduce_max");
  REQUIRE(max != nullptr);
  kernels::McuOpView op;
  op.kernel = "reduce_max";
  op.inputs = {int8_tensor({1, 4, 5, 6}, 0.1f, -3)};
  op.outputs = {int8_tensor({1, 1, 1, 6}, 0.1f, -3)};
  op.attrs = {{"axis", {1, 2}}, {"keep_dims", {1}}};
  const auto call = max->from_op(op);
  CHECK(call->macs() == 120);  // every input element visited once
  CHECK(call->output_elements() == 6);
  // in, out, the shape as six dimensions (leading 1s), then which are reduced.
  CHECK(call->encode({100, 200}) == std::vector<uint32_t>{100, 200, 1, 1, 1, 4, 5, 6, 0, 0, 0, 1, 1, 0});

  op.outputs[0].shape = {1, 6};  // the shape without keep_dims
  CHECK_THROWS_WITH(max->from_op(op), "reduce_max: output: shape [1, 6] is not [1, 1, 1, 6], the input [1, 4, 5, "
                                      "6] reduced over axis [1, 2] with keep_dims");
  op.attrs["keep_dims"] = {0};
  CHECK_NOTHROW(max->from_op(op));
  op.attrs["axis"] = {1, 4};
  CHECK_THROWS_WITH(max->from_op(op), "reduce_max: axis: 4 is outside the input's rank 4");
  op.attrs["axis"] = {-1};
  op.outputs[0] = int8_tensor({1, 4, 5}, 0.2f, -3);  // TFLite Micro requires the input's quantization
  CHECK_THROWS_WITH(max->from_op(op), Catch::StartsWith("reduce_max: input 0 and output 0 are quantized differently"));
  op.outputs[0] = int8_tensor({1, 4, 5}, 0.1f, -3);
  CHECK_NOTHROW(max->from_op(op));
  op.attrs.erase("axis");
  CHECK_THROWS_WITH(max->from_op(op), "reduce_max: attribute 'axis' is missing");

  ReduceParams p = params({2, 3}, {1});
  p.r1 = 2;
  CHECK_THROWS_WITH(kernels::validate(p, "reduce_min"), Catch::StartsWith("reduce_min: r1:"));
  p.r1 = 0, p.d3 = 0;
  CHECK_THROWS_WITH(kernels::validate(p, "reduce_min"), Catch::StartsWith("reduce_min: d3:"));
  const std::vector<int32_t> rank7 = {1, 1, 1, 1, 1, 1, 2};
  CHECK_THROWS_WITH(kernels::reduce_params("reduce_max", rank7.data(), 7, nullptr, 0),
                    "reduce_max: shape: rank 7 unsupported; supported: 1 to 6");
}

TEST_CASE("sum: the int32 sum less the zero point per element, rescaled and clamped as TFLite, by hand",
          "[kernels]") {
  // [[1, -7, 3], [-128, 127, 0]] over axis 1, input zero point 1, scales in/out = 0.5, output zero point -2.
  const std::vector<int8_t> in = {1, -7, 3, -128, 127, 0};
  ReduceParams p = params({2, 3}, {1});
  p.in_zp = 1, p.out_zp = -2;
  kernels::quantize_multiplier(0.5, &p.mult, &p.shift);
  kernels::validate(p, "sum");
  std::vector<int8_t> out(2);
  kernels::reduce_sum(p, in.data(), out.data());
  // Sums -3 and -1, less 3 * 1: -6 and -4; halved: -3 and -2; plus -2.
  CHECK(out == std::vector<int8_t>{-5, -4});
  // Scales in/out = 4: 4 * -6 = -24, 4 * -4 = -16, and a sum past int8 clamps.
  kernels::quantize_multiplier(4.0, &p.mult, &p.shift);
  kernels::reduce_sum(p, in.data(), out.data());
  CHECK(out == std::vector<int8_t>{-26, -18});
  const std::vector<int8_t> big = {100, 100, 100, -100, -100, -100};
  kernels::reduce_sum(p, big.data(), out.data());
  CHECK(out == std::vector<int8_t>{127, -128});

  p.in_zp = 200;
  CHECK_THROWS_WITH(kernels::validate(p, "sum"), Catch::StartsWith("sum: in_zp:"));
  p.in_zp = 0, p.shift = 40;
  CHECK_THROWS_WITH(kernels::validate(p, "sum"), Catch::StartsWith("sum: shift:"));
}

TEST_CASE("sum: every subset of axes of a rank-4 tensor against brute-force sums", "[kernels]") {
  const std::vector<int32_t> shape = {2, 3, 4, 5};
  std::mt19937 rng(17);
  std::vector<int8_t> in(120);
  for (auto& v : in) v = int8_t(int(rng() % 256) - 128);
  for (int mask = 1; mask < 16; ++mask) {
    std::vector<int64_t> axes;
    int64_t count = 1;
    for (int a = 0; a < 4; ++a)
      if (mask >> a & 1) axes.push_back(a), count *= shape[size_t(a)];
    ReduceParams p = params(shape, axes);
    p.in_zp = -3, p.out_zp = 5;
    kernels::quantize_multiplier(0.0371, &p.mult, &p.shift);
    INFO("mask " << mask);
    std::vector<int8_t> want;
    for (int a = 0; a < ((mask & 1) ? 1 : 2); ++a)
      for (int b = 0; b < ((mask & 2) ? 1 : 3); ++b)
        for (int c = 0; c < ((mask & 4) ? 1 : 4); ++c)
          for (int d = 0; d < ((mask & 8) ? 1 : 5); ++d) {
            int64_t sum = 0;
            for (int i = 0; i < 120; ++i) {
              const int ia = i / 60, ib = i / 20 % 3, ic = i / 5 % 4, id = i % 5;
              if ((!(mask & 1) && ia != a) || (!(mask & 2) && ib != b) || (!(mask & 4) && ic != c) ||
                  (!(mask & 8) && id != d))
                continue;
              sum += in[size_t(i)] - p.in_zp;
            }
            const int64_t v = int64_t(kernels::multiply_by_quantized_multiplier(int32_t(sum), p.mult, p.shift)) + 5;
            want.push_back(int8_t(std::clamp<int64_t>(v, -128, 127)));
          }
    std::vector<int8_t> got(want.size());
    kernels::reduce_sum(p, in.data(), got.data());
    CHECK(got == want);
    CHECK(p.in_elements() / p.out_elements() == count);
  }
}
