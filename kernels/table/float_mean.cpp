// The MCU kernel table's entry for float_mean (kernels/table/entry.h).
#include "kernels/table/entry.h"

#include "kernels/float_mean.h"

namespace kiln::kernels::table {

namespace {

// The mean of a float32 tensor (rank 1 to 6) over attribute axes (the
// input's dimensions, negative from the back, each once); the output is the
// input's shape with those dimensions dropped or kept as 1.
FloatMeanParams float_mean_from_op(const McuOpView& op) {
  op.expect_tensors(1, 1);
  expect_float32("float_mean", op);
  const McuTensorView &in = op.inputs[0], &out = op.outputs[0];
  const int64_t rank = int64_t(in.shape.size());
  if (rank < 1 || rank > kFloatMeanRank)
    check::fail("float_mean", "input", fmt::format("rank {} unsupported; supported: 1 to {}", rank, kFloatMeanRank));
  int32_t axes = 0;
  for (int64_t a : op.attr("axes")) {
    const int64_t d = a < 0 ? a + rank : a;
    if (d < 0 || d >= rank || (axes >> d & 1))
      check::fail("float_mean", "axes", fmt::format("{} is outside the input's rank {} or repeats", a, rank));
    axes |= 1 << d;
  }
  std::vector<int64_t> kept, dropped;
  for (int64_t d = 0; d < rank; ++d) {
    kept.push_back(axes >> d & 1 ? 1 : in.shape[size_t(d)]);
    if (!(axes >> d & 1)) dropped.push_back(in.shape[size_t(d)]);
  }
  if (dropped.empty()) dropped.push_back(1);  // every dimension reduced: one value
  if (out.shape != kept && out.shape != dropped)
    check::fail("float_mean", "output",
                fmt::format("shape {} is neither {} nor {}, the input {} reduced over the axes", dims_string(out.shape),
                            dims_string(kept), dims_string(dropped), dims_string(in.shape)));
  FloatMeanParams p;
  int64_t* dims[kFloatMeanRank] = {&p.d0, &p.d1, &p.d2, &p.d3, &p.d4, &p.d5};
  const int64_t lead = kFloatMeanRank - rank;  // the input's dimensions are the innermost
  for (int64_t d = 0; d < rank; ++d) *dims[lead + d] = in.shape[size_t(d)];
  p.axes = int32_t(axes << lead);
  validate(p);
  return p;
}

const Registration kFloatMean([] {
  using P = FloatMeanParams;
  // Priced as the int8 mean where a cost table has no entry of its own.
  entry<P>({kernel(52, "float_mean",
                   join({{in_f32("in", "float32 input, d0 x ... x d5"),
                          out_f32("out", "float32 output, the dimensions not reduced")},
                         shape_args(),
                         {extent("axes", "bit k set: dimension dk is reduced")}}),
                   "mean"),
            {&P::d0, &P::d1, &P::d2, &P::d3, &P::d4, &P::d5, &P::axes},
            [](const P& p) { return std::vector<uint64_t>{uint64_t(p.in_elements()), uint64_t(p.out_elements())}; },
            [](const P& p) { validate(p); },
            [](const P& p, const McuOperands& o) {
              float_mean(p, static_cast<const uint8_t*>(o.at(0).in), static_cast<uint8_t*>(o.at(1).out));
            },
            [](const P& p) { return uint64_t(p.in_elements()); },
            float_mean_from_op});
});

}  // namespace

}  // namespace kiln::kernels::table
