#include "kernels/pool_params.h"

#include "kernels/check.h"

namespace kiln::kernels {

void validate(const PoolParams& p, const char* op) {
  check::dim(op, "batches", p.batches);
  check::dim(op, "c", p.c);
  // The window checks guarantee every window holds at least one input element.
  check::window_axis(op, {"in_h", "out_h", "kh", "stride_h", nullptr, "pad_top"}, p.in_h, p.out_h, p.kh, p.stride_h, 1,
                     p.pad_top);
  check::window_axis(op, {"in_w", "out_w", "kw", "stride_w", nullptr, "pad_left"}, p.in_w, p.out_w, p.kw, p.stride_w,
                     1, p.pad_left);
  check::elements(op, "input", int64_t(p.batches) * p.in_h * p.in_w * p.c);
  check::elements(op, "output", int64_t(p.batches) * p.out_h * p.out_w * p.c);
  // Sums of int8 over a window stay far inside int32.
  check::range(op, "kh", int64_t(p.kh) * p.kw, 1, int64_t(1) << 23);
  check::activation(op, p.act_min, p.act_max);
}

uint64_t macs(const PoolParams& p) { return uint64_t(p.batches) * p.out_h * p.out_w * p.c * p.kh * p.kw; }

}  // namespace kiln::kernels
