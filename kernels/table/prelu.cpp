// The MCU kernel table's entry for prelu (kernels/table/entry.h).
#include "kernels/table/entry.h"

#include "kernels/prelu.h"

namespace kiln::kernels::table {

namespace {

// PRELU: input and output of one shape; the slope (input 1) repeats along
// the output's innermost dimensions (its shape, less leading 1s, is the
// output's last dimensions: per channel, or a scalar).
PreluParams prelu_from_op(const McuOpView& op) {
  op.expect_tensors(2, 1);
  const McuTensorView &in = op.inputs[0], &alpha = op.inputs[1], &out = op.outputs[0];
  if (in.data) check::fail("prelu", "input", "a constant input is unsupported");
  expect_per_tensor("prelu", "input", in);
  expect_per_tensor("prelu", "alpha", alpha);
  expect_per_tensor("prelu", "output", out);
  if (in.shape != out.shape)
    check::fail("prelu", "shape", fmt::format("input {} and output {} differ", dims_string(in.shape),
                                              dims_string(out.shape)));
  expect_repeats_innermost("prelu", "alpha", alpha, out);
  PreluParams p;
  p.count = out.elements();
  p.alpha_count = alpha.elements();
  p.in_zp = in.zero_point(), p.alpha_zp = alpha.zero_point(), p.out_zp = out.zero_point();
  prelu_rescales(in.scale(), alpha.scale(), out.scale(), &p);
  validate(p);
  return p;
}

const Registration kPrelu([] {
  using P = PreluParams;
  // Priced as requantize, as mul is: one product and one rescale per element.
  entry<P>(
      {kernel(33, "prelu",
              {in8("in", "input tensor"), in8("alpha", "slope, alpha_count elements repeated along the input"),
               out8("out", "output tensor"), extent("count", "elements"),
               extent("alpha_count", "elements of alpha (count, or a divisor it repeats: per channel, scalar)"),
               in_zp(), sint("alpha_zp", "slope zero point"), out_zp(),
               sint("mult_identity", "multiplier of s_in / s_out"), sint("shift_identity", "its shift"),
               sint("mult_alpha", "multiplier of s_in * s_alpha / s_out"), sint("shift_alpha", "its shift")},
              "requantize"),
       {&P::count, &P::alpha_count, &P::in_zp, &P::alpha_zp, &P::out_zp, &P::mult_identity, &P::shift_identity,
        &P::mult_alpha, &P::shift_alpha},
       [](const P& p) {
         return std::vector<uint64_t>{uint64_t(p.count), uint64_t(p.alpha_count), uint64_t(p.count)};
       },
       [](const P& p) { validate(p); },
       [](const P& p, const McuOperands& o) { prelu(p, in_i8(o, 0), in_i8(o, 1), out_i8(o, 2)); },
       {},
       prelu_from_op,
       {{"tflite", "PRELU", {nullptr, nullptr}}}});
});

}  // namespace

}  // namespace kiln::kernels::table
