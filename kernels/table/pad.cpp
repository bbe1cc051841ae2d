// The MCU kernel table's entry for pad (kernels/table/entry.h).
#include "kernels/table/entry.h"

#include "kernels/pad.h"

namespace kiln::kernels::table {

namespace {

const Registration kPad([] {
  using P = PadParams;
  entry<P>(
      {kernel(McuKernel::Pad, "pad",
              {in8("in", "input tensor, NHWC"), out8("out", "output tensor, NHWC"), extent("in_h", "input height"),
               extent("in_w", "input width"), extent("c", "channels"), extent("pad_top", "rows added above"),
               extent("pad_bottom", "rows added below"), extent("pad_left", "columns added left"),
               extent("pad_right", "columns added right"), sint("pad_value", "value of the added elements")}),
       {&P::in_h, &P::in_w, &P::c, &P::pad_top, &P::pad_bottom, &P::pad_left, &P::pad_right, &P::pad_value},
       [](const P& p) {
         return std::vector<uint64_t>{uint64_t(p.batches) * p.in_h * p.in_w * p.c,
                                      uint64_t(p.batches) * p.out_h() * p.out_w() * p.c};
       },
       [](const P& p) { validate(p); },
       [](const P& p, const McuOperands& o) { pad(p, in_i8(o, 0), out_i8(o, 1)); },
       {}});
});

}  // namespace

}  // namespace kiln::kernels::table
