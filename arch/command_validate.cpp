// validate_program: a decoded (or compiler-built) program checked against one
// SoC. Per command: addresses inside memories and scratchpads, DMA channels
// and 2-D strides the SoC has, tiles that fit their buffers. Then an abstract
// run of the three NPU queues finds token deadlocks and tokens never consumed.
#include <array>
#include <deque>

#include <fmt/format.h>

#include "arch/command_codec.h"
#include "arch/error.h"

namespace kiln {
namespace {

using u128 = unsigned __int128;  // sums of u32 products cannot overflow it

uint64_t buffer_bytes(const SocConfig& soc, Buffer b) {
  switch (b) {
    case Buffer::Input: return soc.npu.input.size_bytes;
    case Buffer::Weight: return soc.npu.weight.size_bytes;
    case Buffer::Output: return soc.npu.output.size_bytes;
    case Buffer::Accumulator: return soc.npu.accumulator_bytes;
  }
  return 0;
}

std::string hex(u128 v) {
  if (v >> 64) return fmt::format("0x{:x}{:016x}", uint64_t(v >> 64), uint64_t(v));
  return fmt::format("0x{:x}", uint64_t(v));
}

// [begin, end) inside scratchpad `b`.
std::string spm_problem(const SocConfig& soc, const char* what, Buffer b, u128 begin, u128 end) {
  const uint64_t size = buffer_bytes(soc, b);
  if (end <= size) return "";
  return fmt::format("{} bytes [{}, {}) exceed the {} buffer ({} bytes)", what, hex(begin), hex(end), to_string(b),
                     size);
}

// [begin, end) inside one memory of the SoC.
std::string memory_problem(const SocConfig& soc, const char* what, u128 begin, u128 end) {
  for (const auto& m : soc.memories) {
    const u128 mend = u128(m.base) + m.size_bytes;
    if (begin >= m.base && begin < mend) {
      if (end <= mend) return "";
      return fmt::format("{} bytes [{}, {}) run past the end of memory '{}' (ends at {})", what, hex(begin), hex(end),
                         m.name, hex(mend));
    }
  }
  std::string list;
  for (const auto& m : soc.memories)
    list += fmt::format("{}{} [{}, {})", list.empty() ? "" : ", ", m.name, hex(m.base), hex(u128(m.base) + m.size_bytes));
  return fmt::format("{} address {} is in no memory (memories: {})", what, hex(begin), list);
}

const MemoryConfig* memory_by_name(const SocConfig& soc, const std::string& name) {
  for (const auto& m : soc.memories)
    if (m.name == name) return &m;
  return nullptr;
}

// Bytes [begin, end) of a strided 2-D block: `rows` rows of `row_bytes`, `stride` apart.
u128 block_end(uint64_t begin, uint32_t rows, uint64_t stride, uint64_t row_bytes) {
  return u128(begin) + u128(rows - 1) * stride + row_bytes;
}

}  // namespace

std::string dma_soc_problem(const Command& c, const SocConfig& soc) {
  const auto& d = std::get<DmaCmd>(c.body);
  const char* op = to_string(c.op);
  if (d.channel >= soc.dma.channels)
    return fmt::format("{}: ch={} but the DMA has {} channel{}", op, d.channel, soc.dma.channels,
                       soc.dma.channels == 1 ? "" : "s");
  if (d.rows > 1 && !soc.dma.strides_2d)
    return fmt::format("{}: rows={} needs 2-D strides, which this DMA does not have (dma.strides_2d: false)", op,
                       d.rows);
  const bool load = c.op == Opcode::DmaLoad;
  const Buffer b = d.spm.buf;
  if (load && b == Buffer::Accumulator)
    return fmt::format("{}: spm=accumulator: the DMA loads into the input, weight or output buffer", op);
  if (!load && b != Buffer::Output && b != Buffer::Input)
    return fmt::format("{}: spm={}: the DMA stores from the output or input buffer", op, to_string(b));
  // Overlapping destination rows would make the result depend on transfer order.
  if (d.rows > 1 && load && d.spm_stride < d.row_bytes)
    return fmt::format("{}: spm_stride={} is less than row_bytes={}: rows overlap in the scratchpad", op, d.spm_stride,
                       d.row_bytes);
  if (d.rows > 1 && !load && d.mem_stride < d.row_bytes)
    return fmt::format("{}: mem_stride={} is less than row_bytes={}: rows overlap in memory", op, d.mem_stride,
                       d.row_bytes);
  const u128 mem_end = block_end(d.mem_addr, d.rows, d.mem_stride, d.row_bytes);
  if (auto p = memory_problem(soc, fmt::format("{}: memory", op).c_str(), d.mem_addr, mem_end); !p.empty()) return p;
  if (!load) {
    for (const auto& m : soc.memories)
      if (d.mem_addr >= m.base && d.mem_addr - m.base < m.size_bytes && m.kind == MemoryKind::Flash)
        return fmt::format("{}: mem={} is in flash memory '{}', which the DMA cannot write", op, hex(d.mem_addr),
                           m.name);
  }
  const u128 spm_end = block_end(d.spm.offset, d.rows, d.spm_stride, d.row_bytes);
  return spm_problem(soc, fmt::format("{}: scratchpad", op).c_str(), b, d.spm.offset, spm_end);
}

std::string gemm_soc_problem(const Command& c, const SocConfig& soc) {
  const auto& g = std::get<GemmCmd>(c.body);
  if (g.m > 1 && g.c_stride < g.n)
    return fmt::format("gemm: c_stride={} is less than n={}: accumulator rows overlap", g.c_stride, g.n);
  if (auto p = spm_problem(soc, "gemm: A", Buffer::Input, g.a_addr, block_end(g.a_addr, g.m, g.a_stride, g.k));
      !p.empty())
    return p;
  if (auto p = spm_problem(soc, "gemm: B", Buffer::Weight, g.b_addr, block_end(g.b_addr, g.k, g.b_stride, g.n));
      !p.empty())
    return p;
  return spm_problem(soc, "gemm: C", Buffer::Accumulator, g.c_addr,
                     block_end(g.c_addr, g.m, 4 * uint64_t(g.c_stride), 4 * uint64_t(g.n)));
}

namespace {

std::string conv_axis_problem(const char* axis, uint32_t in, uint32_t out, uint8_t k, uint8_t stride, uint8_t dil,
                              uint8_t pad) {
  // Padding may cover at most the kernel's reach minus one tap on either side,
  // so every output reads at least one real input (TFLite SAME never needs more).
  const uint64_t reach = uint64_t(k - 1) * dil;  // extent of the kernel minus one
  if (pad > reach)
    return fmt::format("conv: pad_{}={} is more than the kernel reaches (k{}={}, dil {}: at most {})",
                       axis[0] == 'h' ? "top" : "left", pad, axis[0] == 'h' ? "h" : "w", k, dil, reach);
  const u128 last_start = u128(out - 1) * stride;  // first tap of the last output, before padding
  if (last_start > u128(in) - 1 + pad)
    return fmt::format("conv: out_{}={} reads past the input tile (in_{}={}, stride {}, pad {}): at most {}", axis, out,
                       axis, in, stride, pad, (uint64_t(in) - 1 + pad) / stride + 1);
  return "";
}

}  // namespace

std::string conv_soc_problem(const Command& c, const SocConfig& soc) {
  const auto& v = std::get<ConvCmd>(c.body);
  if (auto p = conv_axis_problem("h", v.in_h, v.out_h, v.kh, v.stride_h, v.dil_h, v.pad_top); !p.empty()) return p;
  if (auto p = conv_axis_problem("w", v.in_w, v.out_w, v.kw, v.stride_w, v.dil_w, v.pad_left); !p.empty()) return p;
  const uint64_t m = uint64_t(v.out_h) * v.out_w;
  if (m > 0xFFFFFFFFu) return fmt::format("conv: out_h*out_w={} does not fit the 32-bit GEMM M", m);
  if (m > 1 && v.c_stride < v.n)
    return fmt::format("conv: c_stride={} is less than n={}: accumulator rows overlap", v.c_stride, v.n);
  const u128 in_end = u128(v.in_addr) + v.input_extent();
  if (auto p = spm_problem(soc, "conv: input tile", Buffer::Input, v.in_addr, in_end); !p.empty()) return p;
  if (auto p = spm_problem(soc, "conv: B", Buffer::Weight, v.b_addr,
                           u128(v.b_addr) + u128(v.weight_rows() - 1) * v.b_stride + v.n);
      !p.empty())
    return p;
  return spm_problem(soc, "conv: C", Buffer::Accumulator, v.c_addr,
                     u128(v.c_addr) + 4 * (u128(m - 1) * v.c_stride + v.n));
}

std::string ppu_soc_problem(const Command& c, const SocConfig& soc) {
  const auto& p = std::get<PostProcessCmd>(c.body);
  if (p.out.buf != Buffer::Output && p.out.buf != Buffer::Input)
    return fmt::format("ppu: out={}: the post-processing unit writes the output or input buffer", to_string(p.out.buf));
  if (p.m > 1 && p.out_stride < p.n)
    return fmt::format("ppu: out_stride={} is less than n={}: output rows overlap", p.out_stride, p.n);
  if (auto q = spm_problem(soc, "ppu: acc", Buffer::Accumulator, p.acc_addr,
                           block_end(p.acc_addr, p.m, 4 * uint64_t(p.acc_stride), 4 * uint64_t(p.n)));
      !q.empty())
    return q;
  if (auto q = spm_problem(soc, "ppu: params", Buffer::Weight, p.params_addr, u128(p.params_addr) + 12 * u128(p.n));
      !q.empty())
    return q;
  return spm_problem(soc, "ppu: out", p.out.buf, p.out.offset, block_end(p.out.offset, p.m, p.out_stride, p.n));
}

namespace {

// A command an NPU unit executes, by its row's operands: the SoC has the
// unit, and each operand lies inside a buffer the unit reaches.
std::string unit_soc_problem(const Command& c, const CommandSpec& spec, const SocConfig& soc) {
  if (!spec.unit || !spec.operands) return "";
  const CommandUnit& u = *spec.unit;
  if (!soc.npu.unit(u.name))
    return fmt::format("{}: SoC '{}' has no {} unit (enable it under npu.units.{})", spec.mnemonic, soc.name, u.name,
                       u.name);
  for (const SpmOperand& o : spec.operands(c)) {
    const std::string what = fmt::format("{}: {}", spec.mnemonic, o.name);
    if (!(u.buffers & buffer_bit(o.at.buf)))
      return fmt::format("{}={}: the {} unit {}", what, to_string(o.at.buf), u.name, u.reaches);
    if (auto q = spm_problem(soc, what.c_str(), o.at.buf, o.at.offset, u128(o.at.offset) + o.bytes); !q.empty())
      return q;
  }
  return "";
}

// Token edges between neighbouring queues.
enum Edge { LoadToCompute, ComputeToLoad, ComputeToStore, StoreToCompute, kEdges };
const char* edge_name(int e) {
  static const char* names[] = {"load->compute", "compute->load", "compute->store", "store->compute"};
  return names[e];
}
int wait_edge(Queue q, bool prev) {
  if (q == Queue::Load) return prev ? -1 : ComputeToLoad;
  if (q == Queue::Compute) return prev ? LoadToCompute : StoreToCompute;
  return prev ? ComputeToStore : -1;
}
int signal_edge(Queue q, bool prev) {
  if (q == Queue::Load) return prev ? -1 : LoadToCompute;
  if (q == Queue::Compute) return prev ? ComputeToLoad : ComputeToStore;
  return prev ? StoreToCompute : -1;
}
Queue edge_source(int e) {
  return e == LoadToCompute ? Queue::Load : (e == StoreToCompute ? Queue::Store : Queue::Compute);
}

// Abstract run of the queues. Each edge has one consumer, so a runnable queue
// head stays runnable: the order of the run does not change its outcome.
void check_tokens(const std::vector<Command>& cmds, const std::string& source) {
  std::array<std::deque<size_t>, kEdges> tokens;  // signalling command of each pending token
  size_t seg_begin = 0;
  for (size_t barrier = 0; barrier < cmds.size(); ++barrier) {
    if (queue_of(cmds[barrier].op) != Queue::Mcu) continue;
    // Commands [seg_begin, barrier) run on the three NPU queues.
    std::array<std::vector<size_t>, 3> queue;
    for (size_t i = seg_begin; i < barrier; ++i) queue[size_t(queue_of(cmds[i].op))].push_back(i);
    std::array<size_t, 3> head{0, 0, 0};
    auto missing = [&](size_t i) {  // the first edge command i waits on with no token, or -1
      const Queue q = queue_of(cmds[i].op);
      const int prev = cmds[i].deps.wait_prev ? wait_edge(q, true) : -1;
      const int next = cmds[i].deps.wait_next ? wait_edge(q, false) : -1;
      if (prev >= 0 && tokens[prev].empty()) return prev;
      if (next >= 0 && tokens[next].empty()) return next;
      return -1;
    };
    for (bool progress = true; progress;) {
      progress = false;
      for (size_t q = 0; q < 3; ++q) {
        while (head[q] < queue[q].size() && missing(queue[q][head[q]]) < 0) {
          const size_t i = queue[q][head[q]++];
          const Deps& d = cmds[i].deps;
          const Queue qq = Queue(q);
          if (d.wait_prev) tokens[wait_edge(qq, true)].pop_front();
          if (d.wait_next) tokens[wait_edge(qq, false)].pop_front();
          if (d.signal_prev) tokens[signal_edge(qq, true)].push_back(i);
          if (d.signal_next) tokens[signal_edge(qq, false)].push_back(i);
          progress = true;
        }
      }
    }
    // Report the blocked head with the lowest index.
    size_t blocked = cmds.size();
    for (size_t q = 0; q < 3; ++q)
      if (head[q] < queue[q].size()) blocked = std::min(blocked, queue[q][head[q]]);
    if (blocked < cmds.size()) {
      const int e = missing(blocked);
      const Queue src = edge_source(e);
      const auto& sq = queue[size_t(src)];
      size_t sender = cmds.size();
      for (size_t j = head[size_t(src)]; j < sq.size() && sender == cmds.size(); ++j) {
        const Deps& d = cmds[sq[j]].deps;
        if ((d.signal_prev && signal_edge(src, true) == e) || (d.signal_next && signal_edge(src, false) == e))
          sender = sq[j];
      }
      const std::string head_msg = fmt::format("{}: command {}: token deadlock: {} waits for a {} token", source,
                                               blocked, to_string(queue_of(cmds[blocked].op)), edge_name(e));
      if (sender < cmds.size())
        throw Error(fmt::format("{} that command {} would send, but the {} queue is itself stuck at command {}",
                                head_msg, sender, to_string(src), sq[head[size_t(src)]]));
      throw Error(fmt::format("{} that no later command sends before the {} at command {} (a barrier)", head_msg,
                              to_string(cmds[barrier].op), barrier));
    }
    seg_begin = barrier + 1;
  }
  // Leftover tokens are legal for the hardware but always a bookkeeping bug in a stream.
  size_t first = cmds.size();
  int edge = -1;
  for (int e = 0; e < kEdges; ++e)
    if (!tokens[e].empty() && tokens[e].front() < first) first = tokens[e].front(), edge = e;
  if (edge >= 0)
    throw Error(fmt::format("{}: command {}: its {} token is never consumed ({} token{} left at end; every signal "
                            "needs a matching wait)",
                            source, first, edge_name(edge), tokens[edge].size(), tokens[edge].size() == 1 ? "" : "s"));
}

}  // namespace

std::string command_soc_problem(const Command& cmd, const SocConfig& soc) {
  const CommandSpec& spec = command_spec(cmd.op);
  if (spec.soc_problem)
    if (std::string p = spec.soc_problem(cmd, soc); !p.empty()) return p;
  return unit_soc_problem(cmd, spec, soc);
}

void validate_program(const Program& program, const SocConfig& soc, const std::string& source) {
  const auto& cmds = program.commands;
  for (size_t i = 0; i < cmds.size(); ++i) {
    std::string p = command_problem(cmds[i]);
    if (p.empty()) p = command_soc_problem(cmds[i], soc);
    if (p.empty() && cmds[i].op == Opcode::End && i + 1 != cmds.size())
      p = fmt::format("end is followed by {} more command{} (end must be last)", cmds.size() - i - 1,
                      cmds.size() - i - 1 == 1 ? "" : "s");
    if (!p.empty()) throw Error(fmt::format("{}: command {}: {}", source, i, p));
  }
  if (cmds.empty() || cmds.back().op != Opcode::End)
    throw Error(fmt::format("{}: command {}: missing end command (a program ends with end)", source, cmds.size()));

  for (size_t i = 0; i < program.images.size(); ++i) {
    const auto& img = program.images[i];
    const MemoryConfig* m = memory_by_name(soc, img.memory);
    std::string p;
    if (!m) {
      std::string names;
      for (const auto& mm : soc.memories) names += (names.empty() ? "" : ", ") + mm.name;
      p = fmt::format("memory '{}' is not in the SoC (memories: {})", img.memory, names);
    } else if (img.addr < m->base || u128(img.addr) + img.bytes.size() > u128(m->base) + m->size_bytes) {
      p = fmt::format("bytes [{}, {}) are outside memory '{}' [{}, {})", hex(img.addr),
                      hex(u128(img.addr) + img.bytes.size()), m->name, hex(m->base), hex(u128(m->base) + m->size_bytes));
    }
    if (!p.empty()) throw Error(fmt::format("{}: image {}: {}", source, i, p));
  }
  if (!program.stream_memory.empty()) {
    const MemoryConfig* m = memory_by_name(soc, program.stream_memory);
    const u128 end = u128(program.stream_addr) + encode_commands(cmds).size();
    if (!m)
      throw Error(fmt::format("{}: stream placement: memory '{}' is not in the SoC", source, program.stream_memory));
    if (program.stream_addr < m->base || end > u128(m->base) + m->size_bytes)
      throw Error(fmt::format("{}: stream placement: stream bytes [{}, {}) are outside memory '{}'", source,
                              hex(program.stream_addr), hex(end), m->name));
  }
  check_tokens(cmds, source);
}

}  // namespace kiln
