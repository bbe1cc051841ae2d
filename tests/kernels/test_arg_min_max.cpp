// ARG_MAX and ARG_MIN as TFLite Micro's reference computes them: by hand
// (ties to the first index), against a brute-force oracle along every axis
// of a rank-4 tensor, and the operator's checks in the kernels' table entries.
#include <catch2/catch.hpp>

#include <random>
#include <vector>

#include "kernels/arg_min_max.h"
#include "kernels/mcu_kernel_table.h"
#include "tests/kernels/oracle.h"

using namespace kiln;
using kernels::ArgMinMaxParams;

namespace {

ArgMinMaxParams params(int outer, int axis_size, int inner) {
  ArgMinMaxParams p;
  p.outer = outer, p.axis_size = axis_size, p.inner = inner;
  return p;
}

kernels::McuTensorView tensor(std::vector<int64_t> shape, McuElement element) {
  kernels::McuTensorView t;
  t.shape = std::move(shape);
  t.element = element;
  if (element == McuElement::Int8) t.scales = {0.5f}, t.zero_points = {-3};
  return t;
}

kernels::McuOpView arg_op(const char* kernel, std::vector<int64_t> in, std::vector<int64_t> out, int64_t axis) {
  kernels::McuOpView op;
  op.kernel = kernel;
  op.inputs = {tensor(std::move(in), McuElement::Int8)};
  op.outputs = {tensor(std::move(out), McuElement::Int32)};
  op.attrs["axis"] = {axis};
  return op;
}

}  // namespace

TEST_CASE("arg_max and arg_min: by hand, the first index wins a tie", "[kernels]") {
  // [[3, -7, 3, 1], [-128, 127, 127, -128]] along the rows (axis 1) and the columns (axis 0).
  const std::vector<int8_t> in = {3, -7, 3, 1, -128, 127, 127, -128};
  std::vector<int32_t> rows(2);
  kernels::arg_max(params(2, 4, 1), in.data(), rows.data());
  CHECK(rows == std::vector<int32_t>{0, 1});
  kernels::arg_min(params(2, 4, 1), in.data(), rows.data());
  CHECK(rows == std::vector<int32_t>{1, 0});
  std::vector<int32_t> cols(4);
  kernels::arg_max(params(1, 2, 4), in.data(), cols.data());
  CHECK(cols == std::vector<int32_t>{0, 1, 1, 0});
  kernels::arg_min(params(1, 2, 4), in.data(), cols.data());
  CHECK(cols == std::vector<int32_t>{1, 0, 0, 1});
  // An axis of one: index 0 everywhere.
  std::vector<int32_t> zeros(8, 5);
  kernels::arg_max(params(8, 1, 1), in.data(), zeros.data());
  CHECK(zeros == std::vector<int32_t>(8, 0));
}

TEST_CASE("arg_max and arg_min: along every axis of a rank-4 tensor, against brute force", "[kernels]") {
  std::mt19937 rng(44);
  const std::vector<int> shape = {2, 3, 4, 5};
  // Few distinct values, so that ties are common.
  const auto in = test::random_i8(rng, 120, -3, 3);
  for (int axis = 0; axis < 4; ++axis) {
    int outer = 1, inner = 1;
    for (int k = 0; k < axis; ++k) outer *= shape[size_t(k)];
    for (int k = axis + 1; k < 4; ++k) inner *= shape[size_t(k)];
    const int n = shape[size_t(axis)];
    std::vector<int32_t> got_max(size_t(outer * inner)), got_min(got_max.size());
    kernels::arg_max(params(outer, n, inner), in.data(), got_max.data());
    kernels::arg_min(params(outer, n, inner), in.data(), got_min.data());
    for (int o = 0; o < outer; ++o)
      for (int i = 0; i < inner; ++i) {
        int best_max = 0, best_min = 0;
        for (int k = 0; k < n; ++k) {
          const int v = in[size_t((o * n + k) * inner + i)];
          if (v > in[size_t((o * n + best_max) * inner + i)]) best_max = k;
          if (v < in[size_t((o * n + best_min) * inner + i)]) best_min = k;
        }
        INFO("axis " << axis << " outer " << o << " inner " << i);
        CHECK(got_max[size_t(o * inner + i)] == best_max);
        CHECK(got_min[size_t(o * inner + i)] == best_min);
      }
  }
}

TEST_CASE("arg_max and arg_min: the operator's checks in the table entries", "[kernels]") {
  const kernels::McuKernelBinding* b = kernels::find_mcu_binding("arg_max");
  REQUIRE(b);
  REQUIRE(written_element(b->spec()) == McuElement::Int32);
  // Axis -2 of [1, 3, 4]: 1 x 3 x 4, written as [1, 4] int32.
  const auto inv = b->from_op(arg_op("arg_max", {1, 3, 4}, {1, 4}, -2));
  CHECK(inv->output_elements() == 4);
  CHECK(inv->macs() == 12);
  const std::vector<int8_t> in = {0, 5, -1, 2, 9, 5, -2, 2, 1, 6, -3, 1};
  std::vector<int32_t> out(4, -1);
  inv->invoke({{in.data(), nullptr}, {nullptr, out.data()}});
  CHECK(out == std::vector<int32_t>{1, 2, 0, 0});

  const kernels::McuKernelBinding* m = kernels::find_mcu_binding("arg_min");
  REQUIRE(m);
  CHECK_THROWS_WITH(m->from_op(arg_op("arg_min", {1, 3, 4}, {1, 4}, 3)),
                    Catch::StartsWith("arg_min: axis: 3 is outside the input's rank 3"));
  CHECK_THROWS_WITH(m->from_op(arg_op("arg_min", {1, 3, 4}, {1, 3, 1}, 2)),
                    Catch::StartsWith("arg_min: output: shape [1, 3, 1] is not [1, 3]"));
  auto two_axes = arg_op("arg_min", {1, 3, 4}, {1, 4}, 1);
  two_axes.attrs["axis"] = {1, 2};
  CHECK_THROWS_WITH(m->from_op(two_axes), Catch::StartsWith("arg_min: axis: 2 values; expected one"));
  auto int8_out = arg_op("arg_min", {1, 3, 4}, {1, 4}, 1);
  int8_out.outputs[0] = tensor({1, 4}, McuElement::Int8);
  CHECK_THROWS_WITH(m->from_op(int8_out), Catch::StartsWith("arg_min: output: expected an int32 tensor"));
  auto int32_in = arg_op("arg_min", {1, 3, 4}, {1, 4}, 1);
  int32_in.inputs[0] = tensor({1, 3, 4}, McuElement::Int32);
  CHECK_THROWS_WITH(m->from_op(int32_in), Catch::StartsWith("arg_min: input: expected an int8 tensor"));
  ArgMinMaxParams zero = params(1, 0, 1);
  CHECK_THROWS_WITH(kernels::validate(zero, "arg_max"), Catch::StartsWith("arg_max: axis_size:"));
}
