// Element-wise ops on the vector unit: Add, Sub, Mul, Maximum, Minimum
// (vadd, vsub, vmul, vmax, vmin), Relu, Relu6, Requantize (vrequant) and Lut
// (vlut), chunks of elements (compiler/mapping/vector_plan.h). Each chunk
// loads its operands into its input slot (a at the slot's start, b after
// it), runs one command into its output slot and stores the result; a Mul's
// repeating operand and a Lut's table are loaded once, with the first chunk,
// at the input buffer's end.
#include <algorithm>

#include "arch/vector_timing.h"
#include "compiler/lowering/mcu_call.h"
#include "compiler/mapping/vector_op.h"

namespace kiln::mapping {

namespace {

bool is_unary_requantize(ir::OpKind k) {
  return k == ir::OpKind::Relu || k == ir::OpKind::Relu6 || k == ir::OpKind::Requantize;
}

bool takes(const ir::Op& op) {
  return op.kind == ir::OpKind::Add || op.kind == ir::OpKind::Sub || op.kind == ir::OpKind::Mul ||
         op.kind == ir::OpKind::Maximum || op.kind == ir::OpKind::Minimum || op.kind == ir::OpKind::Lut ||
         is_unary_requantize(op.kind);
}

std::optional<VectorPlan> plan(const ir::Graph& g, const ir::Op& op, const SocConfig& soc, std::string* why) {
  const auto refuse = [&](const std::string& reason) {
    *why = reason;
    return std::nullopt;
  };
  const unsigned lanes = vector_lanes(soc);
  const bool unary = is_unary_requantize(op.kind);
  const bool max_min = op.kind == ir::OpKind::Maximum || op.kind == ir::OpKind::Minimum;
  const bool sub = op.kind == ir::OpKind::Sub, mul = op.kind == ir::OpKind::Mul;
  const bool lut = op.kind == ir::OpKind::Lut;  // its table: a constant, loaded once (vector_plan.h)
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
    Command c;
    if (lut) {
      VectorLutCmd v;
      v.in = {Buffer::Input, (k % 2) * p.in_slot};
      v.table = {Buffer::Input, 2 * p.in_slot - kLutTableBytes};
      v.out = {Buffer::Output, (k % 2) * p.out_slot};
      v.count = uint32_t(n);
      c = {Opcode::VectorLut, {}, v};
    } else if (mul) {
      VectorMulCmd v;
      v.a = {Buffer::Input, (k % 2) * p.in_slot};
      v.b = repeat ? SpmAddr{Buffer::Input, uint32_t(2 * p.in_slot - reserved)}
                   : SpmAddr{Buffer::Input, (k % 2) * p.in_slot + p.chunk};
      v.count = uint32_t(n);
      v.b_count = repeat ? repeat : uint32_t(n);
      c = {Opcode::VectorMul, {}, v};
    } else if (unary) {
      VectorRequantizeCmd v;
      v.in = {Buffer::Input, (k % 2) * p.in_slot};
      v.out = {Buffer::Output, (k % 2) * p.out_slot};
      v.count = uint32_t(n);
      c = {Opcode::VectorRequantize, {}, v};
    } else if (max_min) {
      VectorMaxMinCmd v;
      v.a = {Buffer::Input, (k % 2) * p.in_slot};
      v.b = {Buffer::Input, (k % 2) * p.in_slot + p.chunk};
      v.count = uint32_t(n);
      c = {Opcode::VectorMax, {}, v};
    } else {
      VectorAddCmd v;
      v.a = {Buffer::Input, (k % 2) * p.in_slot};
      v.b = {Buffer::Input, (k % 2) * p.in_slot + p.chunk};
      v.count = uint32_t(n);
      c = {sub ? Opcode::VectorSub : Opcode::VectorAdd, {}, v};
    }
    p.compute_cycles += double(command_cycles(c, soc.npu, lanes));
  }
  if (reserved) p.dma_cycles += transfer_bus_cycles(soc, lut ? kLutTableBytes : repeat) * npu_per_bus;
  p.repeat = repeat;
  p.swap = swap;
  p.roofline = std::max(p.dma_cycles, p.compute_cycles);
  p.cycles = p.roofline + std::min(p.dma_cycles, p.compute_cycles) / p.chunks;
  p.bytes_moved = (operands + 1) * p.count + (lut ? kLutTableBytes : repeat);
  return p;
}

// The kernels' parameters, as the MCU and the reference take them, turned
// into the chunk's vector command.
Command vadd(const kernels::AddParams& p, SpmAddr a, SpmAddr b, SpmAddr out, uint32_t n) {
  VectorAddCmd v;
  v.a = a, v.b = b, v.out = out;
  v.count = n;
  v.a_zp = int8_t(p.in1_zp), v.a_mult = p.in1_mult, v.a_shift = int8_t(p.in1_shift);
  v.b_zp = int8_t(p.in2_zp), v.b_mult = p.in2_mult, v.b_shift = int8_t(p.in2_shift);
  v.out_zp = int8_t(p.out_zp), v.out_mult = p.out_mult, v.out_shift = int8_t(p.out_shift);
  v.left_shift = uint8_t(p.left_shift);
  v.act_min = int8_t(p.act_min), v.act_max = int8_t(p.act_max);
  return {Opcode::VectorAdd, {}, v};
}

// vsub takes vadd's fields (kernels::SubParams has AddParams' names).
Command vsub(const kernels::SubParams& p, SpmAddr a, SpmAddr b, SpmAddr out, uint32_t n) {
  kernels::AddParams q;
  q.in1_zp = p.in1_zp, q.in2_zp = p.in2_zp, q.out_zp = p.out_zp, q.left_shift = p.left_shift;
  q.in1_mult = p.in1_mult, q.in1_shift = p.in1_shift, q.in2_mult = p.in2_mult, q.in2_shift = p.in2_shift;
  q.out_mult = p.out_mult, q.out_shift = p.out_shift, q.act_min = p.act_min, q.act_max = p.act_max;
  Command c = vadd(q, a, b, out, n);
  c.op = Opcode::VectorSub;
  return c;
}

Command vmul(const kernels::MulParams& p, SpmAddr a, SpmAddr b, SpmAddr out, uint32_t n, uint32_t b_count) {
  VectorMulCmd v;
  v.a = a, v.b = b, v.out = out;
  v.count = n;
  v.b_count = b_count;
  v.a_zp = int8_t(p.in1_zp), v.b_zp = int8_t(p.in2_zp), v.out_zp = int8_t(p.out_zp);
  v.mult = p.out_mult, v.shift = int8_t(p.out_shift);
  v.act_min = int8_t(p.act_min), v.act_max = int8_t(p.act_max);
  return {Opcode::VectorMul, {}, v};
}

Command vrequant(const kernels::RequantizeParams& p, SpmAddr in, SpmAddr out, uint32_t n) {
  VectorRequantizeCmd v;
  v.in = in, v.out = out;
  v.count = n;
  v.in_zp = int8_t(p.in_zp), v.out_zp = int8_t(p.out_zp);
  v.mult = p.mult, v.shift = int8_t(p.shift);
  v.act_min = int8_t(p.act_min), v.act_max = int8_t(p.act_max);
  return {Opcode::VectorRequantize, {}, v};
}

std::vector<VectorChunk> chunks(const VectorLayerIo& io) {
  const ir::Graph& g = io.g;
  const ir::Op& op = io.op;
  const VectorPlan& plan = io.plan;
  const bool binary = op.kind == ir::OpKind::Add || op.kind == ir::OpKind::Maximum || op.kind == ir::OpKind::Minimum ||
                      op.kind == ir::OpKind::Sub || op.kind == ir::OpKind::Mul;
  const bool lut = op.kind == ir::OpKind::Lut;
  // A table is constant data in flash, as the MCU's lut reads it.
  const SpmAddr table{Buffer::Input, 2 * plan.in_slot - kLutTableBytes};
  const uint64_t table_addr = lut ? io.constant(g.tensors[size_t(op.inputs[1])].data) : 0;
  // A Mul's repeating operand (kernels/mul.h's in2), loaded once: from flash
  // when it is a constant. The full-size operand is the command's a.
  // (A unary op has one input: no second operand to read.)
  const bool two_inputs = op.inputs.size() > 1;
  const int a_id = two_inputs && plan.swap ? op.inputs[1] : op.inputs[0];
  const int rep_id = two_inputs ? op.inputs[plan.swap ? 0 : 1] : -1;
  const SpmAddr rep{Buffer::Input, 2 * plan.in_slot - vector_reserved_bytes(plan.repeat)};
  const uint64_t rep_addr = !plan.repeat                            ? 0
                            : g.tensors[size_t(rep_id)].is_constant() ? io.constant(g.tensors[size_t(rep_id)].data)
                                                                      : io.addr[size_t(rep_id)];
  kernels::MulParams mul_p;
  if (op.kind == ir::OpKind::Mul) {
    mul_p = lowering::mul_params(g, op);
    if (plan.swap) std::swap(mul_p.in1_zp, mul_p.in2_zp);
  }
  const uint64_t out_addr = io.addr[op.outputs[0]];
  std::vector<VectorChunk> out;
  for (uint32_t k = 0; k < plan.chunks; ++k) {
    const uint64_t first = uint64_t(k) * plan.chunk;
    const uint32_t n = uint32_t(std::min<uint64_t>(plan.chunk, plan.count - first));
    const SpmAddr in{Buffer::Input, (k % 2) * plan.in_slot}, result{Buffer::Output, (k % 2) * plan.out_slot};
    VectorChunk c;
    c.loads.push_back(vector_dma(Opcode::DmaLoad, io.load_channel, io.addr[size_t(a_id)] + first, in, 1, n, 0));
    if (op.kind == ir::OpKind::Mul && plan.repeat) {
      if (k == 0) c.loads.push_back(vector_dma(Opcode::DmaLoad, io.load_channel, rep_addr, rep, 1, plan.repeat, 0));
      c.compute = vmul(mul_p, in, rep, result, n, plan.repeat);
    } else if (binary) {
      const SpmAddr b{Buffer::Input, in.offset + plan.chunk};
      c.loads.push_back(vector_dma(Opcode::DmaLoad, io.load_channel, io.addr[op.inputs[1]] + first, b, 1, n, 0));
      if (op.kind == ir::OpKind::Add) {
        c.compute = vadd(lowering::add_params(g, op), in, b, result, n);
      } else if (op.kind == ir::OpKind::Sub) {
        c.compute = vsub(lowering::sub_params(g, op), in, b, result, n);
      } else if (op.kind == ir::OpKind::Mul) {
        c.compute = vmul(mul_p, in, b, result, n, n);
      } else {
        VectorMaxMinCmd v;
        v.a = in, v.b = b, v.out = result, v.count = n;
        c.compute = {op.kind == ir::OpKind::Maximum ? Opcode::VectorMax : Opcode::VectorMin, {}, v};
      }
    } else if (lut) {
      if (k == 0)
        c.loads.push_back(vector_dma(Opcode::DmaLoad, io.load_channel, table_addr, table, 1, kLutTableBytes, 0));
      VectorLutCmd v;
      v.in = in, v.table = table, v.out = result, v.count = n;
      c.compute = {Opcode::VectorLut, {}, v};
    } else {
      c.compute = vrequant(lowering::requantize_params(g, op), in, result, n);
    }
    c.store = vector_dma(Opcode::DmaStore, io.store_channel, out_addr + first, result, 1, n, 0);
    out.push_back(c);
  }
  return out;
}

}  // namespace

KILN_REGISTER_VECTOR_MAPPING({"element-wise", takes, plan, chunks, "elements"})

}  // namespace kiln::mapping
