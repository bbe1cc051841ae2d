// The MCU kernel table's entry for reduce (kernels/table/entry.h).
#include "kernels/table/entry.h"

#include "kernels/reduce.h"
#include "kernels/requantize.h"

namespace kiln::kernels::table {

namespace {

// REDUCE_MAX, REDUCE_MIN, SUM: attribute axis (the dimensions reduced) and
// keep_dims; the output holds the kept dimensions, with 1s for the reduced
// ones under keep_dims. REDUCE_MAX and REDUCE_MIN: input and output of one
// quantization, as TFLite Micro requires; SUM rescales between the two.
ReduceParams reduce_from_op(const McuOpView& op, const char* kernel, bool sum) {
  op.expect_tensors(1, 1);
  expect_per_tensor(kernel, "input", op.inputs[0]);
  expect_per_tensor(kernel, "output", op.outputs[0]);
  if (!sum) op.expect_same_quantization(0, 0);
  const std::vector<int64_t>& in = op.inputs[0].shape;
  const std::vector<int64_t>& out = op.outputs[0].shape;
  const std::vector<int64_t>& axes = op.attr("axis");
  ReduceParams p = reduce_params(kernel, dims32(kernel, "shape", in).data(), int(in.size()), axes.data(), axes.size());
  if (sum) {
    p.in_zp = op.inputs[0].zero_point(), p.out_zp = op.outputs[0].zero_point();
    quantize_multiplier(double(op.inputs[0].scale()) / double(op.outputs[0].scale()), &p.mult, &p.shift);
  }
  const bool keep_dims = op.attr_or("keep_dims", 0) != 0;
  std::vector<int64_t> expected;
  for (size_t k = 0; k < in.size(); ++k)
    if (!p.reduced()[size_t(kMaxReduceRank) - in.size() + k])
      expected.push_back(in[k]);
    else if (keep_dims)
      expected.push_back(1);
  if (out != expected)
    check::fail(kernel, "output",
                fmt::format("shape {} is not {}, the input {} reduced over axis {}{}", dims_string(out),
                            dims_string(expected), dims_string(in), dims_string(axes),
                            keep_dims ? " with keep_dims" : ""));
  validate(p, kernel);
  return p;
}

const Registration kReduce([] {
  using P = ReduceParams;
  // Priced as max_pool: one comparison per input element visited.
  const auto args = [](const char* extremum) {
    return join({{in8("in", "input tensor"), out8("out", "output tensor, the kept dimensions")},
                 shape_args(),
                 {extent("r0", extremum), extent("r1", "1: dimension 1 is reduced"),
                  extent("r2", "1: dimension 2 is reduced"), extent("r3", "1: dimension 3 is reduced"),
                  extent("r4", "1: dimension 4 is reduced"), extent("r5", "1: dimension 5 is reduced")}});
  };
  const std::vector<McuKernelDef<P>::Field> fields = {&P::d0, &P::d1, &P::d2, &P::d3, &P::d4, &P::d5,
                                                      &P::r0, &P::r1, &P::r2, &P::r3, &P::r4, &P::r5};
  const auto elements = [](const P& p) {
    return std::vector<uint64_t>{uint64_t(p.in_elements()), uint64_t(p.out_elements())};
  };
  const auto visited = [](const P& p) { return uint64_t(p.in_elements()); };
  const McuOperatorForm::OptionField keep_dims = {"keep_dims", 0, McuOperatorForm::Option::Bool};
  entry<P>({kernel(35, "reduce_max", args("1: dimension 0 is reduced (its maximum taken)"), "max_pool"),
            fields, elements, [](const P& p) { validate(p, "reduce_max"); },
            [](const P& p, const McuOperands& o) { reduce_max(p, in_i8(o, 0), out_i8(o, 1)); },
            visited,
            [](const McuOpView& op) { return reduce_from_op(op, "reduce_max", false); },
            {{"tflite", "REDUCE_MAX", {nullptr, "axis"}, {keep_dims}, 27}}});
  entry<P>({kernel(36, "reduce_min", args("1: dimension 0 is reduced (its minimum taken)"), "max_pool"),
            fields, elements, [](const P& p) { validate(p, "reduce_min"); },
            [](const P& p, const McuOperands& o) { reduce_min(p, in_i8(o, 0), out_i8(o, 1)); },
            visited,
            [](const McuOpView& op) { return reduce_from_op(op, "reduce_min", false); },
            {{"tflite", "REDUCE_MIN", {nullptr, "axis"}, {keep_dims}, 27}}});
  // Priced as mean: one addition per input element, one rescale per output.
  auto sum_fields = fields;
  sum_fields.insert(sum_fields.end(), {&P::in_zp, &P::out_zp, &P::mult, &P::shift});
  entry<P>(
      {kernel(40, "sum",
              join({args("1: dimension 0 is reduced (summed)"),
                    {in_zp(), out_zp(), sint("mult", "multiplier of input_scale / output_scale"),
                     sint("shift", "shift of input_scale / output_scale")}}),
              "mean"),
       sum_fields, elements, [](const P& p) { validate(p, "sum"); },
       [](const P& p, const McuOperands& o) { reduce_sum(p, in_i8(o, 0), out_i8(o, 1)); },
       visited,
       [](const McuOpView& op) { return reduce_from_op(op, "sum", true); },
       {{"tflite", "SUM", {nullptr, "axis"}, {keep_dims}, 27}}});
});

}  // namespace

}  // namespace kiln::kernels::table
