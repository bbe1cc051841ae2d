// The MCU kernel table's entries for arg_max and arg_min (kernels/table/entry.h).
#include "kernels/table/entry.h"

#include <climits>

#include "kernels/arg_min_max.h"

namespace kiln::kernels::table {

namespace {

// ARG_MAX, ARG_MIN: attribute axis (one value, negative counts from the
// back) and keep_dims (ONNX's keepdims; TFLite has none); an int8 input of
// any quantization (its stored values are compared) and an int32 output of
// the input's shape without the axis, or with 1 there under keep_dims.
ArgMinMaxParams arg_min_max_from_op(const McuOpView& op, const char* kernel) {
  op.expect_tensors(1, 1);
  const McuTensorView &in = op.inputs[0], &out = op.outputs[0];
  if (in.element != McuElement::Int8) check::fail(kernel, "input", "expected an int8 tensor");
  if (out.element != McuElement::Int32)
    check::fail(kernel, "output", "expected an int32 tensor (TFLite Micro writes int32 indices only)");
  const std::vector<int64_t>& axes = op.attr("axis");
  const int64_t rank = int64_t(in.shape.size());
  if (axes.size() != 1) check::fail(kernel, "axis", fmt::format("{} values; expected one", axes.size()));
  const int64_t axis = axes[0] < 0 ? axes[0] + rank : axes[0];
  if (axis < 0 || axis >= rank)
    check::fail(kernel, "axis", fmt::format("{} is outside the input's rank {}", axes[0], rank));
  const bool keep_dims = op.attr_or("keep_dims", 0) != 0;
  std::vector<int64_t> expected = in.shape;
  if (keep_dims)
    expected[size_t(axis)] = 1;
  else
    expected.erase(expected.begin() + axis);
  if (out.shape != expected)
    check::fail(kernel, "output", fmt::format("shape {} is not {}, the input {} {} axis {}", dims_string(out.shape),
                                              dims_string(expected), dims_string(in.shape),
                                              keep_dims ? "with 1 along" : "without", axes[0]));
  int64_t outer = 1, inner = 1;
  for (int64_t k = 0; k < axis; ++k) outer *= in.shape[size_t(k)];
  for (int64_t k = axis + 1; k < rank; ++k) inner *= in.shape[size_t(k)];
  for (const int64_t v : {outer, in.shape[size_t(axis)], inner})
    if (v > INT32_MAX) check::fail(kernel, "shape", fmt::format("{} is outside int32", v));
  ArgMinMaxParams p;
  p.outer = int(outer), p.axis_size = int(in.shape[size_t(axis)]), p.inner = int(inner);
  validate(p, kernel);
  return p;
}

const Registration kArgMinMax([] {
  using P = ArgMinMaxParams;
  // Priced as max_pool: one comparison per input element.
  const auto args = [](const char* what) {
    return std::vector<McuArg>{in8("in", "input tensor, outer x axis_size x inner"), out32("out", what),
                               extent("outer", "product of the dimensions before the axis"),
                               extent("axis_size", "the input's dimension along the axis"),
                               extent("inner", "product of the dimensions after the axis")};
  };
  const std::vector<McuKernelDef<P>::Field> fields = {&P::outer, &P::axis_size, &P::inner};
  const auto elements = [](const P& p) {
    return std::vector<uint64_t>{uint64_t(p.in_elements()), uint64_t(p.out_elements())};
  };
  const auto compared = [](const P& p) { return uint64_t(p.in_elements()); };
  entry<P>({kernel(44, "arg_max", args("int32 index of the first largest value, outer x inner"), "max_pool"),
            fields, elements, [](const P& p) { validate(p, "arg_max"); },
            [](const P& p, const McuOperands& o) { arg_max(p, in_i8(o, 0), out_i32(o, 1)); },
            compared,
            [](const McuOpView& op) { return arg_min_max_from_op(op, "arg_max"); },
            {{"tflite", "ARG_MAX", {nullptr, "axis"}}}});
  entry<P>({kernel(45, "arg_min", args("int32 index of the first smallest value, outer x inner"), "max_pool"),
            fields, elements, [](const P& p) { validate(p, "arg_min"); },
            [](const P& p, const McuOperands& o) { arg_min(p, in_i8(o, 0), out_i32(o, 1)); },
            compared,
            [](const McuOpView& op) { return arg_min_max_from_op(op, "arg_min"); },
            {{"tflite", "ARG_MIN", {nullptr, "axis"}}}});
});

}  // namespace

}  // namespace kiln::kernels::table
