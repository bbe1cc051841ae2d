// The MCU kernel table's entry for squared_difference (kernels/table/entry.h).
#include "kernels/table/entry.h"

#include "kernels/squared_difference.h"

namespace kiln::kernels::table {

namespace {

// SQUARED_DIFFERENCE: either input may repeat along the output's innermost
// dimensions; one scale and zero point per tensor.
SquaredDifferenceParams squared_difference_from_op(const McuOpView& op) {
  op.expect_tensors(2, 1);
  const McuTensorView &a = op.inputs[0], &b = op.inputs[1], &out = op.outputs[0];
  if (a.data && b.data) check::fail("squared_difference", "in1", "both inputs are constants: unsupported");
  if (out.elements() != std::max(a.elements(), b.elements()))
    check::fail("squared_difference", "output",
                fmt::format("shape {} is not that of the larger input ({}, {})", dims_string(out.shape),
                            dims_string(a.shape), dims_string(b.shape)));
  expect_per_tensor("squared_difference", "in1", a);
  expect_per_tensor("squared_difference", "in2", b);
  expect_per_tensor("squared_difference", "output", out);
  expect_repeats_innermost("squared_difference", "in1", a, out);
  expect_repeats_innermost("squared_difference", "in2", b, out);
  SquaredDifferenceParams p;
  p.count = out.elements(), p.in1_count = a.elements(), p.in2_count = b.elements();
  p.in1_zp = a.zero_point(), p.in2_zp = b.zero_point(), p.out_zp = out.zero_point();
  squared_difference_rescales(a.scale(), b.scale(), out.scale(), &p);
  validate(p);
  return p;
}

const Registration kSquaredDifference([] {
  using P = SquaredDifferenceParams;
  // Priced as add: the same two input rescales and one output rescale per element.
  entry<P>(
      {kernel(
           34, "squared_difference",
           {in8("in1", "first input tensor"), in8("in2", "second input tensor"), out8("out", "output tensor"),
            extent("count", "output elements"),
            extent("in1_count", "elements of in1 (count, or a divisor it repeats: per channel, scalar)"),
            extent("in2_count", "elements of in2 (count, or a divisor it repeats: per channel, scalar)"),
            sint("in1_zp", "first input zero point"), sint("in2_zp", "second input zero point"), out_zp(),
            sint("left_shift", "left shift of both inputs before rescaling (TFLite: 7)"),
            sint("in1_mult", "first input multiplier"), sint("in1_shift", "first input shift (<= 0)"),
            sint("in2_mult", "second input multiplier"), sint("in2_shift", "second input shift (<= 0)"),
            sint("out_mult", "multiplier of the square's rescale"), sint("out_shift", "its shift (may be positive)")},
           "add"),
       {&P::count, &P::in1_count, &P::in2_count, &P::in1_zp, &P::in2_zp, &P::out_zp, &P::left_shift, &P::in1_mult,
        &P::in1_shift, &P::in2_mult, &P::in2_shift, &P::out_mult, &P::out_shift},
       [](const P& p) {
         return std::vector<uint64_t>{uint64_t(p.in1_count), uint64_t(p.in2_count), uint64_t(p.count)};
       },
       [](const P& p) { validate(p); },
       [](const P& p, const McuOperands& o) { squared_difference(p, in_i8(o, 0), in_i8(o, 1), out_i8(o, 2)); },
       {},
       squared_difference_from_op,
       {{"tflite", "SQUARED_DIFFERENCE", {nullptr, nullptr}}}});
});

}  // namespace

}  // namespace kiln::kernels::table
