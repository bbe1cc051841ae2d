// The MCU kernel table's entry for float_concat (kernels/table/entry.h).
#include "kernels/table/entry.h"

#include "kernels/float_concat.h"

namespace kiln::kernels::table {

namespace {

// Two float32 tensors of one rank joined along attribute axis (negative
// from the back); they agree in every other dimension.
FloatConcatParams float_concat_from_op(const McuOpView& op) {
  op.expect_tensors(2, 1);
  expect_float32("float_concat", op);
  const McuTensorView &a = op.inputs[0], &b = op.inputs[1], &out = op.outputs[0];
  const int64_t rank = int64_t(out.shape.size());
  op.attr("axis");
  int64_t axis = op.attr_or("axis", 0);
  if (axis < 0) axis += rank;
  if (axis < 0 || axis >= rank)
    check::fail("float_concat", "axis", fmt::format("{} is outside the output's rank {}", op.attr_or("axis", 0), rank));
  std::vector<int64_t> expected = a.shape;
  bool fits = a.shape.size() == out.shape.size() && b.shape.size() == out.shape.size();
  for (int64_t d = 0; fits && d < rank; ++d)
    if (d == axis)
      expected[size_t(d)] += b.shape[size_t(d)];
    else
      fits = a.shape[size_t(d)] == b.shape[size_t(d)];
  if (!fits || expected != out.shape)
    check::fail("float_concat", "output",
                fmt::format("shape {} is not the inputs {} and {} joined along axis {}", dims_string(out.shape),
                            dims_string(a.shape), dims_string(b.shape), axis));
  FloatConcatParams p;
  for (int64_t d = 0; d < axis; ++d) p.outer *= out.shape[size_t(d)];
  p.in1_inner = p.outer > 0 ? a.elements() / p.outer : 0;
  p.in2_inner = p.outer > 0 ? b.elements() / p.outer : 0;
  validate(p);
  return p;
}

const Registration kFloatConcat([] {
  using P = FloatConcatParams;
  // Priced as concat2 where a cost table has no entry of its own (a byte
  // copy per element there, four bytes here).
  entry<P>({kernel(53, "float_concat",
                   {in_f32("in1", "first float32 input, outer x in1_inner"),
                    in_f32("in2", "second float32 input, outer x in2_inner"),
                    out_f32("out", "float32 output, outer x (in1_inner + in2_inner)"), extent("outer", "rows"),
                    extent("in1_inner", "elements of the first input per row"),
                    extent("in2_inner", "elements of the second input per row")},
                   "concat2"),
            {&P::outer, &P::in1_inner, &P::in2_inner},
            [](const P& p) {
              return std::vector<uint64_t>{uint64_t(p.outer) * p.in1_inner, uint64_t(p.outer) * p.in2_inner,
                                           uint64_t(p.outer) * (p.in1_inner + p.in2_inner)};
            },
            [](const P& p) { validate(p); },
            [](const P& p, const McuOperands& o) {
              float_concat(p, static_cast<const uint8_t*>(o.at(0).in), static_cast<const uint8_t*>(o.at(1).in),
                           static_cast<uint8_t*>(o.at(2).out));
            },
            {},
            float_concat_from_op});
});

}  // namespace

}  // namespace kiln::kernels::table
