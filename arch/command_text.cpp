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


// ---------------------------------------------------------------- formatting

std::string hex(uint64_t v) { return fmt::format("0x{:x}", v); }

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
    // One of `c`'s names; with `spm`, then "+offset" into *offset.
    FieldValue choice(const std::string& name, const Choices& c, bool required, FieldValue fallback,
                      uint32_t* offset = nullptr) {
      const Value* v = find(name);
      if (!v) {
        if (required) missing(name);
        return fallback;
      }
      const size_t plus = offset ? v->text.find('+') : std::string::npos;
      const std::string word = v->text.substr(0, plus);
      FieldValue id = -1;
      std::string expected;
      for (uint8_t i = 0; i < c.count; ++i) {
        if (word == c.names[i]) id = i;
        expected += fmt::format("{}{}", i == 0 ? "" : (i + 1 == c.count ? " or " : ", "), c.names[i]);
      }
      if (id < 0)
        p_.fail(v->line, v->col,
                offset ? fmt::format("unknown {} '{}' in '{}' (expected {}, then +offset)", c.what, word, name, expected)
                       : fmt::format("unknown {} '{}' (expected {})", c.what, word, expected));
      if (plus != std::string::npos)
        *offset = uint32_t(p_.number(v->text.substr(plus + 1), v->line, v->col + int(plus) + 1,
                                     "the offset of '" + name + "'", 0, UINT32_MAX));
      return id;
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
    const CommandSpec* spec = find_command(mn.text);
    if (!spec) {
      std::string known;
      for (const CommandSpec& c : kCommands) known += std::string(c.mnemonic) + ", ";
      fail(mn, fmt::format("unknown mnemonic '{}' (expected {}or a directive .image, .stream)", mn.text, known));
    }
    Command cmd;
    cmd.op = spec->op;
    cmd.body = make_body(spec->body);
    void* body = std::visit([](auto& b) -> void* { return &b; }, cmd.body);
    size_t first_field = 1;
    const McuKernelSpec* kernel = nullptr;
    for (const FieldSpec& f : spec->fields) {
      if (f.kind != FieldKind::McuKernel) continue;
      if (st.size() < 2 || st[1].kind != Token::Word || st[1].text.find('=') != std::string::npos)
        fail(st.size() < 2 ? mn : st[1],
             fmt::format("{}: expected a kernel name (one of: {})", spec->mnemonic, kernel_names()));
      kernel = find_mcu_kernel(st[1].text);
      if (!kernel)
        fail(st[1], fmt::format("{}: unknown kernel '{}' (one of: {})", spec->mnemonic, st[1].text, kernel_names()));
      f.set(body, FieldValue(kernel->id));
      first_field = 2;
    }
    Fields fields(*this, mn);
    for (size_t i = first_field; i < st.size(); ++i) fields.add(st[i]);
    for (const FieldSpec& f : spec->fields) parse_field(fields, f, body, kernel);
    cmd.deps = fields.deps();
    fields.finish();
    if (auto p = command_problem(cmd); !p.empty()) fail(mn, p);
    if (!program_.commands.empty() && program_.commands.back().op == Opcode::End)
      fail(mn, fmt::format("command after end (end is command {}; end must be last)", program_.commands.size() - 1));
    program_.commands.push_back(std::move(cmd));
    last_ = mn;
  }

  // The values a field may be written with: its declared range, else what its bits hold.
  static std::pair<i128, i128> text_range(const FieldSpec& f) {
    if (f.has_range) return {f.lo, f.hi};
    const i128 span = i128(1) << f.loc.bits;
    return f.is_signed ? std::pair<i128, i128>{-span / 2, span / 2 - 1} : std::pair<i128, i128>{0, span - 1};
  }

  void parse_field(Fields& fields, const FieldSpec& f, void* body, const McuKernelSpec* kernel) const {
    switch (f.kind) {
      case FieldKind::Number:
      case FieldKind::Address: {
        const auto [lo, hi] = text_range(f);
        f.set(body, f.required ? fields.num(f.name, lo, hi) : fields.num_or(f.name, lo, hi, f.fallback));
        break;
      }
      case FieldKind::Flag: f.set(body, fields.flag(f.name)); break;
      case FieldKind::NoFlag: f.set(body, !fields.flag(f.name)); break;
      case FieldKind::Choice: f.set(body, fields.choice(f.name, *f.choices, f.required, f.fallback)); break;
      case FieldKind::Spm: {
        uint32_t offset = 0;
        f.set(body, fields.choice(f.name, *f.choices, true, 0, &offset));
        f.set2(body, offset);
        break;
      }
      case FieldKind::McuKernel: break;  // the operand after the mnemonic, read above
      case FieldKind::McuArgs:
        for (const McuArg& a : kernel->args) f.list(body)->push_back(uint32_t(fields.num(a.name, INT32_MIN, UINT32_MAX)));
        break;
    }
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
  const CommandSpec& spec = command_spec(cmd.op);
  if (cmd.body.index() != spec.body) throw Error(fmt::format("format: {} command with a mismatched body", spec.mnemonic));
  const void* body = std::visit([](const auto& b) -> const void* { return &b; }, cmd.body);
  std::string s = spec.mnemonic;
  const McuKernelSpec* kernel = nullptr;
  for (const FieldSpec& f : spec.fields) {
    const FieldValue v = f.get ? f.get(body) : 0;
    switch (f.kind) {
      case FieldKind::Number:
        if (!(f.omit_fallback && v == f.fallback)) s += fmt::format(" {}={}", f.name, show(v));
        break;
      case FieldKind::Address: s += fmt::format(" {}={}", f.name, hex(uint64_t(v))); break;
      case FieldKind::Flag:
        if (v) s += fmt::format(" {}", f.name);
        break;
      case FieldKind::NoFlag:
        if (!v) s += fmt::format(" {}", f.name);
        break;
      case FieldKind::Choice:
      case FieldKind::Spm: {
        const char* name = v >= 0 && v < f.choices->count ? f.choices->names[size_t(v)] : "?";
        if (f.kind == FieldKind::Choice) s += fmt::format(" {}={}", f.name, name);
        else s += fmt::format(" {}={}+{}", f.name, name, hex(uint64_t(f.get2(body))));
        break;
      }
      case FieldKind::McuKernel:
        kernel = find_mcu_kernel(uint16_t(v));
        if (!kernel) throw Error(fmt::format("format: {} command with unknown kernel {}", spec.mnemonic, show(v)));
        s += std::string(" ") + kernel->name;
        break;
      case FieldKind::McuArgs: {
        const std::vector<uint32_t>& args = *f.list(body);
        if (!kernel || kernel->args.size() != args.size())
          throw Error(fmt::format("format: {} command with the wrong argument count", spec.mnemonic));
        for (size_t i = 0; i < args.size(); ++i) s += fmt::format(" {}={}", kernel->args[i].name, mcu_arg(args[i]));
        break;
      }
    }
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
