// The MCU kernel table's entry for transpose (kernels/table/entry.h).
#include "kernels/table/entry.h"

#include "kernels/transpose.h"

namespace kiln::kernels::table {

namespace {

// TRANSPOSE: attribute perm, the input dimension of each output dimension.
TransposeParams transpose_from_op(const McuOpView& op) {
  op.expect_tensors(1, 1);
  op.expect_same_quantization(0, 0);
  const std::vector<int64_t>& in = op.inputs[0].shape;
  const std::vector<int64_t>& out = op.outputs[0].shape;
  const std::vector<int32_t> perm = dims32("transpose", "perm", op.attr("perm"));
  if (perm.size() != in.size() || in.size() != out.size())
    check::fail("transpose", "perm",
                fmt::format("{} entries for input {} and output {}", perm.size(), dims_string(in), dims_string(out)));
  const TransposeParams p =
      transpose_params(dims32("transpose", "shape", in).data(), perm.data(), int(in.size()));
  for (size_t i = 0; i < out.size(); ++i)
    if (out[i] != in[size_t(perm[i])])
      check::fail("transpose", "perm",
                  fmt::format("output {} is not input {} permuted by perm", dims_string(out), dims_string(in)));
  return p;
}

const Registration kTranspose([] {
  using P = TransposeParams;
  // Priced as pad: one byte moved per element with index arithmetic.
  entry<P>(
      {kernel(28, "transpose",
              join({{in8("in", "input tensor"), out8("out", "output tensor, dimension i the input's dimension p<i>")},
                    shape_args(),
                    {extent("p0", "input dimension of output dimension 0"),
                     extent("p1", "input dimension of output dimension 1"),
                     extent("p2", "input dimension of output dimension 2"),
                     extent("p3", "input dimension of output dimension 3"),
                     extent("p4", "input dimension of output dimension 4"),
                     extent("p5", "input dimension of output dimension 5")}}),
              "pad"),
       {&P::d0, &P::d1, &P::d2, &P::d3, &P::d4, &P::d5, &P::p0, &P::p1, &P::p2, &P::p3, &P::p4, &P::p5},
       [](const P& p) {
         return std::vector<uint64_t>{uint64_t(p.elements()), uint64_t(p.elements())};
       },
       [](const P& p) { validate(p); },
       [](const P& p, const McuOperands& o) { transpose(p, in_i8(o, 0), out_i8(o, 1)); },
       {},
       transpose_from_op});
});

}  // namespace

}  // namespace kiln::kernels::table
