// The MCU kernel table's entry for mean (kernels/table/entry.h).
#include "kernels/table/entry.h"

#include "kernels/mean.h"

namespace kiln::kernels::table {

namespace {

const Registration kMean([] {
  using P = MeanParams;
  entry<P>({kernel(McuKernel::Mean, "mean",
                   {in8("in", "input tensor, NHWC"), out8("out", "output, one value per channel"),
                    extent("h", "input height"), extent("w", "input width"), extent("c", "channels"), in_zp(),
                    out_zp(), sint("mult", "multiplier of input_scale / output_scale (1/(h*w) not folded in)"),
                    sint("shift", "shift of input_scale / output_scale")}),
            {&P::h, &P::w, &P::c, &P::in_zp, &P::out_zp, &P::mult, &P::shift},
            [](const P& p) {
              return std::vector<uint64_t>{uint64_t(p.batches) * p.h * p.w * p.c, uint64_t(p.batches) * p.c};
            },
            [](const P& p) { validate(p); },
            [](const P& p, const McuOperands& o) { mean(p, in_i8(o, 0), out_i8(o, 1)); },
            [](const P& p) { return macs(p); }});
});

}  // namespace

}  // namespace kiln::kernels::table
