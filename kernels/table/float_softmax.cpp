// The MCU kernel table's entry for float_softmax (kernels/table/entry.h).
#include "kernels/table/entry.h"

#include "kernels/float_boundary.h"
#include "kernels/float_softmax.h"

namespace kiln::kernels::table {

namespace {

// Softmax over the last dimension of a float32 tensor; real attribute beta
// (absent: 1, as ONNX's Softmax).
FloatSoftmaxParams float_softmax_from_op(const McuOpView& op) {
  op.expect_tensors(1, 1);
  expect_float32("float_softmax", op);
  const McuTensorView &in = op.inputs[0], &out = op.outputs[0];
  if (in.shape.empty() || in.shape != out.shape)
    check::fail("float_softmax", "output",
                fmt::format("shape {} is not the input's {}", dims_string(out.shape), dims_string(in.shape)));
  FloatSoftmaxParams p;
  p.depth = in.shape.back();
  p.rows = p.depth > 0 ? in.elements() / p.depth : 0;
  const auto beta = op.real_attrs.find("beta");
  p.beta_bits = float_bits(beta == op.real_attrs.end() ? 1.0f : float(beta->second));
  validate(p);
  return p;
}

const Registration kFloatSoftmax([] {
  using P = FloatSoftmaxParams;
  // Priced as the int8 softmax where a cost table has no entry of its own.
  entry<P>({kernel(50, "float_softmax",
                   {in_f32("in", "float32 input, rows x depth"), out_f32("out", "float32 output, rows x depth"),
                    extent("rows", "rows (the product of every dimension but the last)"),
                    extent("depth", "elements per row (the last dimension)"),
                    sint("beta_bits", "binary32 bits of beta, the inputs' factor")},
                   "softmax"),
            {&P::rows, &P::depth, &P::beta_bits},
            [](const P& p) { return std::vector<uint64_t>(2, uint64_t(p.rows) * uint64_t(p.depth)); },
            [](const P& p) { validate(p); },
            [](const P& p, const McuOperands& o) {
              float_softmax(p, static_cast<const uint8_t*>(o.at(0).in), static_cast<uint8_t*>(o.at(1).out));
            },
            {},
            float_softmax_from_op});
});

}  // namespace

}  // namespace kiln::kernels::table
