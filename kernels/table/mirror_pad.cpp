// The MCU kernel table's entry for mirror_pad (kernels/table/entry.h).
#include "kernels/table/entry.h"

#include "kernels/mirror_pad.h"

namespace kiln::kernels::table {

namespace {

// MIRROR_PAD: attributes before and after, one entry per input dimension,
// and symmetric (0: REFLECT, 1: SYMMETRIC); the output's shape is the padded one.
MirrorPadParams mirror_pad_from_op(const McuOpView& op) {
  op.expect_tensors(1, 1);
  op.expect_same_quantization(0, 0);
  const std::vector<int64_t>& in = op.inputs[0].shape;
  const std::vector<int64_t>& out = op.outputs[0].shape;
  const std::vector<int32_t> before = dims32("mirror_pad", "before", op.attr("before"));
  const std::vector<int32_t> after = dims32("mirror_pad", "after", op.attr("after"));
  if (before.size() != in.size() || after.size() != in.size() || out.size() != in.size())
    check::fail("mirror_pad", "before",
                fmt::format("before and after of {} and {} entries for input {} and output {}", before.size(),
                            after.size(), dims_string(in), dims_string(out)));
  const MirrorPadParams p = mirror_pad_params(dims32("mirror_pad", "shape", in).data(), before.data(), after.data(),
                                              int(in.size()), op.attr_or("symmetric", 0) != 0);
  for (size_t k = 0; k < in.size(); ++k)
    if (out[k] != in[k] + before[k] + after[k])
      check::fail("mirror_pad", "shape",
                  fmt::format("output {} is not input {} padded by before and after", dims_string(out),
                              dims_string(in)));
  return p;
}

const Registration kMirrorPad([] {
  using P = MirrorPadParams;
  // Priced as pad: one byte moved per output element with index arithmetic.
  entry<P>(
      {kernel(
           31, "mirror_pad",
           join({{in8("in", "input tensor"), out8("out", "output tensor, (d0+b0+a0) x ... x (d5+b5+a5)")},
                 shape_args(),
                 {extent("b0", "indices added before dimension 0"), extent("b1", "indices added before dimension 1"),
                  extent("b2", "indices added before dimension 2"), extent("b3", "indices added before dimension 3"),
                  extent("b4", "indices added before dimension 4"), extent("b5", "indices added before dimension 5"),
                  extent("a0", "indices added after dimension 0"), extent("a1", "indices added after dimension 1"),
                  extent("a2", "indices added after dimension 2"), extent("a3", "indices added after dimension 3"),
                  extent("a4", "indices added after dimension 4"), extent("a5", "indices added after dimension 5"),
                  extent("symmetric", "0: REFLECT (the edge is not repeated), 1: SYMMETRIC (it is)")}}),
           "pad"),
       {&P::d0, &P::d1, &P::d2, &P::d3, &P::d4, &P::d5, &P::b0, &P::b1, &P::b2, &P::b3, &P::b4, &P::b5, &P::a0,
        &P::a1, &P::a2, &P::a3, &P::a4, &P::a5, &P::symmetric},
       [](const P& p) {
         return std::vector<uint64_t>{uint64_t(p.in_elements()), uint64_t(p.out_elements())};
       },
       [](const P& p) { validate(p); },
       [](const P& p, const McuOperands& o) { mirror_pad(p, in_i8(o, 0), out_i8(o, 1)); },
       {},
       mirror_pad_from_op});
});

}  // namespace

}  // namespace kiln::kernels::table
