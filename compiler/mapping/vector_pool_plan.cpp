// Pooling and Mean on the vector unit (vavgpool, vmaxpool, vmean): chunks
// of channels, each chunk the whole H x W of its channels, so that every
// window lies inside one chunk's tile. A chunk's load and store are one DMA
// row per pixel of its channels (one row in all when the chunk is every
// channel).
#include <algorithm>
#include <limits>

#include "arch/vector_timing.h"
#include "compiler/lowering/mcu_call.h"
#include "compiler/mapping/vector_op.h"

namespace kiln::mapping {

namespace {

bool takes(const ir::Op& op) {
  return op.kind == ir::OpKind::AvgPool || op.kind == ir::OpKind::MaxPool || op.kind == ir::OpKind::Mean;
}

std::optional<VectorPlan> plan(const ir::Graph& g, const ir::Op& op, const SocConfig& soc, std::string* why) {
  const auto refuse = [&](const std::string& reason) {
    *why = reason;
    return std::nullopt;
  };
  const unsigned lanes = vector_lanes(soc);
  const bool mean = op.kind == ir::OpKind::Mean;
  const ir::Tensor& in = g.tensors[op.inputs[0]];
  const ir::Tensor& out = g.tensors[op.outputs[0]];
  // Mean's output is 1 x 1 (or without the kept dimensions): one pixel.
  if (in.shape.size() != 4 || (!mean && out.shape.size() != 4))
    return refuse("vector pool: not a rank-4 NHWC tensor");
  if (in.shape[0] != 1) return refuse("vector pool: more than one image");
  const int64_t in_h = in.shape[1], in_w = in.shape[2], c = in.shape[3];
  const int64_t out_h = mean ? 1 : out.shape[1], out_w = mean ? 1 : out.shape[2];
  const ir::Window& w = op.window;
  const auto u16 = [](int64_t v) { return v >= 1 && v <= std::numeric_limits<uint16_t>::max(); };
  const auto u8 = [](int64_t v) { return v >= 0 && v <= std::numeric_limits<uint8_t>::max(); };
  if (!u16(in_h) || !u16(in_w) || !u16(c) || !u16(out_h) || !u16(out_w))
    return refuse("vector pool: a dimension outside the command's 16 bits");
  if (mean && uint64_t(in_h) * uint64_t(in_w) > (uint64_t(1) << 23)) return refuse("vector mean: h*w exceeds 2^23");
  if (!mean && (!u8(w.kernel_h) || !u8(w.kernel_w) || !u8(w.stride_h) || !u8(w.stride_w) || !u8(w.pad.top) ||
                !u8(w.pad.left)))
    return refuse("vector pool: a window parameter outside the command's 8 bits");
  VectorPlan p;
  p.count = uint64_t(c);
  p.in_slot = vector_input_slot(soc);
  p.out_slot = vector_output_slot(soc);
  const uint64_t in_pixels = uint64_t(in_h) * in_w, out_pixels = uint64_t(out_h) * out_w;
  const uint64_t chunk = std::min<uint64_t>({p.in_slot / in_pixels, p.out_slot / out_pixels, p.count});
  if (chunk == 0) return refuse("vector pool: one channel's H x W does not fit a scratchpad slot");
  p.chunk = uint32_t(chunk);
  p.chunks = uint32_t((p.count + chunk - 1) / chunk);
  const double npu_per_bus = soc.npu.clock_mhz / soc.bus.clock_mhz;
  const bool average = op.kind == ir::OpKind::AvgPool;
  for (uint32_t k = 0; k < p.chunks; ++k) {
    const uint64_t n = std::min<uint64_t>(chunk, p.count - uint64_t(k) * chunk);
    // One row per pixel when the chunk is a slice of the channels, else one.
    const auto dma = [&](uint64_t pixels) {
      return n == p.count ? transfer_bus_cycles(soc, pixels * n) : double(pixels) * transfer_bus_cycles(soc, n);
    };
    p.dma_cycles += (dma(in_pixels) + dma(out_pixels)) * npu_per_bus;
    if (mean) {
      VectorMeanCmd v;
      v.h = uint16_t(in_h), v.w = uint16_t(in_w), v.c = uint16_t(n);
      p.compute_cycles += double(command_cycles({Opcode::VectorMean, {}, v}, soc.npu, lanes));
    } else {
      VectorPoolCmd v;
      v.c = uint16_t(n), v.out_h = uint16_t(out_h), v.out_w = uint16_t(out_w);
      v.kh = uint8_t(w.kernel_h), v.kw = uint8_t(w.kernel_w);
      const Opcode opcode = average ? Opcode::VectorAvgPool : Opcode::VectorMaxPool;
      p.compute_cycles += double(command_cycles({opcode, {}, v}, soc.npu, lanes));
    }
  }
  p.roofline = std::max(p.dma_cycles, p.compute_cycles);
  p.cycles = p.roofline + std::min(p.dma_cycles, p.compute_cycles) / p.chunks;
  p.bytes_moved = (in_pixels + out_pixels) * p.count;
  return p;
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

// Channels [first, first + n) of every pixel; one DMA row per pixel unless
// the chunk holds every channel.
std::vector<VectorChunk> chunks(const VectorLayerIo& io) {
  const ir::Graph& g = io.g;
  const ir::Op& op = io.op;
  const VectorPlan& plan = io.plan;
  const bool mean = op.kind == ir::OpKind::Mean;
  const uint64_t in_addr = io.addr[op.inputs[0]], out_addr = io.addr[op.outputs[0]];
  const ir::Tensor& t = g.tensors[op.inputs[0]];
  const uint32_t all = uint32_t(plan.count), in_px = uint32_t(t.shape[1] * t.shape[2]);
  std::vector<VectorChunk> out;
  for (uint32_t k = 0; k < plan.chunks; ++k) {
    const uint64_t first = uint64_t(k) * plan.chunk;
    const uint32_t n = uint32_t(std::min<uint64_t>(plan.chunk, plan.count - first));
    const SpmAddr in{Buffer::Input, (k % 2) * plan.in_slot}, result{Buffer::Output, (k % 2) * plan.out_slot};
    VectorChunk c;
    uint32_t out_px = 1;
    if (mean) {
      c.compute = vmean(lowering::mean_params(g, op), in, result, n);
    } else {
      const kernels::PoolParams p = lowering::pool_params(g, op);
      out_px = uint32_t(p.out_h * p.out_w);
      c.compute = vpool(p, op.kind == ir::OpKind::AvgPool, in, result, n);
    }
    const bool whole = n == all;
    c.loads.push_back(vector_dma(Opcode::DmaLoad, io.load_channel, in_addr + first, in, whole ? 1 : in_px,
                                 whole ? in_px * n : n, all));
    c.store = vector_dma(Opcode::DmaStore, io.store_channel, out_addr + first, result, whole ? 1 : out_px,
                         whole ? out_px * n : n, all);
    out.push_back(c);
  }
  return out;
}

}  // namespace

KILN_REGISTER_VECTOR_MAPPING({"pooling", takes, plan, chunks, "channels"})

}  // namespace kiln::mapping
