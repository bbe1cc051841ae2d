// The MCU kernel table's entry for fully_connected (kernels/table/entry.h).
#include "kernels/table/entry.h"

#include "kernels/fully_connected.h"

namespace kiln::kernels::table {

namespace {

const Registration kFullyConnected([] {
  using P = FullyConnectedParams;
  entry<P>(
      {kernel(McuKernel::FullyConnected, "fully_connected",
              join({weighted_operands("int8 weights, [out_features][in_features]"),
                    {out8("out", "output, [batches][out_features]"), extent("batches", "rows of the input"),
                     extent("in_features", "input features"), extent("out_features", "output features"), in_zp(),
                     out_zp(), act_min(), act_max()}})),
       {&P::batches, &P::in_features, &P::out_features, &P::in_zp, &P::out_zp, &P::act_min, &P::act_max},
       [](const P& p) {
         return weighted(uint64_t(p.batches) * p.in_features, uint64_t(p.out_features) * p.in_features,
                         uint64_t(p.out_features), uint64_t(p.batches) * p.out_features);
       },
       [](const P& p) { validate(p); },
       [](const P& p, const McuOperands& o) {
         fully_connected(p, in_i8(o, 0), in_i8(o, 1), in_i32(o, 2), in_i32(o, 3), in_i32(o, 4), out_i8(o, 5));
       },
       [](const P& p) { return macs(p); }});
});

}  // namespace

}  // namespace kiln::kernels::table
