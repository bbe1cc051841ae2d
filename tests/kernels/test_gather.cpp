// GATHER as TFLite Micro's reference moves the bytes: by hand along each
// axis, with batch_dims, the index checks at run time, and the operator's
// checks in the kernel's table entry.
#include <catch2/catch.hpp>

#include <numeric>
#include <vector>

#include "kernels/gather.h"
#include "kernels/mcu_kernel_table.h"

using namespace kiln;
using kernels::GatherParams;

namespace {

kernels::McuTensorView tensor(std::vector<int64_t> shape, McuElement element = McuElement::Int8) {
  kernels::McuTensorView t;
  t.shape = std::move(shape);
  t.element = element;
  if (element == McuElement::Int8) t.scales = {0.25f}, t.zero_points = {1};
  return t;
}

}  // namespace

TEST_CASE("gather: slices picked by index along the axis, worked by hand", "[kernels]") {
  // A 2x3x2 tensor, values 0..11: [[[0 1] [2 3] [4 5]] [[6 7] [8 9] [10 11]]].
  std::vector<int8_t> in(12);
  std::iota(in.begin(), in.end(), int8_t(0));
  // Along axis 1 (outer 2, inner 2) by [2, 0, 2]: rows 2, 0, 2 of each outer slice.
  GatherParams p;
  p.outer = 2, p.axis_size = 3, p.inner = 2, p.count = 3;
  kernels::validate(p);
  const std::vector<int32_t> rows = {2, 0, 2};
  std::vector<int8_t> out(12);
  kernels::gather(p, in.data(), rows.data(), out.data());
  CHECK(out == std::vector<int8_t>{4, 5, 0, 1, 4, 5, 10, 11, 6, 7, 10, 11});
  // batch_dims 1: each of the two batches takes its own index list along axis 1.
  GatherParams b;
  b.batch = 2, b.axis_size = 3, b.inner = 2, b.count = 2;
  const std::vector<int32_t> per_batch = {1, 1, 0, 2};
  std::vector<int8_t> out_b(8);
  kernels::gather(b, in.data(), per_batch.data(), out_b.data());
  CHECK(out_b == std::vector<int8_t>{2, 3, 2, 3, 6, 7, 10, 11});
  // An index outside the axis is refused, as TFLite Micro refuses it, before anything is written.
  const std::vector<int32_t> bad = {2, 3, 0};
  std::vector<int8_t> untouched(12, 99);
  CHECK_THROWS_WITH(kernels::gather(p, in.data(), bad.data(), untouched.data()),
                    "gather: indices: index 3 at position 1 is outside [0, 3)");
  CHECK(untouched == std::vector<int8_t>(12, 99));
  p.inner = 0;
  CHECK_THROWS_WITH(kernels::validate(p), Catch::StartsWith("gather: inner:"));
}

TEST_CASE("gather: the operator's axis, batch_dims, indices and output shape are checked", "[kernels]") {
  const kernels::McuKernelBinding* g = kernels::find_mcu_binding("gather");
  REQUIRE(g != nullptr);
  const std::vector<int32_t> idx = {3, 0, 0, 2, 1};
  kernels::McuOpView op;
  op.kernel = "gather";
  op.inputs = {tensor({1, 5, 6, 4}), tensor({5}, McuElement::Int32)};
  op.inputs[1].data = idx.data();
  op.outputs = {tensor({1, 5, 6, 5})};
  op.attrs = {{"axis", {-1}}, {"batch_dims", {0}}};
  const auto call = g->from_op(op);
  CHECK(call->output_elements() == 150);
  // in, indices, out; batch 1, outer 1*5*6, axis 4, inner 1, 5 indices.
  CHECK(call->encode({1, 2, 3}) == std::vector<uint32_t>{1, 2, 3, 1, 30, 4, 1, 5});

  op.outputs[0].shape = {1, 5, 6, 4};
  CHECK_THROWS_WITH(g->from_op(op), "gather: output: shape [1, 5, 6, 4] is not [1, 5, 6, 5], input [1, 5, 6, 4] "
                                    "gathered by indices [5] along axis 3");
  op.outputs[0].shape = {1, 5, 6, 5};
  const std::vector<int32_t> far = {3, 0, 4, 2, 1};
  op.inputs[1].data = far.data();
  CHECK_THROWS_WITH(g->from_op(op), "gather: indices: index 4 at position 2 is outside [0, 4)");
  op.inputs[1].data = idx.data();
  op.attrs["axis"] = {4};
  CHECK_THROWS_WITH(g->from_op(op), "gather: axis: 4 is outside the input's rank 4");
  op.attrs["axis"] = {3};
  op.attrs["batch_dims"] = {2};
  CHECK_THROWS_WITH(g->from_op(op), "gather: batch_dims: 2 must lie in [0, min(axis 3, the indices' rank 1)]");
  op.attrs["batch_dims"] = {0};
  op.inputs[1].element = McuElement::Int8;
  CHECK_THROWS_WITH(g->from_op(op), "gather: indices: expected an int32 tensor");
}
