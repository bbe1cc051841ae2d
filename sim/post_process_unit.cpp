#include "sim/post_process_unit.h"

#include <algorithm>

#include <fmt/format.h>

#include "arch/error.h"
#include "kernels/requantize_rows.h"
#include "sim/channel_records.h"
#include "sim/clock.h"

namespace kiln::sim {

uint64_t post_process_cycles(const PostProcessCmd& p, unsigned lanes) {
  return 1 + ceil_div(uint64_t(p.m) * p.n, std::max(1u, lanes));
}

std::vector<SpmRegion> PostProcessUnit::regions(const PostProcessCmd& p) {
  return {{Buffer::Accumulator, p.acc_addr, 4 * (uint64_t(p.m - 1) * p.acc_stride + p.n)},
          {Buffer::Weight, p.params_addr, 12 * uint64_t(p.n)},
          {p.out.buf, p.out.offset, uint64_t(p.m - 1) * p.out_stride + p.n}};
}

bool PostProcessUnit::rows_inside(Buffer buf, uint64_t offset, uint64_t stride, uint64_t rows, uint64_t row) const {
  if (rows == 0 || (stride != 0 && rows - 1 > (UINT64_MAX - row) / stride)) return false;
  return spm_.known_inside(buf, offset, (rows - 1) * stride + row);
}

void PostProcessUnit::run(const PostProcessCmd& p) {
  const int32_t lo = std::max(p.act_min, -128), hi = std::min(p.act_max, 127);
  if (lo > hi) throw Error(fmt::format("post-processing: empty clamp range [{}, {}]", p.act_min, p.act_max));
  // The per-channel parameters de-interleaved, so that a row rescales as the
  // kernels' rows do (requantize_rows: the bias add, the rescale and the
  // zero-point add each wrap as the int32 adders; then the clamp).
  ChannelRecords records;
  read_channel_records(spm_, {Buffer::Weight, p.params_addr}, p.n, "post-processing", records);
  kernels::RowRequantize q;
  q.bias = records.bias.data();
  q.mult = records.mult.data();
  q.shift = records.shift.data();
  q.out_zp = p.out_zero_point;
  q.act_min = lo;
  q.act_max = hi;
  if (p.out.buf != Buffer::Accumulator && p.acc_stride >= p.n && p.out_stride >= p.n &&
      rows_inside(Buffer::Accumulator, p.acc_addr, 4 * uint64_t(p.acc_stride), p.m, 4 * uint64_t(p.n)) &&
      rows_inside(p.out.buf, p.out.offset, p.out_stride, p.m, p.n)) {
    // No access can fail and the output cannot overlap the accumulators: all
    // rows in, rescaled and out at once, as they would be row by row.
    acc_.resize(size_t(p.m) * p.n);
    out_.resize(size_t(p.m) * p.n);
    spm_.read_rows(Buffer::Accumulator, p.acc_addr, 4 * uint64_t(p.acc_stride), p.m, acc_.data(), 4 * uint64_t(p.n));
    kernels::requantize_rows(q, acc_.data(), int(p.m), int(p.n), out_.data());
    spm_.write_rows(p.out.buf, p.out.offset, p.out_stride, p.m, out_.data(), p.n);
    return;
  }
  std::vector<int32_t> acc(p.n);
  std::vector<int8_t> out(p.n);
  for (uint32_t i = 0; i < p.m; ++i) {
    spm_.read(Buffer::Accumulator, p.acc_addr + 4 * uint64_t(i) * p.acc_stride, acc.data(), 4 * uint64_t(p.n));
    kernels::requantize_rows(q, acc.data(), 1, int(p.n), out.data());
    spm_.write(p.out.buf, p.out.offset + uint64_t(i) * p.out_stride, out.data(), p.n);
  }
}

UnitWork PostProcessUnit::execute(const Command& cmd, int64_t) {
  const auto& p = std::get<PostProcessCmd>(cmd.body);
  run(p);
  return {post_process_cycles(p, lanes_), 0, regions(p)};
}

namespace {
std::unique_ptr<NpuUnit> make_post_process_unit(const NpuUnitContext& c) {
  return std::make_unique<PostProcessUnit>(c.spm, c.soc.npu.ppu_lanes);
}
}  // namespace

KILN_REGISTER_UNIT(NpuUnitRegistry, "post_process", make_post_process_unit)

}  // namespace kiln::sim
