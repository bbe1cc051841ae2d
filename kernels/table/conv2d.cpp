// The MCU kernel table's entry for conv2d (kernels/table/entry.h).
#include "kernels/table/entry.h"

#include "kernels/conv2d.h"

namespace kiln::kernels::table {

namespace {

const Registration kConv2d([] {
  // conv2d and its variants: one binding each, the same arguments and
  // arithmetic; a variant also checks that its shape is the one it prices.
  const std::pair<McuKernel, const char*> convs[] = {{McuKernel::Conv2d, "conv2d"},
                                                     {McuKernel::Conv2d1x1, "conv2d_1x1"},
                                                     {McuKernel::Conv2dShallow, "conv2d_shallow"}};
  for (const auto& conv : convs) {
    using P = Conv2dParams;
    const McuKernel id = conv.first;
    entry<P>(
        {kernel(id, conv.second, conv_args("int8 weights, OHWI", extent("out_c", "output channels")),
                id == McuKernel::Conv2d ? nullptr : "conv2d"),
         {&P::in_h, &P::in_w, &P::in_c, &P::out_h, &P::out_w, &P::out_c, &P::kh, &P::kw, &P::stride_h, &P::stride_w,
          &P::dil_h, &P::dil_w, &P::pad_top, &P::pad_left, &P::in_zp, &P::out_zp, &P::act_min, &P::act_max},
         [](const P& p) {
           return weighted(uint64_t(p.batches) * p.in_h * p.in_w * p.in_c, uint64_t(p.out_c) * p.kh * p.kw * p.in_c,
                           uint64_t(p.out_c), uint64_t(p.batches) * p.out_h * p.out_w * p.out_c);
         },
         [id](const P& p) {
           validate(p);
           if (id != McuKernel::Conv2d && conv2d_kernel(p) != id)
             throw Error(
                 fmt::format("{0}: shape: in_c {1}, kernel {2}x{3}, stride {4}x{5}, padding {6},{7} is {8}'s, "
                             "not {0}'s",
                             find_mcu_kernel(uint16_t(id))->name, p.in_c, p.kh, p.kw, p.stride_h, p.stride_w, p.pad_top,
                             p.pad_left, find_mcu_kernel(uint16_t(conv2d_kernel(p)))->name));
         },
         [](const P& p, const McuOperands& o) {
           conv2d(p, in_i8(o, 0), in_i8(o, 1), in_i32(o, 2), in_i32(o, 3), in_i32(o, 4), out_i8(o, 5));
         },
         [](const P& p) { return macs(p); }});
  }
});

}  // namespace

}  // namespace kiln::kernels::table
