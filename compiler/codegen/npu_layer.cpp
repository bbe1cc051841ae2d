#include "compiler/codegen/npu_layer.h"

#include <algorithm>
#include <cstring>
#include <map>

#include "arch/error.h"
#include "compiler/codegen/tokens.h"
#include "compiler/mapping/transfers.h"

namespace kiln::codegen {

uint64_t FlashImage::append(const std::vector<uint8_t>& bytes) {
  bytes_.resize((bytes_.size() + 15) / 16 * 16, 0);
  const uint64_t addr = base_ + bytes_.size();
  bytes_.insert(bytes_.end(), bytes.begin(), bytes.end());
  return addr;
}

namespace {

void put_i32(std::vector<uint8_t>& out, int32_t v) {
  uint8_t b[4];
  std::memcpy(b, &v, 4);
  out.insert(out.end(), b, b + 4);
}

// Per-output-channel post-processing records {bias', multiplier, shift}.
struct ChannelParams {
  std::vector<int32_t> bias, multiplier, shift;
};

ChannelParams channel_params(const ir::Graph& g, const ir::Op& op, const mapping::ConvShape& s) {
  const ir::Tensor& in = g.tensors[op.inputs[0]];
  const ir::Tensor& w = g.tensors[op.inputs[1]];
  const ir::Tensor* bias = op.inputs.size() > 2 && op.inputs[2] >= 0 ? &g.tensors[op.inputs[2]] : nullptr;
  const int64_t per_channel = int64_t(s.kh) * s.kw * (s.depthwise ? 1 : s.in_c);
  ChannelParams p;
  for (uint32_t o = 0; o < s.out_c; ++o) {
    int64_t sum_w = 0;
    // Depthwise weights are [1, kh, kw, C]: channel o's taps are C apart.
    for (int64_t i = 0; i < per_channel; ++i)
      sum_w += w.int8_at(s.depthwise ? size_t(i * s.out_c + o) : size_t(o * per_channel + i));
    const int64_t b = bias && bias->is_constant() ? bias->int32_at(o) : 0;
    // Wraps like the int32 accumulator: the sum is exact modulo 2^32.
    p.bias.push_back(int32_t(uint32_t(int64_t(b) - int64_t(in.zero_point()) * sum_w)));
    const size_t r = op.rescale.multiplier.size() > 1 ? o : 0;
    p.multiplier.push_back(op.rescale.multiplier[r]);
    p.shift.push_back(op.rescale.shift[r]);
  }
  return p;
}

// Weight chunk (channels [n0,+n), input channels [c0,+c)) as the array's B
// (K x N, k = (ky*kw + kx)*c + cc), followed by its channels' records. A
// depthwise chunk (c0 = n0, c = n) is its compact taps, row (ky*kw + kx) of n
// bytes: the NPU expands it to block-diagonal (ConvCmd::depthwise).
std::vector<uint8_t> weight_chunk(const ir::Tensor& w, const mapping::ConvShape& s, const ChannelParams& p, uint32_t n0,
                                  uint32_t n, uint32_t c0, uint32_t c) {
  std::vector<uint8_t> out;
  out.reserve(mapping::chunk_bytes(s, c, n));
  for (uint32_t ky = 0; ky < s.kh; ++ky)
    for (uint32_t kx = 0; kx < s.kw; ++kx)
      if (s.depthwise)
        for (uint32_t j = 0; j < n; ++j) out.push_back(w.data[(size_t(ky) * s.kw + kx) * s.out_c + n0 + j]);
      else
        for (uint32_t cc = 0; cc < c; ++cc)
          for (uint32_t j = 0; j < n; ++j)
            out.push_back(w.data[((size_t(n0 + j) * s.kh + ky) * s.kw + kx) * s.in_c + c0 + cc]);
  out.resize(mapping::chunk_params_offset(s, c, n), 0);
  for (uint32_t j = 0; j < n; ++j) {
    put_i32(out, p.bias[n0 + j]);
    put_i32(out, p.multiplier[n0 + j]);
    put_i32(out, p.shift[n0 + j]);
  }
  return out;
}

uint32_t chunk_bytes(const mapping::ConvShape& s, const mapping::Step& st) {
  return uint32_t(mapping::chunk_bytes(s, st.c, st.n));
}

}  // namespace

WeightPrefetch prefetch_weights(const ir::Graph& g, const ir::Op& op, const mapping::LayerSchedule& sched,
                                const SocConfig& soc, bool weights_high, FlashImage& flash) {
  const mapping::ConvShape& s = sched.shape;
  const ChannelParams params = channel_params(g, op, s);
  WeightPrefetch p;
  for (const mapping::Step& st : sched.steps) {
    if (!st.prefetched) continue;
    const uint64_t addr = flash.append(weight_chunk(g.tensors[op.inputs[1]], s, params, st.n0, st.n, st.c0, st.c));
    p.flash_addr[{st.n0, st.c0}] = addr;
    p.spm.emplace_back(mapping::weight_slot_offset(sched, soc, st.slot, weights_high), chunk_bytes(s, st));
    DmaCmd d;
    d.channel = sched.tiling.channels.weight;
    d.mem_addr = addr;
    d.spm = {Buffer::Weight, uint32_t(p.spm.back().first)};
    d.rows = 1, d.row_bytes = uint32_t(p.spm.back().second);
    p.loads.push_back({Opcode::DmaLoad, {}, d});
  }
  if (p.loads.empty()) throw Error(g.describe(op) + ": internal: no prefetched weight step");
  return p;
}

int last_weight_reader(const mapping::LayerSchedule& sched, const SocConfig& soc, bool weights_high,
                       uint64_t offset, uint64_t bytes) {
  int last = -1;
  for (size_t i = 0; i < sched.steps.size(); ++i) {
    const auto& st = sched.steps[i];
    if (st.kind != mapping::StepKind::Compute && st.kind != mapping::StepKind::PostProcess) continue;
    const uint64_t lo = mapping::weight_slot_offset(sched, soc, st.weight_slot, weights_high);
    const uint64_t hi = lo + chunk_bytes(sched.shape, st);
    if (lo < offset + bytes && offset < hi) last = int(i);
  }
  return last;
}

NpuLayerCode emit_npu_layer(const ir::Graph& g, const ir::Op& op, const mapping::LayerSchedule& sched,
                            const SocConfig& soc, const NpuLayerIo& io, FlashImage& flash,
                            const WeightPrefetch* mine, const WeightPrefetch* next) {
  const mapping::ConvShape& s = sched.shape;
  const mapping::Tiling& t = sched.tiling;
  const ir::Tensor& in = g.tensors[op.inputs[0]];
  const ir::Tensor& out = g.tensors[op.outputs[0]];
  const ir::Tensor& w = g.tensors[op.inputs[1]];
  const ChannelParams params = channel_params(g, op, s);
  const uint64_t in_slot = mapping::slot_bytes(mapping::input_slot_space(s, t, soc), t.buffers);
  // Cascading: where a resident input is read and a resident output written.
  const uint64_t resident_in = io.resident_input;
  const uint64_t resident_out = mapping::resident_output_offset(s, t, soc, resident_in);
  const auto weight_at = [&](uint32_t slot) { return mapping::weight_slot_offset(sched, soc, slot, io.weights_high); };
  const uint64_t out_slot = mapping::slot_bytes(soc.npu.output.size_bytes, t.buffers);

  NpuLayerCode code;
  std::map<std::pair<uint32_t, uint32_t>, uint64_t> chunk_addr;  // (n0, c0) -> flash address

  if (mine) chunk_addr.insert(mine->flash_addr.begin(), mine->flash_addr.end());

  // A prefetched step emits nothing here (the previous layer loaded it, and
  // the fence between the layers orders it before everything of this one):
  // it leaves the token steps, and so do dependencies on it.
  std::vector<int> token_index(sched.steps.size(), -1);
  std::vector<TokenStep> token_steps;
  for (size_t i = 0; i < sched.steps.size(); ++i) {
    const mapping::Step& st = sched.steps[i];
    if (st.prefetched && mine) continue;
    TokenStep t{mapping::queue_of(st.kind), {}};
    for (uint32_t d : st.deps)
      if (token_index[d] >= 0) t.deps.push_back(uint32_t(token_index[d]));
    token_index[i] = int(token_steps.size());
    token_steps.push_back(t);
  }
  if (next) {
    int after = -1;
    for (const auto& [offset, bytes] : next->spm)
      after = std::max(after, last_weight_reader(sched, soc, io.weights_high, offset, bytes));
    TokenStep t{Queue::Load, {}};
    if (after >= 0) t.deps.push_back(uint32_t(token_index[size_t(after)]));
    token_steps.push_back(t);
  }
  const std::vector<Deps> token_deps = assign_tokens(token_steps);

  for (size_t i = 0; i < sched.steps.size(); ++i) {
    const mapping::Step& st = sched.steps[i];
    if (token_index[i] < 0) continue;
    const Deps& dep = token_deps[size_t(token_index[i])];
    std::vector<Command> cmds;
    switch (st.kind) {
      case mapping::StepKind::LoadInput:
        for (const auto& tr : mapping::input_transfers(s, st)) {
          DmaCmd d;
          d.channel = t.channels.input;
          d.mem_addr = io.input_addr + tr.mem_offset;
          d.spm = {Buffer::Input, uint32_t(st.slot * in_slot + tr.spm_offset)};
          d.rows = tr.rows, d.row_bytes = tr.row_bytes, d.mem_stride = tr.mem_stride, d.spm_stride = tr.spm_stride;
          cmds.push_back({Opcode::DmaLoad, {}, d});
        }
        break;
      case mapping::StepKind::LoadWeights: {
        const auto key = std::make_pair(st.n0, st.c0);
        if (!chunk_addr.count(key)) {
          const auto chunk = weight_chunk(w, s, params, st.n0, st.n, st.c0, st.c);
          chunk_addr[key] = flash.append(chunk);
          code.weight_bytes += chunk.size();
        }
        const auto tr = mapping::weight_transfer(0, chunk_bytes(s, st));
        DmaCmd d;
        d.channel = t.channels.weight;
        d.mem_addr = chunk_addr[key];
        d.spm = {Buffer::Weight, uint32_t(weight_at(st.slot))};
        d.rows = tr.rows, d.row_bytes = tr.row_bytes;
        cmds.push_back({Opcode::DmaLoad, {}, d});
        break;
      }
      case mapping::StepKind::Compute: {
        ConvCmd c;
        c.in_h = st.ih, c.in_w = st.iw, c.in_c = st.c;
        c.out_h = st.rows, c.out_w = st.cols, c.n = st.n;
        c.kh = uint8_t(s.kh), c.kw = uint8_t(s.kw), c.stride_h = uint8_t(s.stride_h), c.stride_w = uint8_t(s.stride_w);
        c.dil_h = uint8_t(s.dil_h), c.dil_w = uint8_t(s.dil_w);
        // Padding rows/cols above/left of the stored tile (the image edge).
        c.pad_top = uint8_t(int64_t(st.iy0) - s.input_row_first(st.oy0));
        c.pad_left = uint8_t(int64_t(st.ix0) - s.input_col_first(st.ox0));
        c.pad_value = int8_t(in.zero_point());
        c.in_addr = t.input_resident ? uint32_t(resident_in + uint64_t(st.iy0) * s.in_w * s.in_c)
                                     : uint32_t(st.input_slot * in_slot);
        if (s.depthwise && st.c < s.in_c) {
          // The tile holds every channel (schedule): read this tile's slice.
          c.in_addr += st.c0;
          c.in_pixel_stride = s.in_c;
        }
        c.b_addr = uint32_t(weight_at(st.weight_slot)), c.b_stride = st.n;
        c.c_addr = 0, c.c_stride = st.n;
        c.dataflow = t.dataflow;
        c.accumulate = st.accumulate;
        c.depthwise = s.depthwise;
        cmds.push_back({Opcode::Conv, {}, c});
        break;
      }
      case mapping::StepKind::PostProcess: {
        PostProcessCmd p;
        p.m = st.rows * st.cols, p.n = st.n;
        p.acc_addr = 0, p.acc_stride = st.n;
        p.params_addr = uint32_t(weight_at(st.weight_slot) + mapping::chunk_params_offset(s, st.c, st.n));
        if (t.output_resident) {
          // Full-width rows: pixel m of the tile is NHWC pixel oy0*out_w + m.
          p.out = {Buffer::Input, uint32_t(resident_out + (uint64_t(st.oy0) * s.out_w + st.ox0) * s.out_c + st.n0)};
          p.out_stride = s.out_c;
        } else {
          p.out = {Buffer::Output, uint32_t(st.slot * out_slot)};
          p.out_stride = st.n;
        }
        p.out_zero_point = out.zero_point();
        p.act_min = op.act.min, p.act_max = op.act.max;
        cmds.push_back({Opcode::PostProcess, {}, p});
        break;
      }
      case mapping::StepKind::Store:
        for (const auto& tr : mapping::output_transfers(s, st)) {
          DmaCmd d;
          d.channel = t.channels.store;
          d.mem_addr = io.output_addr + tr.mem_offset;
          d.spm = {Buffer::Output, uint32_t(st.slot * out_slot + tr.spm_offset)};
          d.rows = tr.rows, d.row_bytes = tr.row_bytes, d.mem_stride = tr.mem_stride, d.spm_stride = tr.spm_stride;
          cmds.push_back({Opcode::DmaStore, {}, d});
        }
        break;
    }
    if (cmds.empty()) throw Error(g.describe(op) + ": internal: a tile step produced no command");
    // A step's waits go on its first command, its signals on its last.
    cmds.front().deps.wait_prev = dep.wait_prev;
    cmds.front().deps.wait_next = dep.wait_next;
    cmds.back().deps.signal_prev = dep.signal_prev;
    cmds.back().deps.signal_next = dep.signal_next;
    code.commands.insert(code.commands.end(), cmds.begin(), cmds.end());
  }
  if (next) {
    // One step: its wait on the first load, its signals on the last.
    std::vector<Command> loads = next->loads;
    const Deps& dep = token_deps.back();
    loads.front().deps.wait_prev = dep.wait_prev, loads.front().deps.wait_next = dep.wait_next;
    loads.back().deps.signal_prev = dep.signal_prev, loads.back().deps.signal_next = dep.signal_next;
    code.commands.insert(code.commands.end(), loads.begin(), loads.end());
  }
  return code;
}

}  // namespace kiln::codegen
