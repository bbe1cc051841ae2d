// The MCU kernel table's entry for dilate (kernels/table/entry.h).
#include "kernels/table/entry.h"

#include "kernels/dilate.h"

namespace kiln::kernels::table {

namespace {

// DILATE (the first step of a transpose convolution, compiler/ir/
// transpose_conv.h): NHWC images in and out of one quantization, the
// output's batch and channels the input's; attributes stride (rows, columns)
// and before (where input pixel (0, 0) lands: row, column). The rest of the
// output is the zero point.
DilateParams dilate_from_op(const McuOpView& op) {
  op.expect_tensors(1, 1);
  expect_per_tensor("dilate", "input", op.inputs[0]);
  op.expect_same_quantization(0, 0);
  const std::vector<int64_t>& in = op.inputs[0].shape;
  const std::vector<int64_t>& out = op.outputs[0].shape;
  if (in.size() != 4 || out.size() != 4 || in[0] != out[0] || in[3] != out[3])
    check::fail("dilate", "shape", fmt::format("input {} and output {}: expected NHWC images with the same batch and "
                                               "channels",
                                               dims_string(in), dims_string(out)));
  const std::vector<int32_t> stride = dims32("dilate", "stride", op.attr("stride"));
  const std::vector<int32_t> before = dims32("dilate", "before", op.attr("before"));
  if (stride.size() != 2 || before.size() != 2)
    check::fail("dilate", "stride",
                fmt::format("stride and before of {} and {} entries; expected 2 each (rows, columns)", stride.size(),
                            before.size()));
  const std::vector<int32_t> i = dims32("dilate", "shape", in), o = dims32("dilate", "shape", out);
  DilateParams p;
  p.batch = i[0], p.in_h = i[1], p.in_w = i[2], p.c = i[3], p.out_h = o[1], p.out_w = o[2];
  p.stride_h = stride[0], p.stride_w = stride[1], p.top = before[0], p.left = before[1];
  p.pad_value = op.outputs[0].zero_point();
  validate(p);
  return p;
}

const Registration kDilate([] {
  using P = DilateParams;
  // Priced as pad: the output filled, then channels copied per input pixel.
  entry<P>({kernel(41, "dilate",
                   {in8("in", "input images, NHWC"),
                    out8("out", "output images, NHWC: input pixel (y, x) at (top + y * stride_h, left + x * stride_w)"),
                    extent("batch", "images"), extent("in_h", "input height"), extent("in_w", "input width"),
                    extent("c", "channels"), extent("out_h", "output height"), extent("out_w", "output width"),
                    extent("stride_h", "output rows from one input row to the next"),
                    extent("stride_w", "output columns from one input column to the next"),
                    sint("top", "output row of input row 0 (negative: rows above the output dropped)"),
                    sint("left", "output column of input column 0 (negative: columns dropped)"),
                    sint("pad_value", "the value of every other output element (the zero point)")},
                   "pad"),
            {&P::batch, &P::in_h, &P::in_w, &P::c, &P::out_h, &P::out_w, &P::stride_h, &P::stride_w, &P::top,
             &P::left, &P::pad_value},
            [](const P& p) {
              return std::vector<uint64_t>{uint64_t(p.in_elements()), uint64_t(p.out_elements())};
            },
            [](const P& p) { validate(p); },
            [](const P& p, const McuOperands& o) { dilate(p, in_i8(o, 0), out_i8(o, 1)); },
            {},
            dilate_from_op});
});

}  // namespace

}  // namespace kiln::kernels::table
