// The MCU kernel table's entry for log_softmax (kernels/table/entry.h).
#include "kernels/table/entry.h"

#include <climits>

#include "kernels/log_softmax.h"

namespace kiln::kernels::table {

namespace {

// LOG_SOFTMAX: over the innermost axis; input and output of one shape, the
// output of the one quantization TFLite Micro accepts (scale 16/256, zero
// point 127); the fixed-point parameters follow from the input scale.
LogSoftmaxParams log_softmax_from_op(const McuOpView& op) {
  op.expect_tensors(1, 1);
  const McuTensorView &in = op.inputs[0], &out = op.outputs[0];
  expect_per_tensor("log_softmax", "input", in);
  expect_per_tensor("log_softmax", "output", out);
  if (in.shape.empty() || in.shape != out.shape)
    check::fail("log_softmax", "shape",
                fmt::format("input {} and output {}: expected one shape of rank 1 or more", dims_string(in.shape),
                            dims_string(out.shape)));
  if (out.scale() != kLogSoftmaxOutputScale || out.zero_point() != kLogSoftmaxOutputZeroPoint)
    check::fail("log_softmax", "output",
                fmt::format("scale {} and zero point {}; TFLite Micro requires scale 16/256 (0.0625) and zero "
                            "point 127",
                            out.scale(), out.zero_point()));
  const int64_t depth = in.shape.back();
  if (depth > INT32_MAX) check::fail("log_softmax", "depth", fmt::format("{} is outside int32", depth));
  const LogSoftmaxParams p = make_log_softmax_params(in.scale(), in.elements() / depth, int(depth));
  validate(p);
  return p;
}

const Registration kLogSoftmax([] {
  using P = LogSoftmaxParams;
  // Priced as softmax: the same exp, sum and per-element rescale, a log in place of the reciprocal.
  entry<P>({kernel(43, "log_softmax",
                   {in8("in", "input, rows x depth"), out8("out", "output, rows x depth, scale 16/256, zero point 127"),
                    extent("rows", "rows"), extent("depth", "elements per row, at most 4095"),
                    sint("input_mult", "multiplier of input_scale (Q5.26 differences)"),
                    sint("input_left_shift", "left shift of input_scale"),
                    sint("reverse_scaling_divisor", "multiplier of the inverse of the input scaling"),
                    sint("reverse_scaling_shift", "its shift (<= 0)"),
                    sint("diff_min", "smallest difference to the row maximum that counts")},
                   "softmax"),
            {&P::rows, &P::depth, &P::input_mult, &P::input_left_shift, &P::reverse_scaling_divisor,
             &P::reverse_scaling_shift, &P::diff_min},
            [](const P& p) { return std::vector<uint64_t>(2, uint64_t(p.rows) * p.depth); },
            [](const P& p) { validate(p); },
            [](const P& p, const McuOperands& o) { log_softmax(p, in_i8(o, 0), out_i8(o, 1)); },
            {},
            log_softmax_from_op,
            {{"tflite", "LOG_SOFTMAX", {nullptr}}}});
});

}  // namespace

}  // namespace kiln::kernels::table
