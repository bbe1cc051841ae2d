// The MCU kernel table's entry for float_avg_pool (kernels/table/entry.h).
#include "kernels/table/entry.h"

#include <tuple>

#include "kernels/float_avg_pool.h"

namespace kiln::kernels::table {

namespace {

// Two values of attribute `name` in [0, 2^24], else the kernel's named error.
std::pair<int, int> pair_attr(const McuOpView& op, const char* name) {
  const std::vector<int64_t>& v = op.attr(name);
  if (v.size() != 2) check::fail("float_avg_pool", name, fmt::format("{} values, expected 2", v.size()));
  for (int64_t x : v) check::range("float_avg_pool", name, x, 0, check::kMaxDim);
  return {int(v[0]), int(v[1])};
}

// Average pooling of an NHWC float32 tensor: attributes window (kh, kw),
// strides (h, w) and pads (top, left); the output's height and width are
// its shape's.
PoolParams float_avg_pool_from_op(const McuOpView& op) {
  op.expect_tensors(1, 1);
  expect_float32("float_avg_pool", op);
  const McuTensorView &in = op.inputs[0], &out = op.outputs[0];
  if (in.shape.size() != 4 || out.shape.size() != 4 || in.shape[0] != out.shape[0] || in.shape[3] != out.shape[3])
    check::fail("float_avg_pool", "output",
                fmt::format("input {} and output {} are not NHWC tensors of one batch and channel count",
                            dims_string(in.shape), dims_string(out.shape)));
  const std::vector<int32_t> is = dims32("float_avg_pool", "input", in.shape);
  const std::vector<int32_t> os = dims32("float_avg_pool", "output", out.shape);
  PoolParams p;
  p.batches = is[0], p.in_h = is[1], p.in_w = is[2], p.c = is[3], p.out_h = os[1], p.out_w = os[2];
  std::tie(p.kh, p.kw) = pair_attr(op, "window");
  std::tie(p.stride_h, p.stride_w) = pair_attr(op, "strides");
  std::tie(p.pad_top, p.pad_left) = pair_attr(op, "pads");
  validate_float_avg_pool(p);
  return p;
}

const Registration kFloatAvgPool([] {
  using P = PoolParams;
  // Priced as the int8 avg_pool where a cost table has no entry of its own.
  entry<P>({kernel(51, "float_avg_pool",
                   join({{in_f32("in", "float32 input, NHWC"), out_f32("out", "float32 output, NHWC"),
                          extent("batches", "images"), extent("in_h", "input height"), extent("in_w", "input width"),
                          extent("c", "channels"), extent("out_h", "output height"), extent("out_w", "output width")},
                         window_args(false)}),
                   "avg_pool"),
            {&P::batches, &P::in_h, &P::in_w, &P::c, &P::out_h, &P::out_w, &P::kh, &P::kw, &P::stride_h,
             &P::stride_w, &P::pad_top, &P::pad_left},
            [](const P& p) {
              return std::vector<uint64_t>{uint64_t(p.batches) * p.in_h * p.in_w * p.c,
                                           uint64_t(p.batches) * p.out_h * p.out_w * p.c};
            },
            [](const P& p) { validate_float_avg_pool(p); },
            [](const P& p, const McuOperands& o) {
              float_avg_pool(p, static_cast<const uint8_t*>(o.at(0).in), static_cast<uint8_t*>(o.at(1).out));
            },
            [](const P& p) { return macs(p); },
            float_avg_pool_from_op});
});

}  // namespace

}  // namespace kiln::kernels::table
