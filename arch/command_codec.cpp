// Binary form of commands and programs (layout: docs/command-stream.md).
// The decoder trusts nothing: every read is bounds-checked and every field is
// checked before a Command is handed out.
#include "arch/command_codec.h"

#include <zlib.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>

#include <fmt/format.h>

#include "arch/error.h"
#include "arch/mcu_op.h"

namespace kiln {
namespace {

constexpr uint8_t kMagic[4] = {'K', 'I', 'L', 'N'};

// Deps byte.
constexpr uint8_t kWaitPrev = 1u << 0, kWaitNext = 1u << 1, kSignalPrev = 1u << 2, kSignalNext = 1u << 3;
// Flags byte, by opcode.
constexpr uint8_t kBufferMask = 0x03;      // load/store/ppu: scratchpad buffer id
constexpr uint8_t kDataflowMask = 0x03;    // gemm/conv
constexpr uint8_t kAccumulate = 1u << 2;   // gemm/conv
constexpr uint8_t kDepthwise = 1u << 3;    // conv
constexpr uint8_t kInterrupt = 1u << 0;    // end

// Command sizes in 4-byte words, header word included (McuOp: 2 + arg count).
constexpr unsigned kDmaWords = 9, kGemmWords = 10, kConvWords = 15, kPpuWords = 11, kFenceWords = 1, kEndWords = 1;
constexpr unsigned kMcuBaseWords = 2;

bool known_opcode(uint8_t op) {
  switch (static_cast<Opcode>(op)) {
    case Opcode::DmaLoad:
    case Opcode::DmaStore:
    case Opcode::Gemm:
    case Opcode::Conv:
    case Opcode::PostProcess:
    case Opcode::McuOp:
    case Opcode::Fence:
    case Opcode::End: return true;
  }
  return false;
}

// ---- writing ----

void put8(std::vector<uint8_t>& out, uint8_t v) { out.push_back(v); }
void put16(std::vector<uint8_t>& out, uint16_t v) {
  for (int i = 0; i < 2; ++i) out.push_back(uint8_t(v >> (8 * i)));
}
void put32(std::vector<uint8_t>& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(uint8_t(v >> (8 * i)));
}
void put64(std::vector<uint8_t>& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(uint8_t(v >> (8 * i)));
}
void pad4(std::vector<uint8_t>& out) {
  while (out.size() % 4) out.push_back(0);
}

void put_name(std::vector<uint8_t>& out, const std::string& name, const std::string& what) {
  if (name.size() > 255) throw Error(fmt::format("{}: memory name longer than 255 bytes", what));
  put8(out, uint8_t(name.size()));
  out.insert(out.end(), name.begin(), name.end());
  pad4(out);
}

uint8_t deps_byte(const Deps& d) {
  return uint8_t((d.wait_prev ? kWaitPrev : 0) | (d.wait_next ? kWaitNext : 0) | (d.signal_prev ? kSignalPrev : 0) |
                 (d.signal_next ? kSignalNext : 0));
}

// ---- reading ----

// Bounds-checked little-endian reader over [data, data + size); `where` prefixes errors.
class Reader {
 public:
  Reader(const uint8_t* data, size_t size, std::string where) : data_(data), size_(size), where_(std::move(where)) {}

  size_t pos() const { return pos_; }
  size_t left() const { return size_ - pos_; }
  const std::string& where() const { return where_; }
  void set_where(std::string w) { where_ = std::move(w); }

  void need(size_t n, const char* what) const {
    if (n > left())
      throw Error(fmt::format("{}: truncated: {} needs {} bytes, only {} left", where_, what, n, left()));
  }
  uint8_t u8() {
    need(1, "field");
    return data_[pos_++];
  }
  uint16_t u16() {
    need(2, "field");
    uint16_t v = uint16_t(data_[pos_] | (data_[pos_ + 1] << 8));
    pos_ += 2;
    return v;
  }
  uint32_t u32() {
    need(4, "field");
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= uint32_t(data_[pos_ + i]) << (8 * i);
    pos_ += 4;
    return v;
  }
  uint64_t u64() {
    need(8, "field");
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v |= uint64_t(data_[pos_ + i]) << (8 * i);
    pos_ += 8;
    return v;
  }
  const uint8_t* bytes(size_t n, const char* what) {
    need(n, what);
    const uint8_t* p = data_ + pos_;
    pos_ += n;
    return p;
  }
  // Padding and reserved bytes must be zero, so that decode -> encode is the identity.
  void zeros(size_t n, const char* what) {
    const uint8_t* p = bytes(n, what);
    for (size_t i = 0; i < n; ++i)
      if (p[i] != 0) throw Error(fmt::format("{}: {} byte {} is 0x{:02x}, expected 0", where_, what, i, p[i]));
  }
  void pad4(const char* what) { zeros((4 - pos_ % 4) % 4, what); }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
  std::string where_;
};

std::string read_name(Reader& r, const char* what) {
  const uint8_t len = r.u8();
  const uint8_t* p = r.bytes(len, what);
  std::string name(reinterpret_cast<const char*>(p), len);
  r.pad4("name padding");
  return name;
}

std::string name_problem(const std::string& name) {
  if (is_valid_memory_name(name)) return "";
  std::string shown;
  for (char c : name) shown += (c >= 0x20 && c < 0x7f) ? std::string(1, c) : fmt::format("\\x{:02x}", uint8_t(c));
  return fmt::format("invalid memory name '{}' (expected [A-Za-z_][A-Za-z0-9_.-]*)", shown);
}

// Expected body alternative for an opcode.
bool body_matches(const Command& c) {
  switch (c.op) {
    case Opcode::DmaLoad:
    case Opcode::DmaStore: return std::holds_alternative<DmaCmd>(c.body);
    case Opcode::Gemm: return std::holds_alternative<GemmCmd>(c.body);
    case Opcode::Conv: return std::holds_alternative<ConvCmd>(c.body);
    case Opcode::PostProcess: return std::holds_alternative<PostProcessCmd>(c.body);
    case Opcode::McuOp: return std::holds_alternative<McuOpCmd>(c.body);
    case Opcode::Fence: return std::holds_alternative<FenceCmd>(c.body);
    case Opcode::End: return std::holds_alternative<EndCmd>(c.body);
  }
  return false;
}

std::string zero_fields(std::initializer_list<std::pair<const char*, uint64_t>> fields, const char* op) {
  for (const auto& [name, v] : fields)
    if (v == 0) return fmt::format("{}: {} is 0, expected at least 1", op, name);
  return "";
}

std::string deps_problem(const Command& c) {
  const Deps& d = c.deps;
  const char* op = to_string(c.op);
  switch (queue_of(c.op)) {
    case Queue::Load:
      if (d.wait_prev || d.signal_prev)
        return fmt::format("{}: {} not allowed: the load queue has no previous queue (only wait_next, signal_next)",
                           op, d.wait_prev ? "wait_prev" : "signal_prev");
      break;
    case Queue::Store:
      if (d.wait_next || d.signal_next)
        return fmt::format("{}: {} not allowed: the store queue has no next queue (only wait_prev, signal_prev)", op,
                           d.wait_next ? "wait_next" : "signal_next");
      break;
    case Queue::Compute: break;
    case Queue::Mcu:
      if (d.wait_prev || d.wait_next || d.signal_prev || d.signal_next)
        return fmt::format("{}: dependency tokens not allowed: {} runs in program order, outside the NPU queues", op,
                           op);
      break;
  }
  return "";
}

}  // namespace

bool is_valid_memory_name(const std::string& name) {
  if (name.empty() || name.size() > 255) return false;
  auto alpha = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; };
  if (!alpha(name[0])) return false;
  for (char c : name)
    if (!alpha(c) && !(c >= '0' && c <= '9') && c != '.' && c != '-') return false;
  return true;
}

uint32_t program_crc32(const uint8_t* data, size_t size) {
  uLong crc = crc32(0L, Z_NULL, 0);
  while (size > 0) {  // zlib takes uInt lengths
    const uInt chunk = size > (1u << 30) ? (1u << 30) : uInt(size);
    crc = crc32(crc, data, chunk);
    data += chunk;
    size -= chunk;
  }
  return uint32_t(crc);
}

std::string command_problem(const Command& c) {
  if (!body_matches(c)) return fmt::format("{}: command body does not match its opcode", to_string(c.op));
  if (auto p = deps_problem(c); !p.empty()) return p;
  const char* op = to_string(c.op);
  switch (c.op) {
    case Opcode::DmaLoad:
    case Opcode::DmaStore: {
      const auto& d = std::get<DmaCmd>(c.body);
      if (uint8_t(d.spm.buf) > 3) return fmt::format("{}: scratchpad buffer id {} (expected 0..3)", op, int(d.spm.buf));
      return zero_fields({{"rows", d.rows}, {"row_bytes", d.row_bytes}}, op);
    }
    case Opcode::Gemm: {
      const auto& g = std::get<GemmCmd>(c.body);
      if (uint8_t(g.dataflow) > 2) return fmt::format("{}: dataflow id {} (expected 0..2)", op, int(g.dataflow));
      if (g.c_addr % 4) return fmt::format("{}: c=0x{:x} is not 4-byte aligned (int32 accumulators)", op, g.c_addr);
      return zero_fields({{"m", g.m}, {"n", g.n}, {"k", g.k}}, op);
    }
    case Opcode::Conv: {
      const auto& v = std::get<ConvCmd>(c.body);
      if (uint8_t(v.dataflow) > 2) return fmt::format("{}: dataflow id {} (expected 0..2)", op, int(v.dataflow));
      if (v.c_addr % 4) return fmt::format("{}: c=0x{:x} is not 4-byte aligned (int32 accumulators)", op, v.c_addr);
      if (v.in_pixel_stride >= (1u << 24))
        return fmt::format("{}: in_stride={} does not fit its 24 bits", op, v.in_pixel_stride);
      if (v.in_pixel_stride && v.in_pixel_stride < v.in_c)
        return fmt::format("{}: in_stride={} is less than in_c={}: input pixels overlap", op, v.in_pixel_stride, v.in_c);
      if (v.depthwise && v.in_c != v.n)
        return fmt::format("{}: depthwise with in_c={} and n={} (expected equal: channel j reads channel j)", op,
                           v.in_c, v.n);
      return zero_fields({{"in_h", v.in_h}, {"in_w", v.in_w}, {"in_c", v.in_c}, {"out_h", v.out_h},
                          {"out_w", v.out_w}, {"n", v.n}, {"kh", v.kh}, {"kw", v.kw}, {"stride_h", v.stride_h},
                          {"stride_w", v.stride_w}, {"dil_h", v.dil_h}, {"dil_w", v.dil_w}},
                         op);
    }
    case Opcode::PostProcess: {
      const auto& p = std::get<PostProcessCmd>(c.body);
      if (uint8_t(p.out.buf) > 3) return fmt::format("{}: scratchpad buffer id {} (expected 0..3)", op, int(p.out.buf));
      if (p.acc_addr % 4) return fmt::format("{}: acc=0x{:x} is not 4-byte aligned (int32 accumulators)", op, p.acc_addr);
      if (p.params_addr % 4)
        return fmt::format("{}: params=0x{:x} is not 4-byte aligned (int32 records)", op, p.params_addr);
      if (p.out_zero_point < -128 || p.out_zero_point > 127)
        return fmt::format("{}: zp={} outside the int8 range -128..127", op, p.out_zero_point);
      if (p.act_min < -128 || p.act_min > 127 || p.act_max < -128 || p.act_max > 127)
        return fmt::format("{}: min={} max={} outside the int8 range -128..127", op, p.act_min, p.act_max);
      if (p.act_min > p.act_max) return fmt::format("{}: min={} is greater than max={}", op, p.act_min, p.act_max);
      return zero_fields({{"m", p.m}, {"n", p.n}}, op);
    }
    case Opcode::McuOp: {
      const auto& m = std::get<McuOpCmd>(c.body);
      const McuKernelSpec* spec = find_mcu_kernel(m.kernel);
      if (!spec) return fmt::format("mcu: unknown kernel id {} (arch/mcu_op.h lists 1..{})", m.kernel, mcu_kernels().size());
      if (m.args.size() != spec->args.size())
        return fmt::format("mcu {}: {} arguments, expected {}", spec->name, m.args.size(), spec->args.size());
      return "";
    }
    case Opcode::Fence:
    case Opcode::End: return "";
  }
  return "unknown opcode";
}

size_t encoded_size(const Command& cmd) {
  switch (cmd.op) {
    case Opcode::DmaLoad:
    case Opcode::DmaStore: return 4 * kDmaWords;
    case Opcode::Gemm: return 4 * kGemmWords;
    case Opcode::Conv: return 4 * kConvWords;
    case Opcode::PostProcess: return 4 * kPpuWords;
    case Opcode::McuOp: {
      const auto* m = std::get_if<McuOpCmd>(&cmd.body);
      return 4 * (kMcuBaseWords + (m ? m->args.size() : 0));
    }
    case Opcode::Fence: return 4 * kFenceWords;
    case Opcode::End: return 4 * kEndWords;
  }
  return 0;
}

void encode_command(const Command& cmd, std::vector<uint8_t>& out) {
  if (!body_matches(cmd)) throw Error(fmt::format("encode: {} command with a mismatched body", to_string(cmd.op)));
  const size_t words = encoded_size(cmd) / 4;
  if (words > 255) throw Error(fmt::format("encode: {} command of {} words (at most 255)", to_string(cmd.op), words));
  const size_t start = out.size();
  put8(out, uint8_t(cmd.op));
  put8(out, uint8_t(words));
  put8(out, deps_byte(cmd.deps));
  switch (cmd.op) {
    case Opcode::DmaLoad:
    case Opcode::DmaStore: {
      const auto& d = std::get<DmaCmd>(cmd.body);
      put8(out, uint8_t(d.spm.buf) & kBufferMask);
      put64(out, d.mem_addr);
      put32(out, d.spm.offset);
      put32(out, d.rows);
      put32(out, d.row_bytes);
      put32(out, d.mem_stride);
      put32(out, d.spm_stride);
      put8(out, d.channel);
      pad4(out);
      break;
    }
    case Opcode::Gemm: {
      const auto& g = std::get<GemmCmd>(cmd.body);
      put8(out, uint8_t((uint8_t(g.dataflow) & kDataflowMask) | (g.accumulate ? kAccumulate : 0)));
      for (uint32_t v : {g.m, g.n, g.k, g.a_addr, g.a_stride, g.b_addr, g.b_stride, g.c_addr, g.c_stride})
        put32(out, v);
      break;
    }
    case Opcode::Conv: {
      const auto& v = std::get<ConvCmd>(cmd.body);
      put8(out, uint8_t((uint8_t(v.dataflow) & kDataflowMask) | (v.accumulate ? kAccumulate : 0) |
                        (v.depthwise ? kDepthwise : 0)));
      for (uint32_t x : {v.in_h, v.in_w, v.in_c, v.out_h, v.out_w, v.n}) put32(out, x);
      for (uint8_t x : {v.kh, v.kw, v.stride_h, v.stride_w, v.dil_h, v.dil_w, v.pad_top, v.pad_left}) put8(out, x);
      put8(out, uint8_t(v.pad_value));
      for (int shift : {0, 8, 16}) put8(out, uint8_t(v.in_pixel_stride >> shift));  // 24-bit in_pixel_stride
      for (uint32_t x : {v.in_addr, v.b_addr, v.b_stride, v.c_addr, v.c_stride}) put32(out, x);
      break;
    }
    case Opcode::PostProcess: {
      const auto& p = std::get<PostProcessCmd>(cmd.body);
      put8(out, uint8_t(p.out.buf) & kBufferMask);
      for (uint32_t x : {p.m, p.n, p.acc_addr, p.acc_stride, p.params_addr, p.out.offset, p.out_stride}) put32(out, x);
      for (int32_t x : {p.out_zero_point, p.act_min, p.act_max}) put32(out, uint32_t(x));
      break;
    }
    case Opcode::McuOp: {
      const auto& m = std::get<McuOpCmd>(cmd.body);
      put8(out, 0);
      put16(out, m.kernel);
      put16(out, uint16_t(m.args.size()));
      for (uint32_t a : m.args) put32(out, a);
      break;
    }
    case Opcode::Fence:
      put8(out, 0);
      break;
    case Opcode::End: {
      put8(out, std::get<EndCmd>(cmd.body).interrupt ? kInterrupt : 0);
      break;
    }
  }
  if (out.size() - start != 4 * words) throw Error("encode: internal size mismatch");  // a bug in this file
}

Command decode_command(const uint8_t* data, size_t size, size_t* consumed, const std::string& source, size_t index) {
  const std::string where = fmt::format("{}: command {}", source, index);
  Reader hdr(data, size, where);
  hdr.need(4, "command header");
  const uint8_t opcode = hdr.u8(), words = hdr.u8(), deps = hdr.u8(), flags = hdr.u8();
  if (!known_opcode(opcode)) throw Error(fmt::format("{}: unknown opcode 0x{:02x}", where, opcode));
  Command cmd;
  cmd.op = static_cast<Opcode>(opcode);
  const char* op = to_string(cmd.op);

  size_t expected = 0;
  switch (cmd.op) {
    case Opcode::DmaLoad:
    case Opcode::DmaStore: expected = kDmaWords; break;
    case Opcode::Gemm: expected = kGemmWords; break;
    case Opcode::Conv: expected = kConvWords; break;
    case Opcode::PostProcess: expected = kPpuWords; break;
    case Opcode::Fence: expected = kFenceWords; break;
    case Opcode::End: expected = kEndWords; break;
    case Opcode::McuOp:
      if (words < kMcuBaseWords)
        throw Error(fmt::format("{}: length {} words is too short for mcu (at least {})", where, words, kMcuBaseWords));
      expected = words;  // checked against the argument count below
      break;
  }
  if (words != expected)
    throw Error(fmt::format("{}: length {} words does not match opcode {} ({} words)", where, words, op, expected));
  if (size_t(words) * 4 > size)
    throw Error(fmt::format("{}: truncated: {} command is {} bytes, only {} left", where, op, words * 4, size));
  if (deps & 0xF0) throw Error(fmt::format("{}: reserved dependency bits 0x{:02x} set", where, deps & 0xF0));
  cmd.deps.wait_prev = deps & kWaitPrev;
  cmd.deps.wait_next = deps & kWaitNext;
  cmd.deps.signal_prev = deps & kSignalPrev;
  cmd.deps.signal_next = deps & kSignalNext;

  Reader r(data + 4, size_t(words) * 4 - 4, where);
  auto reserved_flags = [&](uint8_t allowed) {
    if (flags & ~allowed)
      throw Error(fmt::format("{}: {}: reserved flag bits 0x{:02x} set", where, op, uint8_t(flags & ~allowed)));
  };
  switch (cmd.op) {
    case Opcode::DmaLoad:
    case Opcode::DmaStore: {
      reserved_flags(kBufferMask);
      DmaCmd d;
      d.spm.buf = static_cast<Buffer>(flags & kBufferMask);
      d.mem_addr = r.u64();
      d.spm.offset = r.u32();
      d.rows = r.u32();
      d.row_bytes = r.u32();
      d.mem_stride = r.u32();
      d.spm_stride = r.u32();
      d.channel = r.u8();
      r.zeros(3, "reserved");
      cmd.body = d;
      break;
    }
    case Opcode::Gemm: {
      reserved_flags(kDataflowMask | kAccumulate);
      if ((flags & kDataflowMask) > 2)
        throw Error(fmt::format("{}: gemm: dataflow id {} (expected 0 ws, 1 os, 2 is)", where, flags & kDataflowMask));
      GemmCmd g;
      g.dataflow = static_cast<Dataflow>(flags & kDataflowMask);
      g.accumulate = flags & kAccumulate;
      for (uint32_t* f : {&g.m, &g.n, &g.k, &g.a_addr, &g.a_stride, &g.b_addr, &g.b_stride, &g.c_addr, &g.c_stride})
        *f = r.u32();
      cmd.body = g;
      break;
    }
    case Opcode::Conv: {
      reserved_flags(kDataflowMask | kAccumulate | kDepthwise);
      if ((flags & kDataflowMask) > 2)
        throw Error(fmt::format("{}: conv: dataflow id {} (expected 0 ws, 1 os, 2 is)", where, flags & kDataflowMask));
      ConvCmd v;
      v.dataflow = static_cast<Dataflow>(flags & kDataflowMask);
      v.accumulate = flags & kAccumulate;
      v.depthwise = flags & kDepthwise;
      for (uint32_t* f : {&v.in_h, &v.in_w, &v.in_c, &v.out_h, &v.out_w, &v.n}) *f = r.u32();
      for (uint8_t* f : {&v.kh, &v.kw, &v.stride_h, &v.stride_w, &v.dil_h, &v.dil_w, &v.pad_top, &v.pad_left})
        *f = r.u8();
      v.pad_value = int8_t(r.u8());
      for (int shift : {0, 8, 16}) v.in_pixel_stride |= uint32_t(r.u8()) << shift;
      for (uint32_t* f : {&v.in_addr, &v.b_addr, &v.b_stride, &v.c_addr, &v.c_stride}) *f = r.u32();
      cmd.body = v;
      break;
    }
    case Opcode::PostProcess: {
      reserved_flags(kBufferMask);
      PostProcessCmd p;
      p.out.buf = static_cast<Buffer>(flags & kBufferMask);
      for (uint32_t* f : {&p.m, &p.n, &p.acc_addr, &p.acc_stride, &p.params_addr, &p.out.offset, &p.out_stride})
        *f = r.u32();
      for (int32_t* f : {&p.out_zero_point, &p.act_min, &p.act_max}) *f = int32_t(r.u32());
      cmd.body = p;
      break;
    }
    case Opcode::McuOp: {
      reserved_flags(0);
      McuOpCmd m;
      m.kernel = r.u16();
      const uint16_t count = r.u16();
      if (size_t(count) + kMcuBaseWords != words)
        throw Error(fmt::format("{}: mcu: length {} words does not match {} arguments ({} words)", where, words, count,
                                count + kMcuBaseWords));
      m.args.reserve(count);
      for (uint16_t i = 0; i < count; ++i) m.args.push_back(r.u32());
      cmd.body = m;
      break;
    }
    case Opcode::Fence:
      reserved_flags(0);
      cmd.body = FenceCmd{};
      break;
    case Opcode::End: {
      reserved_flags(kInterrupt);
      cmd.body = EndCmd{bool(flags & kInterrupt)};
      break;
    }
  }
  if (auto p = command_problem(cmd); !p.empty()) throw Error(fmt::format("{}: {}", where, p));
  if (consumed) *consumed = size_t(words) * 4;
  return cmd;
}

std::vector<uint8_t> encode_commands(const std::vector<Command>& cmds) {
  std::vector<uint8_t> out;
  for (const auto& c : cmds) encode_command(c, out);
  return out;
}

std::vector<uint8_t> encode_program(const Program& program) {
  if (program.stream_memory.empty() && program.stream_addr != 0)
    throw Error(fmt::format("encode: stream_addr 0x{:x} set without stream_memory", program.stream_addr));
  if (!program.stream_memory.empty() && !is_valid_memory_name(program.stream_memory))
    throw Error(fmt::format("encode: stream placement: {}", name_problem(program.stream_memory)));
  std::vector<uint8_t> payload;
  put_name(payload, program.stream_memory, "encode: stream placement");
  put64(payload, program.stream_addr);
  for (const auto& c : program.commands) encode_command(c, payload);
  for (size_t i = 0; i < program.images.size(); ++i) {
    const auto& img = program.images[i];
    const std::string what = fmt::format("encode: image {}", i);
    if (!is_valid_memory_name(img.memory)) throw Error(fmt::format("{}: {}", what, name_problem(img.memory)));
    if (img.bytes.size() > 0xFFFFFFFFu) throw Error(fmt::format("{}: larger than 4 GiB", what));
    put_name(payload, img.memory, what);
    put64(payload, img.addr);
    put32(payload, uint32_t(img.bytes.size()));
    payload.insert(payload.end(), img.bytes.begin(), img.bytes.end());
    pad4(payload);
  }
  if (payload.size() > 0xFFFFFFFFu || program.commands.size() > 0xFFFFFFFFu || program.images.size() > 0xFFFFFFFFu)
    throw Error("encode: program larger than the format's 32-bit counts");

  std::vector<uint8_t> out;
  out.reserve(kProgramHeaderBytes + payload.size());
  out.insert(out.end(), std::begin(kMagic), std::end(kMagic));
  put16(out, kProgramFormatVersion);
  put16(out, 0);  // flags: none defined in version 1
  put32(out, uint32_t(program.commands.size()));
  put32(out, uint32_t(program.images.size()));
  put32(out, uint32_t(payload.size()));
  put32(out, program_crc32(payload.data(), payload.size()));
  out.insert(out.end(), payload.begin(), payload.end());
  return out;
}

Program decode_program(const std::vector<uint8_t>& bytes, const std::string& source) {
  if (bytes.size() < kProgramHeaderBytes)
    throw Error(fmt::format("{}: header: truncated: {} bytes, a kiln program header is {}", source, bytes.size(),
                            kProgramHeaderBytes));
  if (std::memcmp(bytes.data(), kMagic, 4) != 0)
    throw Error(fmt::format("{}: header: bad magic {:02x} {:02x} {:02x} {:02x} (expected \"KILN\": not a kiln program)",
                            source, bytes[0], bytes[1], bytes[2], bytes[3]));
  Reader h(bytes.data() + 4, kProgramHeaderBytes - 4, source + ": header");
  const uint16_t version = h.u16(), flags = h.u16();
  const uint32_t command_count = h.u32(), image_count = h.u32(), payload_bytes = h.u32(), crc = h.u32();
  if (version != kProgramFormatVersion)
    throw Error(fmt::format("{}: header: unsupported format version {} (this kiln reads version {})", source, version,
                            kProgramFormatVersion));
  if (flags != 0) throw Error(fmt::format("{}: header: unknown flags 0x{:04x} (expected 0)", source, flags));
  const size_t have = bytes.size() - kProgramHeaderBytes;
  if (have < payload_bytes)
    throw Error(fmt::format("{}: header: truncated: payload_bytes is {}, the file holds {}", source, payload_bytes, have));
  if (have > payload_bytes)
    throw Error(fmt::format("{}: header: {} trailing bytes after the {}-byte payload", source, have - payload_bytes,
                            payload_bytes));
  const uint8_t* payload = bytes.data() + kProgramHeaderBytes;
  const uint32_t found = program_crc32(payload, payload_bytes);
  if (found != crc)
    throw Error(fmt::format("{}: header: checksum mismatch: header says 0x{:08x}, payload has 0x{:08x}", source, crc,
                            found));

  Program program;
  Reader r(payload, payload_bytes, source + ": stream placement");
  program.stream_memory = read_name(r, "stream memory name");
  program.stream_addr = r.u64();
  if (!program.stream_memory.empty()) {
    if (auto p = name_problem(program.stream_memory); !p.empty()) throw Error(fmt::format("{}: {}", r.where(), p));
  } else if (program.stream_addr != 0) {
    throw Error(fmt::format("{}: address 0x{:x} without a memory name", r.where(), program.stream_addr));
  }

  for (uint32_t i = 0; i < command_count; ++i) {
    if (i > 0 && program.commands.back().op == Opcode::End)
      throw Error(fmt::format("{}: command {}: command after end (end is command {}; end must be last)", source, i,
                              i - 1));
    size_t used = 0;
    program.commands.push_back(decode_command(payload + r.pos(), r.left(), &used, source, i));
    r.bytes(used, "command");
  }
  if (program.commands.empty())
    throw Error(fmt::format("{}: command 0: no commands (a program ends with an end command)", source));
  if (program.commands.back().op != Opcode::End)
    throw Error(fmt::format("{}: command {}: missing end command (the last command, {}, is {})", source, command_count,
                            command_count - 1, to_string(program.commands.back().op)));

  for (uint32_t i = 0; i < image_count; ++i) {
    r.set_where(fmt::format("{}: image {}", source, i));
    MemoryImage img;
    img.memory = read_name(r, "memory name");
    if (auto p = name_problem(img.memory); !p.empty()) throw Error(fmt::format("{}: {}", r.where(), p));
    img.addr = r.u64();
    const uint32_t n = r.u32();
    const uint8_t* p = r.bytes(n, "image bytes");
    img.bytes.assign(p, p + n);
    r.pad4("image padding");
    program.images.push_back(std::move(img));
  }
  if (r.left() != 0)
    throw Error(fmt::format("{}: payload: {} trailing bytes after {} commands and {} images", source, r.left(),
                            command_count, image_count));
  return program;
}

Program read_program_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(fmt::format("{}: cannot open: {}", path, std::strerror(errno)));
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw Error(fmt::format("{}: read error", path));
  return decode_program(bytes, path);
}

void write_program_file(const Program& program, const std::string& path) {
  const std::vector<uint8_t> bytes = encode_program(program);
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw Error(fmt::format("{}: cannot write: {}", tmp, std::strerror(errno)));
    out.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
    out.flush();
    if (!out) {
      std::remove(tmp.c_str());
      throw Error(fmt::format("{}: write failed", tmp));
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    std::remove(tmp.c_str());
    throw Error(fmt::format("{}: cannot rename {} into place: {}", path, tmp, std::strerror(err)));
  }
}

}  // namespace kiln
