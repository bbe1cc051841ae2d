// The MCU kernel table's entry for slice (kernels/table/entry.h).
#include "kernels/table/entry.h"

#include "kernels/slice.h"

namespace kiln::kernels::table {

namespace {

// SLICE: attributes begin, stride and size, one entry per input dimension;
// the output holds the product of the sizes in any shape.
SliceParams slice_from_op(const McuOpView& op) {
  op.expect_tensors(1, 1);
  op.expect_same_quantization(0, 0);
  const std::vector<int64_t>& in = op.inputs[0].shape;
  const std::vector<int32_t> begin = dims32("slice", "begin", op.attr("begin"));
  const std::vector<int32_t> stride = dims32("slice", "stride", op.attr("stride"));
  const std::vector<int32_t> size = dims32("slice", "size", op.attr("size"));
  if (begin.size() != in.size() || stride.size() != in.size() || size.size() != in.size())
    check::fail("slice", "begin",
                fmt::format("begin, stride and size of {}, {} and {} entries for input {}", begin.size(),
                            stride.size(), size.size(), dims_string(in)));
  const SliceParams p =
      slice_params(dims32("slice", "shape", in).data(), begin.data(), stride.data(), size.data(), int(in.size()));
  if (p.out_elements() != op.outputs[0].elements())
    check::fail("slice", "size",
                fmt::format("output {} does not hold the {} elements of the slice", dims_string(op.outputs[0].shape),
                            p.out_elements()));
  return p;
}

const Registration kSlice([] {
  using P = SliceParams;
  // Priced as pad: one byte moved per element with index arithmetic.
  entry<P>(
      {kernel(
           29, "slice",
           join({{in8("in", "input tensor"), out8("out", "output tensor, n0 x ... x n5")},
                 shape_args(),
                 {extent("b0", "first index of dimension 0"), extent("b1", "first index of dimension 1"),
                  extent("b2", "first index of dimension 2"), extent("b3", "first index of dimension 3"),
                  extent("b4", "first index of dimension 4"), extent("b5", "first index of dimension 5"),
                  sint("s0", "step along dimension 0 (not 0)"), sint("s1", "step along dimension 1"),
                  sint("s2", "step along dimension 2"), sint("s3", "step along dimension 3"),
                  sint("s4", "step along dimension 4"), sint("s5", "step along dimension 5"),
                  extent("n0", "indices taken along dimension 0"), extent("n1", "indices taken along dimension 1"),
                  extent("n2", "indices taken along dimension 2"), extent("n3", "indices taken along dimension 3"),
                  extent("n4", "indices taken along dimension 4"), extent("n5", "indices taken along dimension 5")}}),
           "pad"),
       {&P::d0, &P::d1, &P::d2, &P::d3, &P::d4, &P::d5, &P::b0, &P::b1, &P::b2, &P::b3, &P::b4, &P::b5,
        &P::s0, &P::s1, &P::s2, &P::s3, &P::s4, &P::s5, &P::n0, &P::n1, &P::n2, &P::n3, &P::n4, &P::n5},
       [](const P& p) {
         return std::vector<uint64_t>{uint64_t(p.in_elements()), uint64_t(p.out_elements())};
       },
       [](const P& p) { validate(p); },
       [](const P& p, const McuOperands& o) { slice(p, in_i8(o, 0), out_i8(o, 1)); },
       {},
       slice_from_op});
});

}  // namespace

}  // namespace kiln::kernels::table
