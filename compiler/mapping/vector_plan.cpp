#include "compiler/mapping/vector_plan.h"

#include <algorithm>

#include "arch/vector_timing.h"

namespace kiln::mapping {

double transfer_bus_cycles(const SocConfig& soc, uint64_t bytes) {
  const uint64_t width = soc.bus.width_bytes, burst = uint64_t(soc.bus.max_burst_beats) * width;
  const uint64_t bursts = (bytes + burst - 1) / burst;
  return double(bursts * soc.bus.latency_cycles + (bytes + width - 1) / width);
}

uint32_t vector_input_slot(const SocConfig& soc) { return uint32_t(soc.npu.input.size_bytes / 2 / 16 * 16); }
uint32_t vector_output_slot(const SocConfig& soc) { return uint32_t(soc.npu.output.size_bytes / 2 / 16 * 16); }

namespace {

bool is_unary_requantize(ir::OpKind k) {
  return k == ir::OpKind::Relu || k == ir::OpKind::Relu6 || k == ir::OpKind::Requantize;
}

}  // namespace

std::optional<VectorPlan> plan_vector_op(const ir::Graph& g, const ir::Op& op, const SocConfig& soc,
                                         std::string* why) {
  const auto refuse = [&](const std::string& reason) {
    *why = reason;
    return std::nullopt;
  };
  const unsigned lanes = vector_lanes(soc);
  if (lanes == 0) return refuse("the SoC has no vector unit");
  if (op.kind == ir::OpKind::AvgPool || op.kind == ir::OpKind::MaxPool || op.kind == ir::OpKind::Mean)
    return plan_vector_pool(g, op, soc, why);
  if (op.kind == ir::OpKind::DepthwiseConv2d) return plan_vector_depthwise(g, op, soc, why);
  const bool unary = is_unary_requantize(op.kind);
  const bool max_min = op.kind == ir::OpKind::Maximum || op.kind == ir::OpKind::Minimum;
  const bool sub = op.kind == ir::OpKind::Sub, mul = op.kind == ir::OpKind::Mul;
  const bool lut = op.kind == ir::OpKind::Lut;  // its table: a constant, loaded once (vector_plan.h)
  if (op.kind != ir::OpKind::Add && !unary && !max_min && !sub && !mul && !lut)
    return refuse(ir::op_name(op) + " has no vector mapping");
  const std::string what = "vector " + ir::op_name(op);
  const ir::Tensor& out = g.tensors[op.outputs[0]];
  // A Mul's operand may repeat over the other (kernels/mul.h); the other
  // operand (first in the command) is an activation of the output's size.
  uint32_t repeat = 0;
  bool swap = false;
  if (mul) {
    swap = g.tensors[op.inputs[0]].num_elements() != out.num_elements();
    const ir::Tensor& full = g.tensors[op.inputs[swap ? 1 : 0]];
    const ir::Tensor& other = g.tensors[op.inputs[swap ? 0 : 1]];
    if (full.is_constant() || full.num_elements() != out.num_elements())
      return refuse(what + ": no activation operand of the output's size");
    if (other.num_elements() != out.num_elements())
      repeat = uint32_t(other.num_elements());
    else if (other.is_constant())
      return refuse(what + ": a constant operand");
    if (repeat && vector_reserved_bytes(repeat) > vector_input_slot(soc) / 2)
      return refuse(what + ": the repeating operand is larger than half an input slot");
  } else {
    for (int t : lut ? std::vector<int>{op.inputs[0]} : op.inputs) {
      if (g.tensors[t].is_constant()) return refuse(what + ": a constant operand");
      if (g.tensors[t].num_elements() != out.num_elements()) return refuse(what + ": a broadcast operand");
    }
  }
  const unsigned operands = unary || lut || repeat ? 1 : 2;
  VectorPlan p;
  p.count = uint64_t(out.num_elements());
  // The operands share an input slot.
  p.in_slot = vector_input_slot(soc);
  p.out_slot = vector_output_slot(soc);
  // A table takes the input buffer's last kLutTableBytes, after slot 1's chunk.
  const uint64_t reserved = lut ? kLutTableBytes : repeat ? vector_reserved_bytes(repeat) : 0;
  const uint64_t room = p.in_slot > reserved ? p.in_slot - reserved : 0;
  uint64_t chunk = std::min<uint64_t>({room / operands / 16 * 16, p.out_slot, p.count});
  if (repeat) chunk = chunk / repeat * repeat;  // whole repeats: each chunk starts at the operand's first element
  if (chunk == 0) return refuse(what + ": the scratchpads hold no chunk");
  p.chunk = uint32_t(chunk);
  p.chunks = uint32_t((p.count + chunk - 1) / chunk);
  const double npu_per_bus = soc.npu.clock_mhz / soc.bus.clock_mhz;
  for (uint32_t k = 0; k < p.chunks; ++k) {
    const uint64_t n = std::min<uint64_t>(chunk, p.count - uint64_t(k) * chunk);
    p.dma_cycles += (operands + 1) * transfer_bus_cycles(soc, n) * npu_per_bus;
    if (lut) {
      VectorLutCmd v;
      v.in = {Buffer::Input, (k % 2) * p.in_slot};
      v.table = {Buffer::Input, 2 * p.in_slot - kLutTableBytes};
      v.out = {Buffer::Output, (k % 2) * p.out_slot};
      v.count = uint32_t(n);
      p.compute_cycles += double(vector_lut_cycles(soc.npu, v, lanes));
    } else if (mul) {
      VectorMulCmd v;
      v.a = {Buffer::Input, (k % 2) * p.in_slot};
      v.b = repeat ? SpmAddr{Buffer::Input, uint32_t(2 * p.in_slot - reserved)}
                   : SpmAddr{Buffer::Input, (k % 2) * p.in_slot + p.chunk};
      v.count = uint32_t(n);
      v.b_count = repeat ? repeat : uint32_t(n);
      p.compute_cycles += double(vector_mul_cycles(soc.npu, v, lanes));
    } else if (unary) {
      VectorRequantizeCmd v;
      v.in = {Buffer::Input, (k % 2) * p.in_slot};
      v.out = {Buffer::Output, (k % 2) * p.out_slot};
      v.count = uint32_t(n);
      p.compute_cycles += double(vector_requantize_cycles(soc.npu, v, lanes));
    } else if (max_min) {
      VectorMaxMinCmd v;
      v.a = {Buffer::Input, (k % 2) * p.in_slot};
      v.b = {Buffer::Input, (k % 2) * p.in_slot + p.chunk};
      v.count = uint32_t(n);
      p.compute_cycles += double(vector_max_min_cycles(soc.npu, v, lanes));
    } else {
      VectorAddCmd v;
      v.a = {Buffer::Input, (k % 2) * p.in_slot};
      v.b = {Buffer::Input, (k % 2) * p.in_slot + p.chunk};
      v.count = uint32_t(n);
      p.compute_cycles += double(sub ? vector_sub_cycles(soc.npu, v, lanes) : vector_add_cycles(soc.npu, v, lanes));
    }
  }
  if (reserved) p.dma_cycles += transfer_bus_cycles(soc, lut ? kLutTableBytes : repeat) * npu_per_bus;
  p.repeat = repeat;
  p.swap = swap;
  p.roofline = std::max(p.dma_cycles, p.compute_cycles);
  p.cycles = p.roofline + std::min(p.dma_cycles, p.compute_cycles) / p.chunks;
  p.bytes_moved = (operands + 1) * p.count + (lut ? kLutTableBytes : repeat);
  return p;
}

}  // namespace kiln::mapping
