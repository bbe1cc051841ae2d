// The MCU kernel table's entry for float_binary (kernels/table/entry.h).
#include "kernels/table/entry.h"

#include "kernels/float_binary.h"

namespace kiln::kernels::table {

namespace {

// Where an input of `shape` repeats along the output's dimensions (numpy
// broadcasting: shapes aligned at the innermost, a dimension of 1 repeats),
// as a mask over the output's six dimensions; else the kernel's named error.
int32_t repeat_mask(const char* role, const std::vector<int64_t>& shape, const std::vector<int64_t>& out) {
  const size_t rank = out.size();
  bool fits = shape.size() <= rank;
  int32_t mask = 0;
  for (size_t k = 0; fits && k < shape.size(); ++k) {
    const int64_t in = shape[shape.size() - 1 - k], o = out[rank - 1 - k];
    if (in == 1 && o != 1) mask |= 1 << (kFloatBinaryRank - 1 - int(k));
    fits = in == o || in == 1;
  }
  for (size_t k = shape.size(); fits && k < rank; ++k)
    if (out[rank - 1 - k] != 1) mask |= 1 << (kFloatBinaryRank - 1 - int(k));
  if (!fits)
    check::fail("float_binary", role,
                fmt::format("shape {} does not broadcast to the output {}", dims_string(shape), dims_string(out)));
  return mask;
}

// An element-wise operator of two float32 tensors: attribute op
// (FloatBinaryOp); each input broadcasts to the output (rank 1 to 6).
FloatBinaryParams float_binary_from_op(const McuOpView& op) {
  op.expect_tensors(2, 1);
  expect_float32("float_binary", op);
  const McuTensorView& out = op.outputs[0];
  if (out.shape.empty() || out.shape.size() > size_t(kFloatBinaryRank))
    check::fail("float_binary", "output",
                fmt::format("rank {} unsupported; supported: 1 to {}", out.shape.size(), kFloatBinaryRank));
  op.attr("op");
  const int64_t code = op.attr_or("op", 0);
  check::range("float_binary", "op", code, kFloatAdd, kFloatMinimum);
  FloatBinaryParams p;
  int64_t* dims[kFloatBinaryRank] = {&p.d0, &p.d1, &p.d2, &p.d3, &p.d4, &p.d5};
  const size_t lead = size_t(kFloatBinaryRank) - out.shape.size();  // the output's dimensions are the innermost
  for (size_t d = 0; d < out.shape.size(); ++d) *dims[lead + d] = out.shape[d];
  p.in1_mask = repeat_mask("input 1", op.inputs[0].shape, out.shape);
  p.in2_mask = repeat_mask("input 2", op.inputs[1].shape, out.shape);
  p.op = int32_t(code);
  validate(p);
  return p;
}

const Registration kFloatBinary([] {
  using P = FloatBinaryParams;
  // Priced as add where a cost table has no entry of its own.
  entry<P>(
      {kernel(48, "float_binary",
              join({{in_f32("in1", "first float32 input: the output's shape, one element along the dimensions of "
                                    "in1_mask"),
                     in_f32("in2", "second float32 input: the output's shape, one element along the dimensions of "
                                   "in2_mask"),
                     out_f32("out", "float32 output, d0 x ... x d5")},
                    {extent("d0", "output dimension 0 (outermost; 1 below rank 6)"), extent("d1", "output dimension 1"),
                     extent("d2", "output dimension 2"), extent("d3", "output dimension 3"),
                     extent("d4", "output dimension 4"), extent("d5", "output dimension 5 (innermost)")},
                    {extent("in1_mask", "bit k set: in1 repeats one element along dk"),
                     extent("in2_mask", "bit k set: in2 repeats one element along dk"),
                     extent("op", "0 add, 1 sub, 2 mul, 3 div, 4 maximum, 5 minimum")}}),
              "add"),
       {&P::d0, &P::d1, &P::d2, &P::d3, &P::d4, &P::d5, &P::in1_mask, &P::in2_mask, &P::op},
       [](const P& p) {
         return std::vector<uint64_t>{uint64_t(p.in_count(p.in1_mask)), uint64_t(p.in_count(p.in2_mask)),
                                      uint64_t(p.count())};
       },
       [](const P& p) { validate(p); },
       [](const P& p, const McuOperands& o) {
         float_binary(p, static_cast<const uint8_t*>(o.at(0).in), static_cast<const uint8_t*>(o.at(1).in),
                      static_cast<uint8_t*>(o.at(2).out));
       },
       [](const P& p) { return divisions(p); },
       float_binary_from_op});
});

}  // namespace

}  // namespace kiln::kernels::table
