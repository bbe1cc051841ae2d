// The MCU kernel table's entry for depthwise_conv2d (kernels/table/entry.h).
#include "kernels/table/entry.h"

#include "kernels/depthwise_conv2d.h"

namespace kiln::kernels::table {

namespace {

const Registration kDepthwiseConv2d([] {
  using P = DepthwiseConv2dParams;
  entry<P>(
      {kernel(McuKernel::DepthwiseConv2d, "depthwise_conv2d",
              conv_args("int8 weights, 1 x kh x kw x (in_c * depth_mult)",
                        extent("depth_mult", "output channels per input channel"))),
       {&P::in_h, &P::in_w, &P::in_c, &P::out_h, &P::out_w, &P::depth_mult, &P::kh, &P::kw, &P::stride_h,
        &P::stride_w, &P::dil_h, &P::dil_w, &P::pad_top, &P::pad_left, &P::in_zp, &P::out_zp, &P::act_min,
        &P::act_max},
       [](const P& p) {
         return weighted(uint64_t(p.batches) * p.in_h * p.in_w * p.in_c, uint64_t(p.kh) * p.kw * p.out_c(),
                         uint64_t(p.out_c()), uint64_t(p.batches) * p.out_h * p.out_w * p.out_c());
       },
       [](const P& p) { validate(p); },
       [](const P& p, const McuOperands& o) {
         depthwise_conv2d(p, in_i8(o, 0), in_i8(o, 1), in_i32(o, 2), in_i32(o, 3), in_i32(o, 4), out_i8(o, 5));
       },
       [](const P& p) { return macs(p); }});
});

}  // namespace

}  // namespace kiln::kernels::table
