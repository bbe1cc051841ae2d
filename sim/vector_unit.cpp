#include "sim/vector_unit.h"

#include "arch/vector_timing.h"
#include "kernels/add.h"
#include "kernels/avg_pool.h"
#include "kernels/max_pool.h"
#include "kernels/maximum_minimum.h"
#include "kernels/mean.h"
#include "kernels/requantize_tensor.h"
#include "sim/vector_unit_rtl.h"

namespace kiln::sim {

UnitWork VectorUnit::execute(const Command& cmd, int64_t) {
  switch (cmd.op) {
    case Opcode::VectorAvgPool:
    case Opcode::VectorMaxPool: return pool(cmd);
    case Opcode::VectorRequantize: return requantize(cmd);
    case Opcode::VectorMean: return mean(cmd);
    case Opcode::VectorMax:
    case Opcode::VectorMin: return max_min(cmd);
    case Opcode::VectorSub: return sub(cmd);
    case Opcode::VectorMul: return mul(cmd);
    case Opcode::VectorLut: return lut(cmd);
    case Opcode::VectorDepthwise: return depthwise(cmd);
    default: return add(cmd);
  }
}

void VectorUnit::read_pair(const SpmAddr& a, const SpmAddr& b, uint32_t count) {
  a_.resize(count);
  b_.resize(count);
  out_.resize(count);
  spm_.read(a.buf, a.offset, a_.data(), count);
  spm_.read(b.buf, b.offset, b_.data(), count);
}

UnitWork VectorUnit::add(const Command& cmd) {
  const auto& v = std::get<VectorAddCmd>(cmd.body);
  read_pair(v.a, v.b, v.count);
  kernels::AddParams p;
  p.count = v.count;
  p.in1_zp = v.a_zp;
  p.in2_zp = v.b_zp;
  p.out_zp = v.out_zp;
  p.left_shift = v.left_shift;
  p.in1_mult = v.a_mult;
  p.in1_shift = v.a_shift;
  p.in2_mult = v.b_mult;
  p.in2_shift = v.b_shift;
  p.out_mult = v.out_mult;
  p.out_shift = v.out_shift;
  p.act_min = v.act_min;
  p.act_max = v.act_max;
  kernels::add(p, a_.data(), b_.data(), out_.data());
  rescales_ += 3 * uint64_t(v.count);  // a, b and the sum
  adds_ += 5 * uint64_t(v.count);      // two input zero points, the sum, the output zero point, the clamp
  spm_.write(v.out.buf, v.out.offset, out_.data(), v.count);
  return {vector_add_cycles(npu_, v, lanes_), 0,
          {{v.a.buf, v.a.offset, v.count}, {v.b.buf, v.b.offset, v.count}, {v.out.buf, v.out.offset, v.count}}};
}

UnitWork VectorUnit::pool(const Command& cmd) {
  const auto& v = std::get<VectorPoolCmd>(cmd.body);
  const bool average = cmd.op == Opcode::VectorAvgPool;
  kernels::PoolParams p;
  p.in_h = v.in_h, p.in_w = v.in_w, p.c = v.c;
  p.out_h = v.out_h, p.out_w = v.out_w;
  p.kh = v.kh, p.kw = v.kw, p.stride_h = v.stride_h, p.stride_w = v.stride_w;
  p.pad_top = v.pad_top, p.pad_left = v.pad_left;
  p.act_min = v.act_min, p.act_max = v.act_max;
  const uint32_t in_bytes = uint32_t(v.in_h) * v.in_w * v.c, out_bytes = uint32_t(v.out_h) * v.out_w * v.c;
  a_.resize(in_bytes);
  out_.resize(out_bytes);
  spm_.read(v.in.buf, v.in.offset, a_.data(), in_bytes);
  (average ? kernels::avg_pool : kernels::max_pool)(p, a_.data(), out_.data());
  // Every tap of every window (as the timing), then the clamp; the
  // average's divide is priced as a rescale.
  const uint64_t outputs = uint64_t(v.out_h) * v.out_w * v.c;
  adds_ += outputs * (uint64_t(v.kh) * v.kw + 1);
  if (average) rescales_ += outputs;
  spm_.write(v.out.buf, v.out.offset, out_.data(), out_bytes);
  return {vector_pool_cycles(v, average, lanes_), 0,
          {{v.in.buf, v.in.offset, in_bytes}, {v.out.buf, v.out.offset, out_bytes}}};
}

UnitWork VectorUnit::max_min(const Command& cmd) {
  const auto& v = std::get<VectorMaxMinCmd>(cmd.body);
  read_pair(v.a, v.b, v.count);
  kernels::MaxMinParams p;
  p.count = v.count;
  (cmd.op == Opcode::VectorMax ? kernels::maximum : kernels::minimum)(p, a_.data(), b_.data(), out_.data());
  spm_.write(v.out.buf, v.out.offset, out_.data(), v.count);
  adds_ += v.count;  // one compare each
  return {vector_max_min_cycles(npu_, v, lanes_), 0,
          {{v.a.buf, v.a.offset, v.count}, {v.b.buf, v.b.offset, v.count}, {v.out.buf, v.out.offset, v.count}}};
}

UnitWork VectorUnit::mean(const Command& cmd) {
  const auto& v = std::get<VectorMeanCmd>(cmd.body);
  kernels::MeanParams p;
  p.h = v.h, p.w = v.w, p.c = v.c;
  p.in_zp = v.in_zp, p.out_zp = v.out_zp;
  p.mult = v.mult, p.shift = v.shift;
  const uint32_t in_bytes = uint32_t(v.h) * v.w * v.c;
  a_.resize(in_bytes);
  out_.resize(v.c);
  spm_.read(v.in.buf, v.in.offset, a_.data(), in_bytes);
  kernels::mean(p, a_.data(), out_.data());
  spm_.write(v.out.buf, v.out.offset, out_.data(), v.c);
  // Every pixel's add, then per channel the zero point, the rescale and the clamp.
  adds_ += uint64_t(in_bytes) + 2 * uint64_t(v.c);
  rescales_ += v.c;
  return {vector_mean_cycles(v, lanes_), 0, {{v.in.buf, v.in.offset, in_bytes}, {v.out.buf, v.out.offset, v.c}}};
}

UnitWork VectorUnit::requantize(const Command& cmd) {
  const auto& v = std::get<VectorRequantizeCmd>(cmd.body);
  kernels::RequantizeParams p;
  p.count = v.count;
  p.in_zp = v.in_zp, p.out_zp = v.out_zp;
  p.mult = v.mult, p.shift = v.shift;
  p.act_min = v.act_min, p.act_max = v.act_max;
  a_.resize(v.count);
  out_.resize(v.count);
  spm_.read(v.in.buf, v.in.offset, a_.data(), v.count);
  kernels::requantize(p, a_.data(), out_.data());
  rescales_ += v.count;
  adds_ += 3 * uint64_t(v.count);  // the two zero points and the clamp
  spm_.write(v.out.buf, v.out.offset, out_.data(), v.count);
  return {vector_requantize_cycles(npu_, v, lanes_), 0,
          {{v.in.buf, v.in.offset, v.count}, {v.out.buf, v.out.offset, v.count}}};
}

void VectorUnit::count_actions(ActionCounts& a) const {
  a.vector_rescales += rescales_;
  a.vector_adds += adds_;
  a.vector_macs += macs_;
}

namespace {
std::unique_ptr<NpuUnit> make_vector_unit(const NpuUnitContext& c) {
  // npu.units.vector.engine: rtl is the Verilated unit behind this one's books (sim/vector_unit_rtl.h).
  const auto engine = c.config->choices.find("engine");  // absent in a config built in code: tlm
  if (engine != c.config->choices.end() && engine->second == "rtl") return make_rtl_vector_unit(c);
  return std::make_unique<VectorUnit>(c.soc.npu, c.spm, unsigned(c.config->param("lanes")));
}
}  // namespace

KILN_REGISTER_UNIT(NpuUnitRegistry, "vector", make_vector_unit)

}  // namespace kiln::sim
