// The MCU kernel table's entry for softmax (kernels/table/entry.h).
#include "kernels/table/entry.h"

#include "kernels/softmax.h"

namespace kiln::kernels::table {

namespace {

const Registration kSoftmax([] {
  using P = SoftmaxParams;
  entry<P>({kernel(McuKernel::Softmax, "softmax",
                   {in8("in", "input, rows x depth"), out8("out", "output, scale 1/256, zero point -128"),
                    extent("rows", "rows"), extent("depth", "elements per row, at most 4095"),
                    sint("beta_mult", "multiplier of beta * input_scale (Q5.26 input)"),
                    sint("beta_shift", "left shift of beta * input_scale"),
                    sint("diff_min", "smallest difference to the row maximum that counts")}),
            {&P::rows, &P::depth, &P::beta_mult, &P::beta_shift, &P::diff_min},
            [](const P& p) { return std::vector<uint64_t>(2, uint64_t(p.rows) * p.depth); },
            [](const P& p) { validate(p); },
            [](const P& p, const McuOperands& o) { softmax(p, in_i8(o, 0), out_i8(o, 1)); },
            {}});
});

}  // namespace

}  // namespace kiln::kernels::table
