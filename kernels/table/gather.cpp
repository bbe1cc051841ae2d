// The MCU kernel table's entry for gather (kernels/table/entry.h).
#include "kernels/table/entry.h"

#include "kernels/gather.h"

namespace kiln::kernels::table {

namespace {

// GATHER: attributes axis and batch_dims (TFLite's options; negative count
// from the back), int32 indices; the output shape is the input's with the
// axis replaced by the indices' dimensions after the batch ones.
GatherParams gather_from_op(const McuOpView& op) {
  op.expect_tensors(2, 1);
  const McuTensorView &in = op.inputs[0], &indices = op.inputs[1], &out = op.outputs[0];
  expect_per_tensor("gather", "input", in);
  expect_per_tensor("gather", "output", out);
  if (indices.element != McuElement::Int32) check::fail("gather", "indices", "expected an int32 tensor");
  const int64_t rank = int64_t(in.shape.size()), index_rank = int64_t(indices.shape.size());
  int64_t axis = op.attr_or("axis", 0), batch_dims = op.attr_or("batch_dims", 0);
  if (axis < 0) axis += rank;
  if (batch_dims < 0) batch_dims += index_rank;
  if (axis < 0 || axis >= rank)
    check::fail("gather", "axis", fmt::format("{} is outside the input's rank {}", op.attr_or("axis", 0), rank));
  if (batch_dims < 0 || batch_dims > axis || batch_dims > index_rank)
    check::fail("gather", "batch_dims",
                fmt::format("{} must lie in [0, min(axis {}, the indices' rank {})]", op.attr_or("batch_dims", 0),
                            axis, index_rank));
  std::vector<int64_t> expected;
  int64_t batch = 1, outer = 1, inner = 1, count = 1;
  for (int64_t i = 0; i < batch_dims; ++i) {
    if (in.shape[size_t(i)] != indices.shape[size_t(i)])
      check::fail("gather", "batch_dims",
                  fmt::format("input {} and indices {} differ in dimension {}", dims_string(in.shape),
                              dims_string(indices.shape), i));
    batch *= in.shape[size_t(i)];
  }
  for (int64_t i = 0; i < axis; ++i) expected.push_back(in.shape[size_t(i)]);
  for (int64_t i = batch_dims; i < axis; ++i) outer *= in.shape[size_t(i)];
  for (int64_t i = batch_dims; i < index_rank; ++i) {
    expected.push_back(indices.shape[size_t(i)]);
    count *= indices.shape[size_t(i)];
  }
  for (int64_t i = axis + 1; i < rank; ++i) {
    expected.push_back(in.shape[size_t(i)]);
    inner *= in.shape[size_t(i)];
  }
  if (out.shape != expected)
    check::fail("gather", "output", fmt::format("shape {} is not {}, input {} gathered by indices {} along axis {}",
                                                dims_string(out.shape), dims_string(expected), dims_string(in.shape),
                                                dims_string(indices.shape), axis));
  GatherParams p;
  for (const int64_t v : {batch, outer, in.shape[size_t(axis)], inner, count})
    if (v > INT32_MAX) check::fail("gather", "shape", fmt::format("{} is outside int32", v));
  p.batch = int(batch), p.outer = int(outer), p.axis_size = int(in.shape[size_t(axis)]), p.inner = int(inner);
  p.count = int(count);
  validate(p);
  // Constant indices are checked now, so that the error names the operator.
  if (indices.data) check_indices(p, static_cast<const int32_t*>(indices.data));
  return p;
}

const Registration kGather([] {
  using P = GatherParams;
  // Priced as pad: inner bytes copied per index after index arithmetic.
  entry<P>(
      {kernel(39, "gather",
              {in8("in", "input tensor"), in32("indices", "indices along the axis, count per batch"),
               out8("out", "output tensor"), extent("batch", "product of the batch_dims dimensions"),
               extent("outer", "product of the dimensions between them and the axis"),
               extent("axis_size", "the input's dimension along the axis"),
               extent("inner", "product of the dimensions after the axis"), extent("count", "indices per batch")},
              "pad"),
       {&P::batch, &P::outer, &P::axis_size, &P::inner, &P::count},
       [](const P& p) {
         return std::vector<uint64_t>{uint64_t(p.in_elements()), uint64_t(p.index_elements()),
                                      uint64_t(p.out_elements())};
       },
       [](const P& p) { validate(p); },
       [](const P& p, const McuOperands& o) { gather(p, in_i8(o, 0), in_i32(o, 1), out_i8(o, 2)); },
       {},
       gather_from_op,
       {{"tflite",
         "GATHER",
         {nullptr, nullptr},
         {{"axis", 0, McuOperatorForm::Option::Int32}, {"batch_dims", 1, McuOperatorForm::Option::Int32}},
         23}}});
});

}  // namespace

}  // namespace kiln::kernels::table
