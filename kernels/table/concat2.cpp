// The MCU kernel table's entry for concat2 (kernels/table/entry.h).
#include "kernels/table/entry.h"

#include "kernels/concat2.h"

namespace kiln::kernels::table {

namespace {

const Registration kConcat2([] {
  using P = Concat2Params;
  entry<P>({kernel(McuKernel::Concat2, "concat2",
                   {in8("in1", "first input, outer x in1_inner"), in8("in2", "second input, outer x in2_inner"),
                    out8("out", "output, outer x (in1_inner + in2_inner)"), extent("outer", "rows"),
                    extent("in1_inner", "elements of the first input per row"),
                    extent("in2_inner", "elements of the second input per row")}),
            {&P::outer, &P::in1_inner, &P::in2_inner},
            [](const P& p) {
              return std::vector<uint64_t>{uint64_t(p.outer) * p.in1_inner, uint64_t(p.outer) * p.in2_inner,
                                           uint64_t(p.outer) * (p.in1_inner + p.in2_inner)};
            },
            [](const P& p) { validate(p); },
            [](const P& p, const McuOperands& o) { concat2(p, in_i8(o, 0), in_i8(o, 1), out_i8(o, 2)); },
            {}});
});

}  // namespace

}  // namespace kiln::kernels::table
