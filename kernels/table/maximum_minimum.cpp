// The MCU kernel table's entry for maximum_minimum (kernels/table/entry.h).
#include "kernels/table/entry.h"

#include "kernels/maximum_minimum.h"

namespace kiln::kernels::table {

namespace {

const Registration kMaxMin([] {
  using P = MaxMinParams;
  // Priced as add (an element-wise pass over two operands) where a cost table has no entry.
  const auto elements = [](const P& p) { return std::vector<uint64_t>(3, uint64_t(p.count)); };
  entry<P>({kernel(McuKernel::Maximum, "maximum",
                   {in8("in1", "first input tensor"), in8("in2", "second input tensor (same shape)"),
                    out8("out", "output tensor"), extent("count", "elements")},
                   "add"),
            {&P::count},
            elements,
            [](const P& p) { validate(p, "maximum"); },
            [](const P& p, const McuOperands& o) { maximum(p, in_i8(o, 0), in_i8(o, 1), out_i8(o, 2)); },
            {}});
  entry<P>({kernel(McuKernel::Minimum, "minimum",
                   {in8("in1", "first input tensor"), in8("in2", "second input tensor (same shape)"),
                    out8("out", "output tensor"), extent("count", "elements")},
                   "add"),
            {&P::count},
            elements,
            [](const P& p) { validate(p, "minimum"); },
            [](const P& p, const McuOperands& o) { minimum(p, in_i8(o, 0), in_i8(o, 1), out_i8(o, 2)); },
            {}});
});

}  // namespace

}  // namespace kiln::kernels::table
