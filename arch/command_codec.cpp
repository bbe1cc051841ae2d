// Binary form of commands and programs (layout: docs/command-stream.md).
// Commands are encoded and decoded from their rows of the command table
// (arch/command.h): each field at its bit position. The decoder trusts
// nothing: every read is bounds-checked, bits no field covers must be zero,
// and every command passes command_problem before it is handed out.
#include "arch/command_codec.h"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>

#include <fmt/format.h>

#include "arch/error.h"

namespace kiln {
namespace {

constexpr uint8_t kMagic[4] = {'K', 'I', 'L', 'N'};

// Deps byte (header byte 2).
constexpr uint8_t kWaitPrev = 1u << 0, kWaitNext = 1u << 1, kSignalPrev = 1u << 2, kSignalNext = 1u << 3;

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

// ---- one command, generic over the command table

// Field values live at bit positions of the encoded command (BitLoc), a byte
// at a time (a field spans at most nine bytes); most fields are whole bytes.
void put_bits(uint8_t* cmd, BitLoc loc, FieldValue v) {
  uint64_t u = uint64_t(v);  // the low bits, two's complement for negative values
  if (loc.shift == 0 && loc.bits == 32) {  // most fields: four bytes the compiler merges into one access
    uint8_t* p = cmd + loc.byte;
    p[0] |= uint8_t(u), p[1] |= uint8_t(u >> 8), p[2] |= uint8_t(u >> 16), p[3] |= uint8_t(u >> 24);
    return;
  }
  if (loc.shift == 0 && loc.bits % 8 == 0) {
    for (unsigned i = 0; i < loc.bits / 8u; ++i) cmd[loc.byte + i] |= uint8_t(u >> (8 * i));
    return;
  }
  unsigned bit = loc.byte * 8u + loc.shift;
  for (unsigned left = loc.bits; left > 0;) {
    const unsigned off = bit % 8, take = std::min(8 - off, left);
    cmd[bit / 8] = uint8_t(cmd[bit / 8] | ((u & ((1u << take) - 1)) << off));
    u >>= take;
    bit += take;
    left -= take;
  }
}

FieldValue get_bits(const uint8_t* cmd, BitLoc loc, bool is_signed) {
  uint64_t u = 0;
  if (loc.shift == 0 && loc.bits == 32) {  // most fields: four bytes the compiler merges into one access
    const uint8_t* p = cmd + loc.byte;
    u = uint64_t(p[0]) | uint64_t(p[1]) << 8 | uint64_t(p[2]) << 16 | uint64_t(p[3]) << 24;
  } else if (loc.shift == 0 && loc.bits % 8 == 0) {
    for (unsigned i = 0; i < loc.bits / 8u; ++i) u |= uint64_t(cmd[loc.byte + i]) << (8 * i);
  } else {
    unsigned bit = loc.byte * 8u + loc.shift;
    for (unsigned got = 0; got < loc.bits;) {
      const unsigned off = bit % 8, take = std::min(8 - off, loc.bits - got);
      u |= uint64_t((cmd[bit / 8] >> off) & ((1u << take) - 1)) << got;
      got += take;
      bit += take;
    }
  }
  if (is_signed && loc.bits < 64 && ((u >> (loc.bits - 1)) & 1)) return FieldValue(u) - (FieldValue(1) << loc.bits);
  return FieldValue(u);
}

void mark_bits(std::vector<uint8_t>& used, BitLoc loc) { put_bits(used.data(), loc, ~uint64_t(0)); }

// The bits of a command's fixed part that its header and fields cover, by
// opcode: made once from the command table, since every command decoded
// (thousands per simulation: the NPU fetches them) is checked against them.
const std::vector<uint8_t>& covered_bits(const CommandSpec& spec) {
  static const std::array<std::vector<uint8_t>, 256> table = [] {
    std::array<std::vector<uint8_t>, 256> t;
    for (const CommandSpec& c : kCommands) {
      std::vector<uint8_t>& used = t[uint8_t(c.op)];
      used.assign(4 * size_t(c.words), 0);
      used[0] = used[1] = used[2] = 0xFF;
      for (const FieldSpec& f : c.fields) {
        mark_bits(used, f.loc);
        mark_bits(used, f.loc2);
      }
    }
    return t;
  }();
  return table[uint8_t(spec.op)];
}

const FieldSpec* args_field(const CommandSpec& spec) {
  for (const FieldSpec& f : spec.fields)
    if (f.kind == FieldKind::McuArgs) return &f;
  return nullptr;
}

const void* body_of(const CommandBody& b) {
  return std::visit([](const auto& x) -> const void* { return &x; }, b);
}
void* body_of(CommandBody& b) {
  return std::visit([](auto& x) -> void* { return &x; }, b);
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

size_t encoded_size(const Command& cmd) {
  const CommandSpec* spec = find_command(uint8_t(cmd.op));
  if (!spec) return 0;
  size_t words = spec->words;
  if (const FieldSpec* args = args_field(*spec); args && cmd.body.index() == spec->body)
    words += args->list(body_of(cmd.body))->size();
  return 4 * words;
}

void encode_command(const Command& cmd, std::vector<uint8_t>& out) {
  const CommandSpec* spec = find_command(uint8_t(cmd.op));
  if (!spec) throw Error(fmt::format("encode: unknown opcode 0x{:02x}", uint8_t(cmd.op)));
  if (cmd.body.index() != spec->body)
    throw Error(fmt::format("encode: {} command with a mismatched body", spec->mnemonic));
  const size_t words = encoded_size(cmd) / 4;
  if (words > 255) throw Error(fmt::format("encode: {} command of {} words (at most 255)", spec->mnemonic, words));
  const size_t start = out.size();
  out.resize(start + 4 * words, 0);  // written in place: no vector per command
  uint8_t* bytes = out.data() + start;
  bytes[0] = uint8_t(cmd.op);
  bytes[1] = uint8_t(words);
  const Deps& d = cmd.deps;
  bytes[2] = uint8_t((d.wait_prev ? kWaitPrev : 0) | (d.wait_next ? kWaitNext : 0) |
                     (d.signal_prev ? kSignalPrev : 0) | (d.signal_next ? kSignalNext : 0));
  const void* body = body_of(cmd.body);
  for (const FieldSpec& f : spec->fields) {
    if (f.kind == FieldKind::McuArgs) {
      const std::vector<uint32_t>& args = *f.list(body);
      put_bits(bytes, f.loc, FieldValue(args.size()));
      for (size_t i = 0; i < args.size(); ++i) put_bits(bytes + 4 * (spec->words + i), at(0, 32), args[i]);
      continue;
    }
    put_bits(bytes, f.loc, f.get(body));
    if (f.get2) put_bits(bytes, f.loc2, f.get2(body));
  }
}

Command decode_command(const uint8_t* data, size_t size, size_t* consumed, const std::string& source, size_t index) {
  // Made only for an error message: the NPU decodes every command it fetches.
  const auto where = [&] { return fmt::format("{}: command {}", source, index); };
  if (size < 4) throw Error(fmt::format("{}: truncated: command header needs 4 bytes, only {} left", where(), size));
  const uint8_t opcode = data[0], words = data[1], deps = data[2], flags = data[3];
  const CommandSpec* spec = find_command(opcode);
  if (!spec) throw Error(fmt::format("{}: unknown opcode 0x{:02x}", where(), opcode));
  const char* op = spec->mnemonic;
  const FieldSpec* args = args_field(*spec);
  if (args && words < spec->words)
    throw Error(fmt::format("{}: length {} words is too short for {} (at least {})", where(), words, op, spec->words));
  if (!args && words != spec->words)
    throw Error(fmt::format("{}: length {} words does not match opcode {} ({} words)", where(), words, op, spec->words));
  if (size_t(words) * 4 > size)
    throw Error(fmt::format("{}: truncated: {} command is {} bytes, only {} left", where(), op, words * 4, size));
  if (deps & 0xF0) throw Error(fmt::format("{}: reserved dependency bits 0x{:02x} set", where(), deps & 0xF0));

  // Bits no field covers must be zero, so that decode -> encode is the identity.
  const size_t fixed = 4 * size_t(spec->words);
  const std::vector<uint8_t>& used = covered_bits(*spec);
  if (flags & ~used[kFlagsByte])
    throw Error(fmt::format("{}: {}: reserved flag bits 0x{:02x} set", where(), op, uint8_t(flags & ~used[kFlagsByte])));
  for (size_t i = 4; i < fixed; ++i)
    if (data[i] & ~used[i])
      throw Error(fmt::format("{}: {}: reserved byte {} of the command is 0x{:02x}, expected 0", where(), op, i, data[i]));

  Command cmd;
  cmd.op = spec->op;
  cmd.deps.wait_prev = deps & kWaitPrev;
  cmd.deps.wait_next = deps & kWaitNext;
  cmd.deps.signal_prev = deps & kSignalPrev;
  cmd.deps.signal_next = deps & kSignalNext;
  cmd.body = make_body(spec->body);
  void* body = body_of(cmd.body);
  for (const FieldSpec& f : spec->fields) {
    if (f.kind == FieldKind::McuArgs) {
      const size_t count = size_t(get_bits(data, f.loc, false));
      if (count + spec->words != words)
        throw Error(fmt::format("{}: {}: length {} words does not match {} arguments ({} words)", where(), op, words,
                                count, count + spec->words));
      std::vector<uint32_t>& list = *f.list(body);
      list.reserve(count);
      for (size_t i = 0; i < count; ++i) list.push_back(uint32_t(get_bits(data + fixed + 4 * i, at(0, 32), false)));
      continue;
    }
    f.set(body, get_bits(data, f.loc, f.is_signed));
    if (f.set2) f.set2(body, get_bits(data, f.loc2, false));
  }
  if (auto p = command_problem(cmd); !p.empty()) throw Error(fmt::format("{}: {}", where(), p));
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
