#include "sim/post_process_unit.h"

#include <algorithm>

#include <fmt/format.h>

#include "arch/error.h"
#include "kernels/requantize.h"
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

void PostProcessUnit::run(const PostProcessCmd& p) {
  std::vector<int32_t> params(3 * size_t(p.n));
  spm_.read(Buffer::Weight, p.params_addr, params.data(), 12 * uint64_t(p.n));
  const int32_t lo = std::max(p.act_min, -128), hi = std::min(p.act_max, 127);
  if (lo > hi) throw Error(fmt::format("post-processing: empty clamp range [{}, {}]", p.act_min, p.act_max));
  for (uint32_t j = 0; j < p.n; ++j)
    if (params[3 * j + 2] < -31 || params[3 * j + 2] > 30)
      throw Error(fmt::format("post-processing: channel {}: shift {} is outside [-31, 30] (params at weight+0x{:x})", j,
                              params[3 * j + 2], p.params_addr + 12 * uint64_t(j)));
  std::vector<int32_t> acc(p.n);
  std::vector<int8_t> out(p.n);
  for (uint32_t i = 0; i < p.m; ++i) {
    spm_.read(Buffer::Accumulator, p.acc_addr + 4 * uint64_t(i) * p.acc_stride, acc.data(), 4 * uint64_t(p.n));
    for (uint32_t j = 0; j < p.n; ++j) {
      const int32_t bias = params[3 * j], mult = params[3 * j + 1], shift = params[3 * j + 2];
      // The bias add wraps as the int32 adder does.
      const int32_t v = int32_t(uint32_t(acc[j]) + uint32_t(bias));
      // So does the zero-point add, as the reference's kernels (an absurd
      // scale rescales to the edge of int32).
      const int32_t q =
          std::clamp(kernels::wrapping_add(kernels::multiply_by_quantized_multiplier(v, mult, shift), p.out_zero_point),
                     lo, hi);
      out[j] = static_cast<int8_t>(q);
    }
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
