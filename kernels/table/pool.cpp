// The MCU kernel table's entry for pool (kernels/table/entry.h).
#include "kernels/table/entry.h"

#include "kernels/avg_pool.h"
#include "kernels/max_pool.h"

namespace kiln::kernels::table {

namespace {

void pool_call(const PoolParams& p, const McuOperands& o, void (*pool)(const PoolParams&, const int8_t*, int8_t*)) {
  pool(p, in_i8(o, 0), out_i8(o, 1));
}

std::vector<uint64_t> pool_elements(const PoolParams& p) {
  return {uint64_t(p.batches) * p.in_h * p.in_w * p.c, uint64_t(p.batches) * p.out_h * p.out_w * p.c};
}

const Registration kPool([] {
  using P = PoolParams;
  const std::vector<McuKernelDef<P>::Field> fields = {
      &P::in_h,     &P::in_w,     &P::c,       &P::out_h,    &P::out_w,   &P::kh,     &P::kw,
      &P::stride_h, &P::stride_w, &P::pad_top, &P::pad_left, &P::act_min, &P::act_max};
  entry<P>({kernel(McuKernel::AvgPool, "avg_pool", pool_args()), fields, pool_elements,
            [](const P& p) { validate(p, "avg_pool"); },
            [](const P& p, const McuOperands& o) { pool_call(p, o, avg_pool); },
            [](const P& p) { return macs(p); }});
  entry<P>({kernel(McuKernel::MaxPool, "max_pool", pool_args()), fields, pool_elements,
            [](const P& p) { validate(p, "max_pool"); },
            [](const P& p, const McuOperands& o) { pool_call(p, o, max_pool); },
            [](const P& p) { return macs(p); }});
});

}  // namespace

}  // namespace kiln::kernels::table
