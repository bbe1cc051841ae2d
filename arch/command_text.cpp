// The .kasm text form: assembler (parse_program_text) and disassembler
// (format_program). Syntax reference: docs/command-stream.md.
#include "arch/command_text.h"

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>

#include <fmt/format.h>

#include "arch/command_codec.h"
#include "arch/error.h"
#include "arch/escaped.h"
#include "arch/mcu_op.h"

namespace kiln {
namespace {

using i128 = __int128;

const char* dataflow_mnemonic(Dataflow d) {
  switch (d) {
    case Dataflow::WeightStationary: return "ws";
    case Dataflow::OutputStationary: return "os";
    case Dataflow::InputStationary: return "is";
  }
  return "?";
}

// ---------------------------------------------------------------- formatting

std::string hex(uint64_t v) { return fmt::format("0x{:x}", v); }
std::string spm(const SpmAddr& a) { return fmt::format("{}+0x{:x}", to_string(a.buf), a.offset); }

void append_deps(std::string& s, const Deps& d) {
  if (d.wait_prev) s += " wait_prev";
  if (d.wait_next) s += " wait_next";
  if (d.signal_prev) s += " signal_prev";
  if (d.signal_next) s += " signal_next";
}

// MCU arguments carry addresses and signed values alike: small and negative
// values read best in decimal, the rest (addresses) in hex.
std::string mcu_arg(uint32_t v) {
  if (v < 0x10000) return std::to_string(v);
  if (v >= 0xFFFF0000u) return std::to_string(int32_t(v));
  return hex(v);
}

// ---------------------------------------------------------------- lexing

struct Token {
  enum Kind { Word, String, LBracket, RBracket, Comma } kind;
  std::string text;
  int line = 0, col = 0;
};
using Statement = std::vector<Token>;

// Escaped: messages quote the text, whose strings may hold a carriage return.
[[noreturn]] void fail_at(const std::string& source, int line, int col, const std::string& msg) {
  throw Error(fmt::format("{}:{}:{}: {}", source, line, col, escaped(msg, 4000)));
}

const char* kind_name(Token::Kind k) {
  switch (k) {
    case Token::Word: return "a word";
    case Token::String: return "a string";
    case Token::LBracket: return "'['";
    case Token::RBracket: return "']'";
    case Token::Comma: return "','";
  }
  return "?";
}

// Control bytes other than tab, CR and newline have no place in the text form.
bool is_control(char c) { return (uint8_t(c) < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7f; }

bool ends_word(char c) {
  switch (c) {
    case ' ': case '\t': case '\r': case '\n': case '#': case '[': case ']': case ',': case '"': return true;
    default: return is_control(c);
  }
}

// Statements end at a newline, except inside [ ] (lists may span lines).
std::vector<Statement> lex(const std::string& text, const std::string& source) {
  std::vector<Statement> out;
  Statement cur;
  int line = 1, col = 1, depth = 0, open_line = 0, open_col = 0;
  size_t i = 0;
  auto advance = [&]() {
    if (text[i] == '\n') ++line, col = 1;
    else ++col;
    ++i;
  };
  auto end_statement = [&]() {
    if (!cur.empty()) out.push_back(std::move(cur));
    cur.clear();
  };
  while (i < text.size()) {
    const char c = text[i];
    if (c == '\n') {
      if (depth == 0) end_statement();
      advance();
    } else if (c == ' ' || c == '\t' || c == '\r') {
      advance();
    } else if (c == '#') {
      while (i < text.size() && text[i] != '\n') advance();
    } else if (c == '[' || c == ']' || c == ',') {
      Token t{c == '[' ? Token::LBracket : (c == ']' ? Token::RBracket : Token::Comma), std::string(1, c), line, col};
      if (c == '[') {
        if (depth == 0) open_line = line, open_col = col;
        ++depth;
      }
      if (c == ']') {
        if (depth == 0) fail_at(source, line, col, "']' without a matching '['");
        --depth;
      }
      cur.push_back(t);
      advance();
    } else if (c == '"') {
      Token t{Token::String, "", line, col};
      advance();
      while (true) {
        if (i >= text.size() || text[i] == '\n') fail_at(source, t.line, t.col, "unterminated string (missing '\"')");
        if (text[i] == '"') break;
        if (is_control(text[i]) && text[i] != '\t')
          fail_at(source, line, col, fmt::format("unexpected control byte 0x{:02x} in a string", uint8_t(text[i])));
        if (text[i] == '\\' && i + 1 < text.size() && (text[i + 1] == '"' || text[i + 1] == '\\')) advance();
        t.text += text[i];
        advance();
      }
      advance();
      cur.push_back(t);
    } else if (is_control(c)) {
      // Checked before words: a NUL would otherwise end no word and start no
      // other token, and the lexer would never advance past it.
      fail_at(source, line, col, fmt::format("unexpected control byte 0x{:02x}; expected text", uint8_t(c)));
    } else {
      Token t{Token::Word, "", line, col};
      while (i < text.size() && !ends_word(text[i])) {
        t.text += text[i];
        advance();
      }
      cur.push_back(t);
    }
  }
  if (depth > 0) fail_at(source, open_line, open_col, "'[' without a matching ']'");
  end_statement();
  return out;
}

// ---------------------------------------------------------------- parsing

// An integer literal: optional sign, then decimal or 0x hex. Magnitude up to 2^64.
bool parse_integer(const std::string& s, i128& out) {
  size_t i = 0;
  bool neg = false;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) neg = s[i++] == '-';
  unsigned base = 10;
  if (s.size() - i > 2 && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X')) base = 16, i += 2;
  if (i >= s.size()) return false;
  i128 v = 0;
  for (; i < s.size(); ++i) {
    const char c = s[i];
    unsigned d;
    if (c >= '0' && c <= '9') d = unsigned(c - '0');
    else if (base == 16 && c >= 'a' && c <= 'f') d = unsigned(c - 'a' + 10);
    else if (base == 16 && c >= 'A' && c <= 'F') d = unsigned(c - 'A' + 10);
    else return false;
    v = v * base + d;
    if (v > (i128(1) << 64)) return false;
  }
  out = neg ? -v : v;
  return true;
}

std::string show(i128 v) {
  if (v < 0) return "-" + std::to_string(uint64_t(-v));
  return std::to_string(uint64_t(v));
}

class Parser {
 public:
  Parser(std::string source, std::string base_dir) : source_(std::move(source)), base_dir_(std::move(base_dir)) {}

  Program parse(const std::string& text) {
    for (const Statement& st : lex(text, source_)) {
      if (st[0].kind != Token::Word) fail(st[0], fmt::format("expected a command or directive, found {}", kind_name(st[0].kind)));
      if (st[0].text[0] == '.') directive(st);
      else command(st);
    }
    if (program_.commands.empty()) fail(1, 1, "no commands (a program ends with an end command)");
    if (program_.commands.back().op != Opcode::End)
      fail(last_, fmt::format("missing end command after the last command ({})",
                              to_string(program_.commands.back().op)));
    return std::move(program_);
  }

 private:
  [[noreturn]] void fail(const Token& t, const std::string& msg) const { fail_at(source_, t.line, t.col, msg); }
  [[noreturn]] void fail(int line, int col, const std::string& msg) const { fail_at(source_, line, col, msg); }

  i128 number(const std::string& text, int line, int col, const std::string& what, i128 lo, i128 hi) const {
    i128 v;
    if (!parse_integer(text, v))
      fail(line, col, fmt::format("bad number '{}' for {} (expected decimal or 0x hex)", text, what));
    if (v < lo || v > hi)
      fail(line, col, fmt::format("value {} out of range for {} ({}..{})", text, what, show(lo), show(hi)));
    return v;
  }

  // ---- directives

  void directive(const Statement& st) {
    const Token& d = st[0];
    if (d.text == ".stream") {
      expect_words(st, 3, ".stream <memory> <addr>");
      if (stream_seen_) fail(d, ".stream given twice");
      stream_seen_ = true;
      program_.stream_memory = memory_name(st[1]);
      program_.stream_addr = uint64_t(number(st[2].text, st[2].line, st[2].col, "the stream address", 0, UINT64_MAX));
    } else if (d.text == ".image") {
      image(st);
    } else {
      fail(d, fmt::format("unknown directive '{}' (expected .image or .stream)", d.text));
    }
  }

  void expect_words(const Statement& st, size_t n, const char* usage) const {
    for (size_t i = 1; i < n; ++i) {
      if (i >= st.size()) fail(st.back(), fmt::format("{}: missing operand (usage: {})", st[0].text, usage));
      if (st[i].kind != Token::Word) fail(st[i], fmt::format("expected a word, found {} (usage: {})", kind_name(st[i].kind), usage));
    }
    if (st.size() > n) fail(st[n], fmt::format("unexpected '{}' after {} (usage: {})", st[n].text, st[0].text, usage));
  }

  std::string memory_name(const Token& t) const {
    if (!is_valid_memory_name(t.text))
      fail(t, fmt::format("invalid memory name '{}' (expected [A-Za-z_][A-Za-z0-9_.-]*)", t.text));
    return t.text;
  }

  void image(const Statement& st) {
    static const char* usage = ".image <memory> <addr> hex|int8|int32|file <data>";
    if (st.size() < 5) fail(st.back(), fmt::format("missing operand (usage: {})", usage));
    for (size_t i = 1; i < 4; ++i)
      if (st[i].kind != Token::Word) fail(st[i], fmt::format("expected a word, found {} (usage: {})", kind_name(st[i].kind), usage));
    MemoryImage img;
    img.memory = memory_name(st[1]);
    img.addr = uint64_t(number(st[2].text, st[2].line, st[2].col, "the image address", 0, UINT64_MAX));
    const std::string& kind = st[3].text;
    size_t pos = 4;
    if (kind == "hex") {
      for (const Token* s : strings_or_list(st, pos)) append_hex(img.bytes, *s);
    } else if (kind == "file") {
      if (st[pos].kind != Token::String) fail(st[pos], "expected a quoted file name");
      read_file_into(img.bytes, st[pos++]);
    } else if (kind == "int8" || kind == "int32") {
      const bool wide = kind == "int32";
      for (const Token* t : list(st, pos, Token::Word, "a number")) {
        const i128 v = wide ? number(t->text, t->line, t->col, "an int32 element", INT32_MIN, INT32_MAX)
                            : number(t->text, t->line, t->col, "an int8 element", INT8_MIN, INT8_MAX);
        const uint32_t u = uint32_t(int32_t(v));
        for (int b = 0; b < (wide ? 4 : 1); ++b) img.bytes.push_back(uint8_t(u >> (8 * b)));
      }
    } else {
      fail(st[3], fmt::format("unknown image data kind '{}' (expected hex, int8, int32 or file)", kind));
    }
    if (pos < st.size()) fail(st[pos], fmt::format("unexpected '{}' after the image data", st[pos].text));
    program_.images.push_back(std::move(img));
  }

  // "[" item ("," item)* ","? "]" with items of `kind`; advances pos past "]".
  std::vector<const Token*> list(const Statement& st, size_t& pos, Token::Kind kind, const char* what) const {
    if (pos >= st.size() || st[pos].kind != Token::LBracket) fail(st[pos < st.size() ? pos : st.size() - 1], "expected '['");
    std::vector<const Token*> items;
    ++pos;
    while (true) {
      if (pos >= st.size()) fail(st.back(), "expected ']'");  // unreachable: the lexer balances brackets
      if (st[pos].kind == Token::RBracket) break;
      if (st[pos].kind != kind) fail(st[pos], fmt::format("expected {} or ']', found {}", what, kind_name(st[pos].kind)));
      items.push_back(&st[pos++]);
      if (pos < st.size() && st[pos].kind == Token::Comma) ++pos;
      else if (pos < st.size() && st[pos].kind != Token::RBracket)
        fail(st[pos], fmt::format("expected ',' or ']', found {}", kind_name(st[pos].kind)));
    }
    ++pos;
    return items;
  }

  std::vector<const Token*> strings_or_list(const Statement& st, size_t& pos) const {
    if (st[pos].kind == Token::String) return {&st[pos++]};
    return list(st, pos, Token::String, "a quoted hex string");
  }

  void append_hex(std::vector<uint8_t>& out, const Token& s) const {
    if (s.text.size() % 2) fail(s, fmt::format("hex string has an odd number of digits ({})", s.text.size()));
    auto digit = [&](size_t i) {
      const char c = s.text[i];
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      fail(s.line, s.col + 1 + int(i), fmt::format("'{}' is not a hex digit", c));
    };
    for (size_t i = 0; i < s.text.size(); i += 2) out.push_back(uint8_t(digit(i) * 16 + digit(i + 1)));
  }

  void read_file_into(std::vector<uint8_t>& out, const Token& t) const {
    std::string path = t.text;
    if (!path.empty() && path[0] != '/' && !base_dir_.empty()) path = base_dir_ + "/" + path;
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
      fail(t, fmt::format("cannot read '{}': {}", path, ec ? ec.message() : "not a regular file"));
    std::ifstream in(path, std::ios::binary);
    if (!in) fail(t, fmt::format("cannot read '{}': {}", path, std::strerror(errno)));
    try {
      out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    } catch (const std::exception& e) {  // libstdc++'s filebuf throws on a read error
      fail(t, fmt::format("cannot read '{}': {}", path, e.what()));
    }
  }

  // ---- commands

  // key=value fields and bare flags of one command line.
  class Fields {
   public:
    Fields(const Parser& p, const Token& mnemonic) : p_(p), mnemonic_(mnemonic) {}

    void add(const Token& t) {
      if (t.kind != Token::Word) p_.fail(t, fmt::format("unexpected {} in a command", kind_name(t.kind)));
      const size_t eq = t.text.find('=');
      if (eq == std::string::npos) {
        flags_.push_back(&t);
        return;
      }
      const std::string key = t.text.substr(0, eq);
      if (key.empty()) p_.fail(t, "expected name=value");
      if (kv_.count(key)) p_.fail(t, fmt::format("field '{}' given twice", key));
      kv_[key] = Value{t.text.substr(eq + 1), t.line, t.col + int(eq) + 1};
    }

    i128 num(const std::string& name, i128 lo, i128 hi) {
      const Value* v = find(name);
      if (!v) missing(name);
      return p_.number(v->text, v->line, v->col, "'" + name + "'", lo, hi);
    }
    i128 num_or(const std::string& name, i128 lo, i128 hi, i128 fallback) {
      const Value* v = find(name);
      return v ? p_.number(v->text, v->line, v->col, "'" + name + "'", lo, hi) : fallback;
    }
    uint32_t u32(const std::string& name) { return uint32_t(num(name, 0, UINT32_MAX)); }
    uint8_t u8(const std::string& name) { return uint8_t(num(name, 0, UINT8_MAX)); }
    uint8_t u8_or(const std::string& name, uint8_t fallback) { return uint8_t(num_or(name, 0, UINT8_MAX, fallback)); }

    // buffer[+offset]
    SpmAddr spm(const std::string& name) {
      const Value* v = find(name);
      if (!v) missing(name);
      const size_t plus = v->text.find('+');
      const std::string buf = v->text.substr(0, plus);
      SpmAddr a;
      if (buf == "input") a.buf = Buffer::Input;
      else if (buf == "weight") a.buf = Buffer::Weight;
      else if (buf == "output") a.buf = Buffer::Output;
      else if (buf == "accumulator") a.buf = Buffer::Accumulator;
      else
        p_.fail(v->line, v->col,
                fmt::format("unknown scratchpad buffer '{}' in '{}' (expected input, weight, output or accumulator, "
                            "then +offset)", buf, name));
      if (plus != std::string::npos)
        a.offset = uint32_t(p_.number(v->text.substr(plus + 1), v->line, v->col + int(plus) + 1,
                                      "the offset of '" + name + "'", 0, UINT32_MAX));
      return a;
    }

    Dataflow dataflow() {
      const Value* v = find("dataflow");
      if (!v || v->text == "ws") return Dataflow::WeightStationary;
      if (v->text == "os") return Dataflow::OutputStationary;
      if (v->text == "is") return Dataflow::InputStationary;
      p_.fail(v->line, v->col, fmt::format("unknown dataflow '{}' (expected ws, os or is)", v->text));
    }

    bool flag(const std::string& name) {
      known_flags_.push_back(name);
      for (const Token* t : flags_)
        if (t->text == name) return true;
      return false;
    }

    Deps deps() {
      Deps d;
      d.wait_prev = flag("wait_prev");
      d.wait_next = flag("wait_next");
      d.signal_prev = flag("signal_prev");
      d.signal_next = flag("signal_next");
      return d;
    }

    // Every field and flag given must have been asked for.
    void finish() const {
      for (const auto& [key, v] : kv_)
        if (!asked(known_fields_, key))
          p_.fail(v.line, v.col - int(key.size()) - 1,
                  fmt::format("unknown field '{}' for {} (fields: {})", key, mnemonic_.text, join(known_fields_)));
      for (const Token* t : flags_) {
        if (asked(known_fields_, t->text))
          p_.fail(*t, fmt::format("field '{}' needs a value ({}=...)", t->text, t->text));
        if (!asked(known_flags_, t->text))
          p_.fail(*t, fmt::format("unknown flag '{}' for {} (flags: {})", t->text, mnemonic_.text, join(known_flags_)));
      }
      std::vector<std::string> seen;
      for (const Token* t : flags_) {
        if (asked(seen, t->text)) p_.fail(*t, fmt::format("flag '{}' given twice", t->text));
        seen.push_back(t->text);
      }
    }

   private:
    [[noreturn]] void missing(const std::string& name) const {
      for (const Token* t : flags_)
        if (t->text == name) p_.fail(*t, fmt::format("field '{}' needs a value ({}=...)", name, name));
      p_.fail(mnemonic_, fmt::format("{}: missing field '{}'", mnemonic_.text, name));
    }
    struct Value {
      std::string text;
      int line = 0, col = 0;
    };
    const Value* find(const std::string& name) {
      known_fields_.push_back(name);
      auto it = kv_.find(name);
      return it == kv_.end() ? nullptr : &it->second;
    }
    static bool asked(const std::vector<std::string>& v, const std::string& s) {
      for (const auto& x : v)
        if (x == s) return true;
      return false;
    }
    static std::string join(const std::vector<std::string>& v) {
      std::string s;
      for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
      return s.empty() ? "none" : s;
    }

    const Parser& p_;
    const Token& mnemonic_;
    std::map<std::string, Value> kv_;
    std::vector<const Token*> flags_;
    std::vector<std::string> known_fields_, known_flags_;
  };

  void command(const Statement& st) {
    const Token& mn = st[0];
    Command cmd;
    size_t first_field = 1;
    const McuKernelSpec* kernel = nullptr;
    if (mn.text == "load") cmd.op = Opcode::DmaLoad;
    else if (mn.text == "store") cmd.op = Opcode::DmaStore;
    else if (mn.text == "gemm") cmd.op = Opcode::Gemm;
    else if (mn.text == "conv") cmd.op = Opcode::Conv;
    else if (mn.text == "ppu") cmd.op = Opcode::PostProcess;
    else if (mn.text == "fence") cmd.op = Opcode::Fence;
    else if (mn.text == "end") cmd.op = Opcode::End;
    else if (mn.text == "mcu") {
      cmd.op = Opcode::McuOp;
      if (st.size() < 2 || st[1].kind != Token::Word || st[1].text.find('=') != std::string::npos)
        fail(st.size() < 2 ? mn : st[1], fmt::format("mcu: expected a kernel name (one of: {})", kernel_names()));
      kernel = find_mcu_kernel(st[1].text);
      if (!kernel) fail(st[1], fmt::format("mcu: unknown kernel '{}' (one of: {})", st[1].text, kernel_names()));
      first_field = 2;
    } else {
      fail(mn, fmt::format("unknown mnemonic '{}' (expected load, store, gemm, conv, ppu, fence, mcu, end, or a directive "
                           ".image, .stream)", mn.text));
    }
    Fields f(*this, mn);
    for (size_t i = first_field; i < st.size(); ++i) f.add(st[i]);
    switch (cmd.op) {
      case Opcode::DmaLoad:
      case Opcode::DmaStore: {
        DmaCmd d;
        d.channel = f.u8("ch");
        d.mem_addr = uint64_t(f.num("mem", 0, UINT64_MAX));
        d.spm = f.spm("spm");
        d.rows = uint32_t(f.num_or("rows", 0, UINT32_MAX, 1));
        d.row_bytes = f.u32("row_bytes");
        d.mem_stride = uint32_t(f.num_or("mem_stride", 0, UINT32_MAX, 0));
        d.spm_stride = uint32_t(f.num_or("spm_stride", 0, UINT32_MAX, 0));
        cmd.body = d;
        break;
      }
      case Opcode::Gemm: {
        GemmCmd g;
        g.m = f.u32("m");
        g.n = f.u32("n");
        g.k = f.u32("k");
        g.a_addr = f.u32("a");
        g.a_stride = f.u32("a_stride");
        g.b_addr = f.u32("b");
        g.b_stride = f.u32("b_stride");
        g.c_addr = f.u32("c");
        g.c_stride = f.u32("c_stride");
        g.dataflow = f.dataflow();
        g.accumulate = f.flag("accumulate");
        cmd.body = g;
        break;
      }
      case Opcode::Conv: {
        ConvCmd v;
        v.in_h = f.u32("in_h");
        v.in_w = f.u32("in_w");
        v.in_c = f.u32("in_c");
        v.out_h = f.u32("out_h");
        v.out_w = f.u32("out_w");
        v.n = f.u32("n");
        v.kh = f.u8("kh");
        v.kw = f.u8("kw");
        v.stride_h = f.u8_or("stride_h", 1);
        v.stride_w = f.u8_or("stride_w", 1);
        v.dil_h = f.u8_or("dil_h", 1);
        v.dil_w = f.u8_or("dil_w", 1);
        v.pad_top = f.u8_or("pad_top", 0);
        v.pad_left = f.u8_or("pad_left", 0);
        v.pad_value = int8_t(f.num_or("pad_value", INT8_MIN, INT8_MAX, 0));
        v.in_pixel_stride = uint32_t(f.num_or("in_stride", 0, (1 << 24) - 1, 0));
        v.in_addr = f.u32("in");
        v.b_addr = f.u32("b");
        v.b_stride = f.u32("b_stride");
        v.c_addr = f.u32("c");
        v.c_stride = f.u32("c_stride");
        v.dataflow = f.dataflow();
        v.accumulate = f.flag("accumulate");
        v.depthwise = f.flag("depthwise");
        cmd.body = v;
        break;
      }
      case Opcode::PostProcess: {
        PostProcessCmd p;
        p.m = f.u32("m");
        p.n = f.u32("n");
        p.acc_addr = f.u32("acc");
        p.acc_stride = f.u32("acc_stride");
        p.params_addr = f.u32("params");
        p.out = f.spm("out");
        p.out_stride = f.u32("out_stride");
        p.out_zero_point = int32_t(f.num_or("zp", INT8_MIN, INT8_MAX, 0));
        p.act_min = int32_t(f.num_or("min", INT8_MIN, INT8_MAX, INT8_MIN));
        p.act_max = int32_t(f.num_or("max", INT8_MIN, INT8_MAX, INT8_MAX));
        cmd.body = p;
        break;
      }
      case Opcode::McuOp: {
        McuOpCmd m;
        m.kernel = uint16_t(kernel->id);
        for (const McuArg& a : kernel->args) m.args.push_back(uint32_t(f.num(a.name, INT32_MIN, UINT32_MAX)));
        cmd.body = m;
        break;
      }
      case Opcode::Fence: cmd.body = FenceCmd{}; break;
      case Opcode::End: cmd.body = EndCmd{!f.flag("no_interrupt")}; break;
    }
    cmd.deps = f.deps();
    f.finish();
    if (auto p = command_problem(cmd); !p.empty()) fail(mn, p);
    if (!program_.commands.empty() && program_.commands.back().op == Opcode::End)
      fail(mn, fmt::format("command after end (end is command {}; end must be last)", program_.commands.size() - 1));
    program_.commands.push_back(std::move(cmd));
    last_ = mn;
  }

  static std::string kernel_names() {
    std::string s;
    for (const auto& k : mcu_kernels()) s += (s.empty() ? "" : ", ") + std::string(k.name);
    return s;
  }

  std::string source_, base_dir_;
  Program program_;
  bool stream_seen_ = false;
  Token last_{Token::Word, "", 1, 1};
};

}  // namespace

std::string format_command(const Command& cmd) {
  std::string s = to_string(cmd.op);
  switch (cmd.op) {
    case Opcode::DmaLoad:
    case Opcode::DmaStore: {
      const auto& d = std::get<DmaCmd>(cmd.body);
      s += fmt::format(" ch={} mem={} spm={} rows={} row_bytes={} mem_stride={} spm_stride={}", d.channel,
                       hex(d.mem_addr), spm(d.spm), d.rows, d.row_bytes, d.mem_stride, d.spm_stride);
      break;
    }
    case Opcode::Gemm: {
      const auto& g = std::get<GemmCmd>(cmd.body);
      s += fmt::format(" m={} n={} k={} a={} a_stride={} b={} b_stride={} c={} c_stride={} dataflow={}", g.m, g.n, g.k,
                       hex(g.a_addr), g.a_stride, hex(g.b_addr), g.b_stride, hex(g.c_addr), g.c_stride,
                       dataflow_mnemonic(g.dataflow));
      if (g.accumulate) s += " accumulate";
      break;
    }
    case Opcode::Conv: {
      const auto& v = std::get<ConvCmd>(cmd.body);
      s += fmt::format(
          " in_h={} in_w={} in_c={} out_h={} out_w={} n={} kh={} kw={} stride_h={} stride_w={} dil_h={} dil_w={}"
          " pad_top={} pad_left={} pad_value={} in={} b={} b_stride={} c={} c_stride={} dataflow={}",
          v.in_h, v.in_w, v.in_c, v.out_h, v.out_w, v.n, v.kh, v.kw, v.stride_h, v.stride_w, v.dil_h, v.dil_w,
          v.pad_top, v.pad_left, v.pad_value, hex(v.in_addr), hex(v.b_addr), v.b_stride, hex(v.c_addr), v.c_stride,
          dataflow_mnemonic(v.dataflow));
      if (v.in_pixel_stride) s += fmt::format(" in_stride={}", v.in_pixel_stride);
      if (v.accumulate) s += " accumulate";
      if (v.depthwise) s += " depthwise";
      break;
    }
    case Opcode::PostProcess: {
      const auto& p = std::get<PostProcessCmd>(cmd.body);
      s += fmt::format(" m={} n={} acc={} acc_stride={} params={} out={} out_stride={} zp={} min={} max={}", p.m, p.n,
                       hex(p.acc_addr), p.acc_stride, hex(p.params_addr), spm(p.out), p.out_stride, p.out_zero_point,
                       p.act_min, p.act_max);
      break;
    }
    case Opcode::McuOp: {
      const auto& m = std::get<McuOpCmd>(cmd.body);
      const McuKernelSpec* k = find_mcu_kernel(m.kernel);
      if (!k || k->args.size() != m.args.size())
        throw Error(fmt::format("format: mcu command with unknown kernel {} or wrong argument count", m.kernel));
      s += std::string(" ") + k->name;
      for (size_t i = 0; i < m.args.size(); ++i) s += fmt::format(" {}={}", k->args[i].name, mcu_arg(m.args[i]));
      break;
    }
    case Opcode::Fence:
      break;
    case Opcode::End:
      if (!std::get<EndCmd>(cmd.body).interrupt) s += " no_interrupt";
      break;
  }
  append_deps(s, cmd.deps);
  return s;
}

std::string format_program(const Program& program) {
  std::string s = fmt::format("# kiln command stream: {} commands, {} images (docs/command-stream.md)\n",
                              program.commands.size(), program.images.size());
  if (!program.stream_memory.empty())
    s += fmt::format(".stream {} {}\n", program.stream_memory, hex(program.stream_addr));
  for (size_t i = 0; i < program.commands.size(); ++i) {
    std::string line = format_command(program.commands[i]);
    s += fmt::format("{}  # {}\n", line, i);
  }
  constexpr size_t kBytesPerString = 32;
  for (const auto& img : program.images) {
    s += fmt::format(".image {} {} hex", img.memory, hex(img.addr));
    auto chunk = [&](size_t from) {
      std::string h;
      for (size_t j = from; j < img.bytes.size() && j < from + kBytesPerString; ++j) h += fmt::format("{:02x}", img.bytes[j]);
      return "\"" + h + "\"";
    };
    if (img.bytes.size() <= kBytesPerString) {
      s += " " + chunk(0) + "\n";
    } else {
      s += " [\n";
      for (size_t j = 0; j < img.bytes.size(); j += kBytesPerString) s += "  " + chunk(j) + ",\n";
      s += "]\n";
    }
  }
  return s;
}

Program parse_program_text(const std::string& text, const std::string& source, const std::string& base_dir) {
  Parser p(source, base_dir);
  return p.parse(text);
}

Program read_program_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(fmt::format("{}: cannot open: {}", path, std::strerror(errno)));
  std::ostringstream text;
  text << in.rdbuf();
  const size_t slash = path.rfind('/');
  return parse_program_text(text.str(), path, slash == std::string::npos ? "" : path.substr(0, slash));
}

}  // namespace kiln
