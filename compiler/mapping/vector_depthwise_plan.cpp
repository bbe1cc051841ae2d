// Depthwise convolution on the vector unit (vdwconv): chunks of output rows
// and channels. A chunk holds the input rows its output rows' windows read
// (the halo included) of its channels, so every window lies inside one
// chunk's tile; when a chunk has every channel its tile and its output are
// contiguous in the NHWC tensors (one DMA row), else one DMA row per pixel.
// A chunk's taps and records ride in its input slot too, at the slot's end:
// the unit reads them into its lanes before it streams the tile (its row's
// closed form in arch/command.h), and the other slot (bank) stays free for
// the next chunk's loads. Chunk k's taps go where chunk k-2's are, and are
// loaded again only for another group of channels.
#include <algorithm>
#include <cstring>
#include <limits>

#include "arch/vector_timing.h"
#include "compiler/lowering/mcu_call.h"
#include "compiler/mapping/cost_model.h"
#include "compiler/mapping/vector_op.h"

namespace kiln::mapping {

namespace {

// Chunk k of a depthwise plan: channels [c0, c0+n), output rows
// [oy0, oy0+rows), which read input rows [iy0, iy0+in_rows) with pad_top
// rows of padding above the tile; load_taps when its taps and records are
// not in place from chunk k-2. Chunks run through the row blocks of one
// channel group, then the next group.
struct DepthwiseChunk {
  uint32_t c0 = 0, n = 0, oy0 = 0, rows = 0, iy0 = 0, in_rows = 0, pad_top = 0;
  bool load_taps = true;
};

// Bytes of a vdwconv chunk's taps for `channels` (4-byte aligned, where its records start), and of
// its taps and records together (16-byte aligned) at the end of an input slot.
uint32_t vector_depthwise_taps_bytes(uint32_t taps, uint32_t channels) { return (taps * channels + 3) / 4 * 4; }

uint32_t vector_depthwise_reserved_bytes(uint32_t taps, uint32_t channels) {
  return (vector_depthwise_taps_bytes(taps, channels) + 12 * channels + 15) / 16 * 16;
}

DepthwiseChunk depthwise_chunk(const VectorPlan& p, const ir::Window& w, uint32_t in_h, uint32_t out_h, uint32_t k) {
  const uint32_t row_blocks = (out_h + p.rows - 1) / p.rows;
  const uint32_t group = k / row_blocks, block = k % row_blocks;
  DepthwiseChunk c;
  c.c0 = group * p.chunk;
  c.n = uint32_t(std::min<uint64_t>(p.chunk, p.count - c.c0));
  c.oy0 = block * p.rows;
  c.rows = std::min(p.rows, out_h - c.oy0);
  // The first input row the chunk's windows read, and one past the last.
  const int64_t first = int64_t(c.oy0) * w.stride_h - w.pad.top;
  const int64_t last = int64_t(c.oy0 + c.rows - 1) * w.stride_h - w.pad.top + int64_t(w.kernel_h - 1) * w.dilation_h;
  c.iy0 = uint32_t(std::max<int64_t>(0, first));
  c.in_rows = uint32_t(std::min<int64_t>(in_h, last + 1) - c.iy0);
  c.pad_top = uint32_t(int64_t(c.iy0) - first);
  // Chunk k's taps go where chunk k-2's are: loaded again only for another group.
  c.load_taps = k < 2 || (k - 2) / row_blocks != group;
  return c;
}

bool takes(const ir::Op& op) { return op.kind == ir::OpKind::DepthwiseConv2d; }

std::optional<VectorPlan> plan(const ir::Graph& g, const ir::Op& op, const SocConfig& soc, std::string* why) {
  const auto refuse = [&](const std::string& reason) {
    *why = reason;
    return std::nullopt;
  };
  const unsigned lanes = vector_lanes(soc);
  const ir::Tensor& in = g.tensors[op.inputs[0]];
  const ir::Tensor& out = g.tensors[op.outputs[0]];
  if (in.shape.size() != 4 || out.shape.size() != 4) return refuse("vector depthwise: not a rank-4 NHWC tensor");
  if (in.shape[0] != 1) return refuse("vector depthwise: more than one image");
  if (op.depth_multiplier != 1 || in.shape[3] != out.shape[3])
    return refuse("vector depthwise: a depth multiplier other than 1");
  if (op.inputs.size() < 2 || !g.tensors[op.inputs[1]].is_constant())
    return refuse("vector depthwise: weights that are not a constant");
  if (op.inputs.size() > 2 && op.inputs[2] >= 0 && !g.tensors[op.inputs[2]].is_constant())
    return refuse("vector depthwise: a bias that is not a constant");
  const int64_t in_h = in.shape[1], in_w = in.shape[2], c = in.shape[3];
  const int64_t out_h = out.shape[1], out_w = out.shape[2];
  const ir::Window& w = op.window;
  const auto u16 = [](int64_t v) { return v >= 1 && v <= std::numeric_limits<uint16_t>::max(); };
  const auto u8 = [](int64_t v) { return v >= 0 && v <= std::numeric_limits<uint8_t>::max(); };
  if (!u16(in_h) || !u16(in_w) || !u16(c) || !u16(out_h) || !u16(out_w))
    return refuse("vector depthwise: a dimension outside the command's 16 bits");
  if (!u8(w.kernel_h) || !u8(w.kernel_w) || !u8(w.stride_h) || !u8(w.stride_w) || !u8(w.dilation_h) ||
      !u8(w.dilation_w) || !u8(w.pad.top) || !u8(w.pad.left))
    return refuse("vector depthwise: a window parameter outside the command's 8 bits");
  const CostModel model(soc);
  const MemoryConfig& sram = *soc.first_of_kind(MemoryKind::Sram);
  const MemoryConfig& flash = *soc.first_of_kind(MemoryKind::Flash);
  const uint32_t taps = uint32_t(w.kernel_h * w.kernel_w);
  if (taps > kVectorDepthwiseMaxTaps)
    return refuse("vector depthwise: more taps than the " + std::to_string(kVectorDepthwiseMaxTaps) + " a lane holds");
  const uint32_t in_slot = vector_input_slot(soc), out_slot = vector_output_slot(soc);

  // The plan with chunks of n channels and r output rows.
  const auto plan = [&](uint32_t n, uint32_t r) {
    VectorPlan p;
    p.count = uint64_t(c);
    p.chunk = n;
    p.rows = r;
    p.chunks = uint32_t((p.count + n - 1) / n) * uint32_t((out_h + r - 1) / r);
    p.in_slot = in_slot, p.out_slot = out_slot;
    for (uint32_t k = 0; k < p.chunks; ++k) {
      const DepthwiseChunk ch = depthwise_chunk(p, w, uint32_t(in_h), uint32_t(out_h), k);
      const bool whole = ch.n == p.count;
      const auto pixels = [&](uint64_t count) {  // count pixels of the chunk's channels
        Transfer t;
        t.rows = whole ? 1 : uint32_t(count);
        t.row_bytes = whole ? uint32_t(count * ch.n) : ch.n;
        t.mem_stride = whole ? 0 : uint32_t(c);
        return t;
      };
      p.dma_cycles += model.transfer_cycles(sram, pixels(uint64_t(ch.in_rows) * in_w)) +
                      model.transfer_cycles(sram, pixels(uint64_t(ch.rows) * out_w));
      if (ch.load_taps) {
        Transfer t = pixels(taps), records;
        records.row_bytes = 12 * ch.n;
        p.dma_cycles += model.transfer_cycles(flash, t) + model.transfer_cycles(flash, records);
        p.bytes_moved += uint64_t(taps + 12) * ch.n;
      }
      p.bytes_moved += (uint64_t(ch.in_rows) * in_w + uint64_t(ch.rows) * out_w) * ch.n;
      VectorDepthwiseCmd v;
      v.in = {Buffer::Input, (k % 2) * in_slot};
      v.in_h = uint16_t(ch.in_rows), v.in_w = uint16_t(in_w), v.c = uint16_t(ch.n);
      v.out_h = uint16_t(ch.rows), v.out_w = uint16_t(out_w);
      v.kh = uint8_t(w.kernel_h), v.kw = uint8_t(w.kernel_w);
      p.compute_cycles += double(command_cycles({Opcode::VectorDepthwise, {}, v}, soc.npu, lanes));
    }
    p.roofline = std::max(p.dma_cycles, p.compute_cycles);
    p.cycles = p.roofline + std::min(p.dma_cycles, p.compute_cycles) / p.chunks;
    return p;
  };
  // Input rows a chunk of r output rows reads at most.
  const auto in_rows = [&](uint64_t r) {
    return std::min<uint64_t>(uint64_t(in_h), (r - 1) * w.stride_h + uint64_t(w.kernel_h - 1) * w.dilation_h + 1);
  };
  // The most output rows of n channels whose tile, taps and records fit an
  // input slot and whose output fits an output slot; 0 when one row does not.
  const auto most_rows = [&](uint64_t n) {
    const uint64_t reserved = vector_depthwise_reserved_bytes(taps, uint32_t(n));
    uint64_t r = std::min<uint64_t>(uint64_t(out_h), out_slot / (uint64_t(out_w) * n));
    while (r > 0 && in_rows(r) * in_w * n + reserved > in_slot) --r;
    return r;
  };
  // Candidates: every channel, or whole lane groups; with the most rows that
  // fit, and half and a quarter as many (more chunks overlap more of the
  // DMA with the compute): whichever the model predicts fastest.
  std::optional<VectorPlan> best;
  std::vector<uint64_t> widths{uint64_t(c)};
  for (uint64_t n = uint64_t(c) / lanes * lanes; n >= lanes; n -= lanes)
    if (n != uint64_t(c)) widths.push_back(n);
  for (uint64_t n : widths) {
    const uint64_t r = most_rows(n);
    for (uint64_t rows : {r, (r + 1) / 2, (r + 3) / 4}) {
      if (rows == 0) continue;
      const VectorPlan p = plan(uint32_t(n), uint32_t(rows));
      if (!best || p.cycles < best->cycles) best = p;
    }
  }
  // A single row of every channel too large for a slot: fewer channels.
  for (uint64_t n = uint64_t(c) / 2; !best && n >= 1; n /= 2)
    if (const uint64_t r = most_rows(n)) best = plan(uint32_t(n), uint32_t(r));
  if (!best) return refuse("vector depthwise: one output row of one channel, its input rows and taps do not fit a slot");
  return best;
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

// Chunk k (depthwise_chunk): its input rows, its taps and records unless
// chunk k-2 left them in place, one vdwconv, the store of its output rows. A
// chunk of every channel moves contiguous rows, else one DMA row per pixel of
// its channels. The taps ([1, kh, kw, c]: row t of c bytes) and the records
// are constants in flash; each chunk loads its channels' share.
std::vector<VectorChunk> chunks(const VectorLayerIo& io) {
  const ir::Graph& g = io.g;
  const ir::Op& op = io.op;
  const VectorPlan& plan = io.plan;
  const uint64_t in_addr = io.addr[op.inputs[0]], out_addr = io.addr[op.outputs[0]];
  const uint64_t taps_addr = io.constant(g.tensors[size_t(op.inputs[1])].data);
  const uint64_t records_addr = io.constant(depthwise_records(g, op));
  const ir::Tensor& in = g.tensors[size_t(op.inputs[0])];
  const uint32_t in_w = uint32_t(in.shape[2]), all = uint32_t(plan.count);
  std::vector<VectorChunk> out;
  for (uint32_t k = 0; k < plan.chunks; ++k) {
    kernels::DepthwiseConv2dParams p = lowering::depthwise_params(g, op);
    const DepthwiseChunk ch = depthwise_chunk(plan, op.window, uint32_t(p.in_h), uint32_t(p.out_h), k);
    const uint32_t taps = uint32_t(p.kh * p.kw);
    const SpmAddr tile{Buffer::Input, (k % 2) * plan.in_slot}, result{Buffer::Output, (k % 2) * plan.out_slot};
    const SpmAddr weights{Buffer::Input,
                          (k % 2) * plan.in_slot + plan.in_slot - vector_depthwise_reserved_bytes(taps, ch.n)};
    const SpmAddr records{Buffer::Input, weights.offset + vector_depthwise_taps_bytes(taps, ch.n)};
    const bool whole = ch.n == all;
    // `pixels` pixels of the chunk's channels from `mem`: one row, or one per pixel.
    const auto move = [&](Opcode opcode, uint8_t channel, uint64_t mem, SpmAddr spm, uint32_t pixels) {
      return vector_dma(opcode, channel, mem + ch.c0, spm, whole ? 1 : pixels, whole ? pixels * ch.n : ch.n, all);
    };
    VectorChunk c;
    if (ch.load_taps) {
      c.loads.push_back(move(Opcode::DmaLoad, io.load_channel, taps_addr, weights, taps));
      c.loads.push_back(
          vector_dma(Opcode::DmaLoad, io.load_channel, records_addr + 12 * uint64_t(ch.c0), records, 1, 12 * ch.n, 0));
    }
    c.loads.push_back(
        move(Opcode::DmaLoad, io.load_channel, in_addr + uint64_t(ch.iy0) * in_w * all, tile, ch.in_rows * in_w));
    p.in_h = int(ch.in_rows), p.out_h = int(ch.rows), p.pad_top = int(ch.pad_top);
    c.compute = vdwconv(p, tile, weights, records, result, ch.n);
    c.store = move(Opcode::DmaStore, io.store_channel, out_addr + uint64_t(ch.oy0) * uint32_t(p.out_w) * all, result,
                   ch.rows * uint32_t(p.out_w));
    out.push_back(c);
  }
  return out;
}

}  // namespace

KILN_REGISTER_VECTOR_MAPPING({"depthwise", takes, plan, chunks, "channels"})

}  // namespace kiln::mapping
