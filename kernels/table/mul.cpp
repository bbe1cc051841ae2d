// The MCU kernel table's entry for mul (kernels/table/entry.h).
#include "kernels/table/entry.h"

#include "kernels/mul.h"

namespace kiln::kernels::table {

namespace {

const Registration kMul([] {
  using P = MulParams;
  // Priced as requantize: one product and one rescale per element (add
  // rescales three times).
  entry<P>({kernel(McuKernel::Mul, "mul",
                   {in8("in1", "first input tensor"), in8("in2", "second input tensor"),
                    out8("out", "output tensor"), extent("count", "output elements"),
                    extent("in1_count", "elements of in1 (count, or a divisor it repeats: per channel, scalar)"),
                    extent("in2_count", "elements of in2 (count, or a divisor it repeats: per channel, scalar)"),
                    sint("in1_zp", "first input zero point"), sint("in2_zp", "second input zero point"), out_zp(),
                    sint("out_mult", "output multiplier of in1_scale * in2_scale / out_scale"),
                    sint("out_shift", "output shift (may be positive)"), act_min(), act_max()},
                   "requantize"),
            {&P::count, &P::in1_count, &P::in2_count, &P::in1_zp, &P::in2_zp, &P::out_zp, &P::out_mult,
             &P::out_shift, &P::act_min, &P::act_max},
            [](const P& p) {
              return std::vector<uint64_t>{uint64_t(p.in1_count), uint64_t(p.in2_count), uint64_t(p.count)};
            },
            [](const P& p) { validate(p); },
            [](const P& p, const McuOperands& o) { mul(p, in_i8(o, 0), in_i8(o, 1), out_i8(o, 2)); },
            {}});
});

}  // namespace

}  // namespace kiln::kernels::table
