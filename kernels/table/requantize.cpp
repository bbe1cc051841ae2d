// The MCU kernel table's entry for requantize (kernels/table/entry.h).
#include "kernels/table/entry.h"

#include "kernels/requantize_tensor.h"

namespace kiln::kernels::table {

namespace {

const Registration kRequantize([] {
  using P = RequantizeParams;
  entry<P>({kernel(McuKernel::Requantize, "requantize",
                   {in8("in", "input tensor"), out8("out", "output tensor"), extent("count", "elements"),
                    in_zp(), out_zp(), sint("mult", "multiplier of input_scale / output_scale"),
                    sint("shift", "shift of input_scale / output_scale"), act_min(), act_max()}),
            {&P::count, &P::in_zp, &P::out_zp, &P::mult, &P::shift, &P::act_min, &P::act_max},
            [](const P& p) { return std::vector<uint64_t>(2, uint64_t(p.count)); },
            [](const P& p) { validate(p); },
            [](const P& p, const McuOperands& o) { requantize(p, in_i8(o, 0), out_i8(o, 1)); },
            {}});
});

}  // namespace

}  // namespace kiln::kernels::table
