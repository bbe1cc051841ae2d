// The vector unit's vdwconv: kernels/depthwise_conv2d.h on one tile of
// channels, its records read as the post-processing unit reads its own
// (sim/channel_records.h), with
// the closed-form timing of arch/vector_timing.h and the actions
// docs/energy.md counts.
#include "arch/vector_timing.h"
#include "kernels/depthwise_conv2d.h"
#include "sim/channel_records.h"
#include "sim/vector_unit.h"

namespace kiln::sim {

UnitWork VectorUnit::depthwise(const Command& cmd) {
  const auto& v = std::get<VectorDepthwiseCmd>(cmd.body);
  kernels::DepthwiseConv2dParams p;
  p.in_h = v.in_h, p.in_w = v.in_w, p.in_c = v.c;
  p.out_h = v.out_h, p.out_w = v.out_w;
  p.kh = v.kh, p.kw = v.kw, p.stride_h = v.stride_h, p.stride_w = v.stride_w;
  p.dil_h = v.dil_h, p.dil_w = v.dil_w, p.pad_top = v.pad_top, p.pad_left = v.pad_left;
  p.in_zp = v.in_zp, p.out_zp = v.out_zp;
  p.act_min = v.act_min, p.act_max = v.act_max;
  const uint32_t in_bytes = uint32_t(v.in_h) * v.in_w * v.c, out_bytes = uint32_t(v.out_h) * v.out_w * v.c;
  const uint32_t taps = uint32_t(v.kh) * v.kw * v.c, records = 12 * uint32_t(v.c);
  a_.resize(in_bytes);
  b_.resize(taps);
  out_.resize(out_bytes);
  spm_.read(v.in.buf, v.in.offset, a_.data(), in_bytes);
  spm_.read(v.weights.buf, v.weights.offset, b_.data(), taps);
  read_channel_records(spm_, v.params, v.c, "vdwconv", records_);
  kernels::depthwise_conv2d(p, a_.data(), b_.data(), records_.bias.data(), records_.mult.data(),
                            records_.shift.data(), out_.data());
  spm_.write(v.out.buf, v.out.offset, out_.data(), out_bytes);
  // Every tap of every window (as the timing); per output the bias, the
  // rescale, the zero point and the clamp.
  const uint64_t outputs = uint64_t(v.out_h) * v.out_w * v.c;
  macs_ += outputs * v.kh * v.kw;
  rescales_ += outputs;
  adds_ += 3 * outputs;
  return {vector_depthwise_cycles(v, lanes_), 0,
          {{v.in.buf, v.in.offset, in_bytes},
           {v.weights.buf, v.weights.offset, taps},
           {v.params.buf, v.params.offset, records},
           {v.out.buf, v.out.offset, out_bytes}}};
}

}  // namespace kiln::sim
