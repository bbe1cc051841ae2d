#include "compiler/codegen/vector_layer.h"

#include <algorithm>
#include <cstring>

#include "compiler/codegen/tokens.h"
#include "compiler/lowering/mcu_call.h"

namespace kiln::codegen {

namespace {

// One chunk's commands before tokens: its loads, its vector command, its store.
struct Chunk {
  std::vector<Command> loads;
  Command compute;
  Command store;
};

Command dma(Opcode opcode, uint8_t channel, uint64_t mem, SpmAddr spm, uint32_t rows, uint32_t row_bytes,
            uint32_t mem_stride) {
  DmaCmd d;
  d.channel = channel;
  d.mem_addr = mem;
  d.spm = spm;
  d.rows = rows;
  d.row_bytes = row_bytes;
  d.mem_stride = rows > 1 ? mem_stride : 0;
  d.spm_stride = rows > 1 ? row_bytes : 0;
  return Command{opcode, {}, d};
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

Command vmean(const kernels::MeanParams& p, SpmAddr in, SpmAddr out, uint32_t channels) {
  VectorMeanCmd v;
  v.in = in, v.out = out;
  v.h = uint16_t(p.h), v.w = uint16_t(p.w), v.c = uint16_t(channels);
  v.in_zp = int8_t(p.in_zp), v.out_zp = int8_t(p.out_zp);
  v.mult = p.mult, v.shift = int8_t(p.shift);
  return {Opcode::VectorMean, {}, v};
}

Command vpool(const kernels::PoolParams& p, bool average, SpmAddr in, SpmAddr out, uint32_t channels) {
  VectorPoolCmd v;
  v.in = in, v.out = out;
  v.in_h = uint16_t(p.in_h), v.in_w = uint16_t(p.in_w), v.c = uint16_t(channels);
  v.out_h = uint16_t(p.out_h), v.out_w = uint16_t(p.out_w);
  v.kh = uint8_t(p.kh), v.kw = uint8_t(p.kw), v.stride_h = uint8_t(p.stride_h), v.stride_w = uint8_t(p.stride_w);
  v.pad_top = uint8_t(p.pad_top), v.pad_left = uint8_t(p.pad_left);
  v.act_min = int8_t(p.act_min), v.act_max = int8_t(p.act_max);
  return {average ? Opcode::VectorAvgPool : Opcode::VectorMaxPool, {}, v};
}

Command vdwconv(const kernels::DepthwiseConv2dParams& p, SpmAddr in, SpmAddr weights, SpmAddr params, SpmAddr out,
                uint32_t channels) {
  VectorDepthwiseCmd v;
  v.in = in, v.weights = weights, v.params = params, v.out = out;
  v.in_h = uint16_t(p.in_h), v.in_w = uint16_t(p.in_w), v.c = uint16_t(channels);
  v.out_h = uint16_t(p.out_h), v.out_w = uint16_t(p.out_w);
  v.kh = uint8_t(p.kh), v.kw = uint8_t(p.kw), v.stride_h = uint8_t(p.stride_h), v.stride_w = uint8_t(p.stride_w);
  v.dil_h = uint8_t(p.dil_h), v.dil_w = uint8_t(p.dil_w);
  v.pad_top = uint8_t(p.pad_top), v.pad_left = uint8_t(p.pad_left);
  v.in_zp = int8_t(p.in_zp), v.out_zp = int8_t(p.out_zp);
  v.act_min = int8_t(p.act_min), v.act_max = int8_t(p.act_max);
  return {Opcode::VectorDepthwise, {}, v};
}

// A depthwise convolution's records {int32 bias, multiplier, shift} per
// channel, as vdwconv reads them: the kernel's operands (bias, mult, shift).
std::vector<uint8_t> depthwise_records(const ir::Graph& g, const ir::Op& op) {
  const std::vector<lowering::McuOperand> ops = lowering::weighted_operands(g, op);
  const auto values = [&](const lowering::McuOperand& o) {
    if (o.tensor < 0) return o.values;
    const ir::Tensor& t = g.tensors[size_t(o.tensor)];
    std::vector<int32_t> v(size_t(t.num_elements()));
    for (size_t i = 0; i < v.size(); ++i) v[i] = t.int32_at(i);
    return v;
  };
  const std::vector<int32_t> bias = values(ops[2]), mult = values(ops[3]), shift = values(ops[4]);
  std::vector<uint8_t> out(12 * bias.size());
  for (size_t j = 0; j < bias.size(); ++j) {
    const int32_t r[3] = {bias[j], mult[j], shift[j]};
    std::memcpy(out.data() + 12 * j, r, 12);
  }
  return out;
}

// Where a depthwise layer's chunks move their bytes.
struct DepthwiseAddresses {
  uint8_t load_channel, store_channel;
  uint64_t in, out, taps, records;  // the tensors in SRAM, the taps and records in flash
};

// Chunk k of a depthwise plan (mapping::depthwise_chunk): its input rows,
// its taps and records unless chunk k-2 left them in place, one vdwconv, the
// store of its output rows. A chunk of every channel moves contiguous rows,
// else one DMA row per pixel of its channels.
Chunk depthwise_chunk(const ir::Graph& g, const ir::Op& op, const mapping::VectorPlan& plan, uint32_t k,
                      const DepthwiseAddresses& at) {
  const ir::Tensor& in = g.tensors[size_t(op.inputs[0])];
  const uint32_t in_w = uint32_t(in.shape[2]), all = uint32_t(plan.count);
  kernels::DepthwiseConv2dParams p = lowering::depthwise_params(g, op);
  const mapping::DepthwiseChunk ch = mapping::depthwise_chunk(plan, op.window, uint32_t(p.in_h), uint32_t(p.out_h), k);
  const uint32_t taps = uint32_t(p.kh * p.kw);
  const SpmAddr tile{Buffer::Input, (k % 2) * plan.in_slot}, out{Buffer::Output, (k % 2) * plan.out_slot};
  const SpmAddr weights{Buffer::Input, (k % 2) * plan.in_slot + plan.in_slot -
                                           mapping::vector_depthwise_reserved_bytes(taps, ch.n)};
  const SpmAddr records{Buffer::Input, weights.offset + mapping::vector_depthwise_taps_bytes(taps, ch.n)};
  const bool whole = ch.n == all;
  // `pixels` pixels of the chunk's channels from `mem`: one row, or one per pixel.
  const auto move = [&](Opcode opcode, uint8_t channel, uint64_t mem, SpmAddr spm, uint32_t pixels) {
    return dma(opcode, channel, mem + ch.c0, spm, whole ? 1 : pixels, whole ? pixels * ch.n : ch.n, all);
  };
  Chunk c;
  if (ch.load_taps) {
    c.loads.push_back(move(Opcode::DmaLoad, at.load_channel, at.taps, weights, taps));
    c.loads.push_back(dma(Opcode::DmaLoad, at.load_channel, at.records + 12 * uint64_t(ch.c0), records, 1, 12 * ch.n, 0));
  }
  c.loads.push_back(
      move(Opcode::DmaLoad, at.load_channel, at.in + uint64_t(ch.iy0) * in_w * all, tile, ch.in_rows * in_w));
  p.in_h = int(ch.in_rows), p.out_h = int(ch.rows), p.pad_top = int(ch.pad_top);
  c.compute = vdwconv(p, tile, weights, records, out, ch.n);
  c.store = move(Opcode::DmaStore, at.store_channel, at.out + uint64_t(ch.oy0) * uint32_t(p.out_w) * all, out,
                 ch.rows * uint32_t(p.out_w));
  return c;
}

}  // namespace

std::vector<Command> emit_vector_layer(const ir::Graph& g, const ir::Op& op, const mapping::VectorPlan& plan,
                                       const SocConfig& soc, const std::vector<uint64_t>& addr, FlashImage& flash) {
  const uint8_t load_channel = 0, store_channel = soc.dma.channels > 1 ? 1 : 0;
  const bool mean = op.kind == ir::OpKind::Mean;
  const bool depthwise = op.kind == ir::OpKind::DepthwiseConv2d;
  const bool pool = op.kind == ir::OpKind::AvgPool || op.kind == ir::OpKind::MaxPool || mean;
  const bool binary = op.kind == ir::OpKind::Add || op.kind == ir::OpKind::Maximum || op.kind == ir::OpKind::Minimum ||
                      op.kind == ir::OpKind::Sub || op.kind == ir::OpKind::Mul;
  const bool lut = op.kind == ir::OpKind::Lut;
  // A table is constant data in flash, as the MCU's lut reads it.
  const SpmAddr table{Buffer::Input, 2 * plan.in_slot - mapping::kLutTableBytes};
  const uint64_t table_addr = lut ? flash.append(g.tensors[size_t(op.inputs[1])].data) : 0;
  // A Mul's repeating operand (kernels/mul.h's in2), loaded once: from flash
  // when it is a constant. The full-size operand is the command's a.
  // (A unary op or a pooling has one input: no second operand to read.)
  const bool two_inputs = op.inputs.size() > 1;
  const int a_id = two_inputs && plan.swap ? op.inputs[1] : op.inputs[0];
  const int rep_id = two_inputs ? op.inputs[plan.swap ? 0 : 1] : -1;
  const SpmAddr rep{Buffer::Input, 2 * plan.in_slot - mapping::vector_reserved_bytes(plan.repeat)};
  const uint64_t rep_addr = !plan.repeat                            ? 0
                            : g.tensors[size_t(rep_id)].is_constant() ? flash.append(g.tensors[size_t(rep_id)].data)
                                                                      : addr[size_t(rep_id)];
  kernels::MulParams mul_p;
  if (op.kind == ir::OpKind::Mul) {
    mul_p = lowering::mul_params(g, op);
    if (plan.swap) std::swap(mul_p.in1_zp, mul_p.in2_zp);
  }
  const uint64_t in_addr = addr[op.inputs[0]], out_addr = addr[op.outputs[0]];
  // A depthwise convolution's taps ([1, kh, kw, c]: row t of c bytes) and
  // records are constants in flash; each chunk loads its channels' share.
  const uint64_t taps_addr = depthwise ? flash.append(g.tensors[size_t(op.inputs[1])].data) : 0;
  const uint64_t records_addr = depthwise ? flash.append(depthwise_records(g, op)) : 0;

  std::vector<Chunk> chunks;
  for (uint32_t k = 0; k < plan.chunks; ++k) {
    const uint64_t first = uint64_t(k) * plan.chunk;
    const uint32_t n = uint32_t(std::min<uint64_t>(plan.chunk, plan.count - first));
    const SpmAddr in{Buffer::Input, (k % 2) * plan.in_slot}, out{Buffer::Output, (k % 2) * plan.out_slot};
    Chunk c;
    if (depthwise) {
      c = depthwise_chunk(g, op, plan, k, {load_channel, store_channel, in_addr, out_addr, taps_addr, records_addr});
    } else if (pool) {
      // Channels [first, first + n) of every pixel; one DMA row per pixel
      // unless the chunk holds every channel.
      const ir::Tensor& t = g.tensors[op.inputs[0]];
      const uint32_t all = uint32_t(plan.count), in_px = uint32_t(t.shape[1] * t.shape[2]);
      uint32_t out_px = 1;
      if (mean) {
        c.compute = vmean(lowering::mean_params(g, op), in, out, n);
      } else {
        const kernels::PoolParams p = lowering::pool_params(g, op);
        out_px = uint32_t(p.out_h * p.out_w);
        c.compute = vpool(p, op.kind == ir::OpKind::AvgPool, in, out, n);
      }
      const bool whole = n == all;
      c.loads.push_back(dma(Opcode::DmaLoad, load_channel, in_addr + first, in, whole ? 1 : in_px,
                            whole ? in_px * n : n, all));
      c.store = dma(Opcode::DmaStore, store_channel, out_addr + first, out, whole ? 1 : out_px,
                    whole ? out_px * n : n, all);
    } else {
      c.loads.push_back(dma(Opcode::DmaLoad, load_channel, addr[size_t(a_id)] + first, in, 1, n, 0));
      if (op.kind == ir::OpKind::Mul && plan.repeat) {
        if (k == 0) c.loads.push_back(dma(Opcode::DmaLoad, load_channel, rep_addr, rep, 1, plan.repeat, 0));
        c.compute = vmul(mul_p, in, rep, out, n, plan.repeat);
      } else if (binary) {
        const SpmAddr b{Buffer::Input, in.offset + plan.chunk};
        c.loads.push_back(dma(Opcode::DmaLoad, load_channel, addr[op.inputs[1]] + first, b, 1, n, 0));
        if (op.kind == ir::OpKind::Add) {
          c.compute = vadd(lowering::add_params(g, op), in, b, out, n);
        } else if (op.kind == ir::OpKind::Sub) {
          c.compute = vsub(lowering::sub_params(g, op), in, b, out, n);
        } else if (op.kind == ir::OpKind::Mul) {
          c.compute = vmul(mul_p, in, b, out, n, n);
        } else {
          VectorMaxMinCmd v;
          v.a = in, v.b = b, v.out = out, v.count = n;
          c.compute = {op.kind == ir::OpKind::Maximum ? Opcode::VectorMax : Opcode::VectorMin, {}, v};
        }
      } else if (lut) {
        if (k == 0)
          c.loads.push_back(dma(Opcode::DmaLoad, load_channel, table_addr, table, 1, mapping::kLutTableBytes, 0));
        VectorLutCmd v;
        v.in = in, v.table = table, v.out = out, v.count = n;
        c.compute = {Opcode::VectorLut, {}, v};
      } else {
        c.compute = vrequant(lowering::requantize_params(g, op), in, out, n);
      }
      c.store = dma(Opcode::DmaStore, store_channel, out_addr + first, out, 1, n, 0);
    }
    chunks.push_back(c);
  }

  // Steps per chunk k: load (Load), compute (Compute), store (Store). The
  // loads of chunk k reuse the input slot the command of chunk k-2 read; its
  // command the output slot the store of chunk k-2 read.
  std::vector<TokenStep> steps;
  for (uint32_t k = 0; k < plan.chunks; ++k) {
    const uint32_t base = 3 * k;
    TokenStep load{Queue::Load, {}}, compute{Queue::Compute, {base}}, store{Queue::Store, {base + 1}};
    if (k >= 2) load.deps.push_back(base - 6 + 1), compute.deps.push_back(base - 6 + 2);
    steps.push_back(load);
    steps.push_back(compute);
    steps.push_back(store);
  }
  const std::vector<Deps> deps = assign_tokens(steps);

  std::vector<Command> cmds;
  for (uint32_t k = 0; k < plan.chunks; ++k) {
    Chunk& c = chunks[k];
    // The first load waits for the step's tokens, the last signals its own.
    Deps& first = c.loads.front().deps;
    first.wait_prev = deps[3 * k].wait_prev, first.wait_next = deps[3 * k].wait_next;
    Deps& last = c.loads.back().deps;
    last.signal_prev = deps[3 * k].signal_prev, last.signal_next = deps[3 * k].signal_next;
    c.compute.deps = deps[3 * k + 1];
    c.store.deps = deps[3 * k + 2];
    cmds.insert(cmds.end(), c.loads.begin(), c.loads.end());
    cmds.push_back(c.compute);
    cmds.push_back(c.store);
  }
  return cmds;
}

}  // namespace kiln::codegen
