// The MCU kernel table's entry for batch_matmul (kernels/table/entry.h).
#include "kernels/table/entry.h"

#include <algorithm>

#include "kernels/batch_matmul.h"
#include "kernels/requantize.h"

namespace kiln::kernels::table {

namespace {

// BATCH_MATMUL: two int8 operands of rank 2 to 5 (TFLite Micro's limits),
// not both constants, their batch dimensions broadcast as TFLite Micro's
// Prepare checks them; attributes adj_x and adj_y (0 or 1) and the clamp
// act_min, act_max (TFLite's operator has none: -128 and 127). The output's
// shape follows and is checked; its rescale is TFLite Micro's
// GetQuantizedConvolutionMultipler: the scales' product in float, divided in double.
BatchMatMulParams batch_matmul_from_op(const McuOpView& op) {
  constexpr const char* k = "batch_matmul";
  op.expect_tensors(2, 1);
  const McuTensorView &lhs = op.inputs[0], &rhs = op.inputs[1], &out = op.outputs[0];
  expect_per_tensor(k, "lhs", lhs);
  expect_per_tensor(k, "rhs", rhs);
  expect_per_tensor(k, "output", out);
  if (lhs.data && rhs.data) check::fail(k, "rhs", "both inputs are constants: unsupported");
  for (const McuTensorView* t : {&lhs, &rhs})
    if (t->shape.size() < 2 || t->shape.size() > 5)
      check::fail(k, t == &lhs ? "lhs" : "rhs",
                  fmt::format("shape {}: rank {} unsupported; supported: 2 to 5", dims_string(t->shape),
                              t->shape.size()));
  const bool adj_x = op.attr_or("adj_x", 0) != 0, adj_y = op.attr_or("adj_y", 0) != 0;
  // Both shapes extended to rank 5 with leading 1s: three batch dimensions, then the matrix.
  std::vector<int64_t> l(5 - lhs.shape.size(), 1), r(5 - rhs.shape.size(), 1);
  l.insert(l.end(), lhs.shape.begin(), lhs.shape.end());
  r.insert(r.end(), rhs.shape.begin(), rhs.shape.end());
  const int64_t rows = adj_x ? l[4] : l[3], depth = adj_x ? l[3] : l[4];
  const int64_t rhs_depth = adj_y ? r[4] : r[3], cols = adj_y ? r[3] : r[4];
  if (depth != rhs_depth)
    check::fail(k, "rhs", fmt::format("lhs {}{} sums over {} values, rhs {}{} over {}", dims_string(lhs.shape),
                                      adj_x ? " (adj_x)" : "", depth, dims_string(rhs.shape),
                                      adj_y ? " (adj_y)" : "", rhs_depth));
  const size_t rank = std::max(lhs.shape.size(), rhs.shape.size());
  std::vector<int64_t> expected;
  for (size_t i = 5 - rank; i < 3; ++i) {
    if (l[i] != r[i] && l[i] != 1 && r[i] != 1)
      check::fail(k, "rhs", fmt::format("lhs {} and rhs {}: batch dimensions {} and {} differ and neither is 1",
                                        dims_string(lhs.shape), dims_string(rhs.shape), l[i], r[i]));
    expected.push_back(std::max(l[i], r[i]));
  }
  expected.insert(expected.end(), {rows, cols});
  if (out.shape != expected)
    check::fail(k, "output", fmt::format("shape {} is not {}, the product of lhs {} and rhs {}", dims_string(out.shape),
                                         dims_string(expected), dims_string(lhs.shape), dims_string(rhs.shape)));
  const std::vector<int32_t> l32 = dims32(k, "lhs", l), r32 = dims32(k, "rhs", r);
  BatchMatMulParams p;
  p.lhs_b0 = l32[0], p.lhs_b1 = l32[1], p.lhs_b2 = l32[2];
  p.rhs_b0 = r32[0], p.rhs_b1 = r32[1], p.rhs_b2 = r32[2];
  p.rows = int(rows), p.depth = int(depth), p.cols = int(cols);
  p.adj_x = adj_x ? 1 : 0, p.adj_y = adj_y ? 1 : 0;
  p.lhs_zp = lhs.zero_point(), p.rhs_zp = rhs.zero_point(), p.out_zp = out.zero_point();
  const float product = lhs.scale() * rhs.scale();
  const double real = double(product) / double(out.scale());
  // At 2^30 and above TFLite's double-rounding rescale shifts an int32 by 31 bits or more (undefined).
  if (!(real < double(1 << 30)))
    check::fail(k, "output", fmt::format("requantization scale {:g} (lhs scale times rhs scale over the output's) "
                                         "is 2^30 or more: unsupported", real));
  quantize_multiplier(real, &p.mult, &p.shift);
  p.act_min = int32_t(op.attr_or("act_min", -128)), p.act_max = int32_t(op.attr_or("act_max", 127));
  validate(p);
  return p;
}

const Registration kBatchMatMul([] {
  using P = BatchMatMulParams;
  // Priced as fully_connected: a multiply-accumulate per MAC, a requantization per output.
  entry<P>(
      {kernel(46, "batch_matmul",
              {in8("lhs", "left operand, lhs_b0 x lhs_b1 x lhs_b2 matrices of rows x depth (depth x rows: adj_x)"),
               in8("rhs", "right operand, rhs_b0 x rhs_b1 x rhs_b2 matrices of depth x cols (cols x depth: adj_y)"),
               out8("out", "output, the broadcast batches of rows x cols matrices"),
               extent("lhs_b0", "the left operand's first batch dimension"),
               extent("lhs_b1", "its second"), extent("lhs_b2", "its third"),
               extent("rhs_b0", "the right operand's first batch dimension (equal, or one of the pair 1)"),
               extent("rhs_b1", "its second"), extent("rhs_b2", "its third"),
               extent("rows", "rows of each output matrix"), extent("depth", "the summed dimension"),
               extent("cols", "columns of each output matrix"),
               extent("adj_x", "1: each left matrix is stored transposed"),
               extent("adj_y", "1: each right matrix is stored transposed"), sint("lhs_zp", "left zero point"),
               sint("rhs_zp", "right zero point"), out_zp(),
               sint("mult", "multiplier of lhs_scale * rhs_scale / output_scale"), sint("shift", "its shift"),
               act_min(), act_max()},
              "fully_connected"),
       {&P::lhs_b0, &P::lhs_b1, &P::lhs_b2, &P::rhs_b0, &P::rhs_b1, &P::rhs_b2, &P::rows, &P::depth, &P::cols,
        &P::adj_x, &P::adj_y, &P::lhs_zp, &P::rhs_zp, &P::out_zp, &P::mult, &P::shift, &P::act_min, &P::act_max},
       [](const P& p) {
         return std::vector<uint64_t>{uint64_t(p.lhs_elements()), uint64_t(p.rhs_elements()),
                                      uint64_t(p.out_elements())};
       },
       [](const P& p) { validate(p); },
       [](const P& p, const McuOperands& o) { batch_matmul(p, in_i8(o, 0), in_i8(o, 1), out_i8(o, 2)); },
       [](const P& p) { return macs(p); },
       batch_matmul_from_op,
       {{"tflite",
         "BATCH_MATMUL",
         {nullptr, nullptr},
         {{"adj_x", 0, McuOperatorForm::Option::Bool}, {"adj_y", 1, McuOperatorForm::Option::Bool}},
         101}}});
});

}  // namespace

}  // namespace kiln::kernels::table
