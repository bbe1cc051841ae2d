// The MCU kernel table's entry for add (kernels/table/entry.h).
#include "kernels/table/entry.h"

#include "kernels/add.h"

namespace kiln::kernels::table {

namespace {

const Registration kAdd([] {
  using P = AddParams;
  entry<P>({kernel(McuKernel::Add, "add",
                   {in8("in1", "first input tensor"), in8("in2", "second input tensor (same shape)"),
                    out8("out", "output tensor"), extent("count", "elements"),
                    sint("in1_zp", "first input zero point"), sint("in2_zp", "second input zero point"), out_zp(),
                    sint("left_shift", "left shift of both inputs before rescaling (TFLite: 20)"),
                    sint("in1_mult", "first input multiplier"), sint("in1_shift", "first input shift (<= 0)"),
                    sint("in2_mult", "second input multiplier"), sint("in2_shift", "second input shift (<= 0)"),
                    sint("out_mult", "output multiplier"), sint("out_shift", "output shift (<= 0)"), act_min(),
                    act_max()}),
            {&P::count, &P::in1_zp, &P::in2_zp, &P::out_zp, &P::left_shift, &P::in1_mult, &P::in1_shift,
             &P::in2_mult, &P::in2_shift, &P::out_mult, &P::out_shift, &P::act_min, &P::act_max},
            [](const P& p) { return std::vector<uint64_t>(3, uint64_t(p.count)); },
            [](const P& p) { validate(p); },
            [](const P& p, const McuOperands& o) { add(p, in_i8(o, 0), in_i8(o, 1), out_i8(o, 2)); },
            {}});
});

}  // namespace

}  // namespace kiln::kernels::table
