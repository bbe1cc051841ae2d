#include "arch/yaml_reader.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "arch/error.h"
#include "arch/escaped.h"
#include "arch/file_bytes.h"

namespace kiln::yaml {

namespace {

std::string in_section(const std::string& path) { return path.empty() ? "at the top level" : "in " + path; }

bool is_pow2(uint64_t v) { return v != 0 && (v & (v - 1)) == 0; }

// An integer literal: decimal or 0x hexadecimal, optionally signed.
struct IntLiteral {
  bool negative = false;
  uint64_t magnitude = 0;
};

std::optional<IntLiteral> parse_int(const std::string& text, bool* overflow) {
  *overflow = false;
  IntLiteral lit;
  size_t i = 0;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) lit.negative = text[i++] == '-';
  unsigned base = 10;
  if (text.size() - i > 2 && text[i] == '0' && (text[i + 1] == 'x' || text[i + 1] == 'X')) {
    base = 16;
    i += 2;
  }
  if (i == text.size()) return std::nullopt;
  for (; i < text.size(); ++i) {
    char c = text[i];
    unsigned digit;
    if (c >= '0' && c <= '9') digit = unsigned(c - '0');
    else if (base == 16 && c >= 'a' && c <= 'f') digit = unsigned(c - 'a' + 10);
    else if (base == 16 && c >= 'A' && c <= 'F') digit = unsigned(c - 'A' + 10);
    else return std::nullopt;
    if (lit.magnitude > (UINT64_MAX - digit) / base) *overflow = true;
    else lit.magnitude = lit.magnitude * base + digit;
  }
  return lit;
}

std::optional<double> parse_real(const std::string& text) {
  if (text.empty()) return std::nullopt;
  // Plain decimal notation only: strtod would also take "inf", "nan" and hex floats.
  for (char c : text)
    if (!((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-')) return std::nullopt;
  char* end = nullptr;
  double v = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

}  // namespace

std::string shown(const std::string& text) {
  std::string s;
  for (char c : text) s += (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
  if (s.size() > 40) s = s.substr(0, 37) + "...";
  return s;
}

std::string describe(const Node& n) {
  switch (n.type()) {
    case Node::Type::Scalar:
      return n.quoted() ? fmt::format("the quoted string \"{}\"", shown(n.text()))
                          : fmt::format("'{}'", shown(n.text()));
    case Node::Type::Sequence: return "a list";
    case Node::Type::Map: return "a map";
    case Node::Type::Null: return "nothing (null)";
    case Node::Type::Undefined: break;
  }
  return "nothing";
}

std::string join(const std::vector<std::string>& items) {
  std::string s;
  for (const auto& i : items) s += (s.empty() ? "" : ", ") + i;
  return s;
}

std::string child_path(const std::string& parent, const std::string& key) {
  return parent.empty() ? key : parent + "." + key;
}

// A message quoting a key or value from the file: control bytes as \xNN.
std::string printable(const std::string& text) { return escaped(text, std::string::npos); }

std::string read_file(const std::string& path, const std::string& what) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw Error(fmt::format("{}: expected a {}, got a directory", path, what));
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(fmt::format("{}: cannot open the {}", path, what));
  std::string text = read_stream(in);
  if (in.bad()) throw Error(fmt::format("{}: cannot read the {}", path, what));
  return text;
}

void Reader::fail(const Mark& mark, const std::string& path, const std::string& message) const {
  std::string prefix = path.empty() ? "" : path + ": ";
  throw Error(fmt::format("{}: {}{}", position(source_, mark), prefix, message));
}

uint64_t Reader::integer_in(const Field& f, uint64_t lo, uint64_t hi, const std::string& expected) const {
  if (!f.node.is_scalar() || f.node.quoted())
    fail(f.mark, f.path, fmt::format("expected an integer, got {}", describe(f.node)));
  bool overflow = false;
  auto lit = parse_int(f.node.text(), &overflow);
  if (!lit) fail(f.mark, f.path, fmt::format("expected an integer, got {}", describe(f.node)));
  bool below_zero = lit->negative && lit->magnitude != 0;
  if (below_zero || overflow || lit->magnitude < lo || lit->magnitude > hi)
    fail(f.mark, f.path, fmt::format("expected {}, got {}", expected, shown(f.node.text())));
  return lit->magnitude;
}

uint64_t Reader::integer(const Field& f, uint64_t lo, uint64_t hi, const char* unit) const {
  return integer_in(f, lo, hi, fmt::format("an integer from {} to {}{}", lo, hi, unit));
}

uint64_t Reader::power_of_two(const Field& f, uint64_t lo, uint64_t hi, const char* unit) const {
  const std::string expected = fmt::format("a power of two from {} to {}{}", lo, hi, unit);
  uint64_t v = integer_in(f, lo, hi, expected);
  if (!is_pow2(v)) fail(f.mark, f.path, fmt::format("expected {}, got {}", expected, v));
  return v;
}

double Reader::real(const Field& f, double lo, bool lo_inclusive, double hi, const char* unit) const {
  if (!f.node.is_scalar() || f.node.quoted())
    fail(f.mark, f.path, fmt::format("expected a number, got {}", describe(f.node)));
  auto v = parse_real(f.node.text());
  if (!v) fail(f.mark, f.path, fmt::format("expected a number, got {}", describe(f.node)));
  if ((lo_inclusive ? *v < lo : *v <= lo) || *v > hi)
    fail(f.mark, f.path,
         fmt::format("expected a number {} {} and at most {}{}, got {}", lo_inclusive ? "of at least" : "greater than",
                     lo, hi, unit, shown(f.node.text())));
  return *v;
}

bool Reader::boolean(const Field& f) const {
  if (f.node.is_scalar() && !f.node.quoted()) {
    const std::string& s = f.node.text();
    if (s == "true" || s == "True" || s == "TRUE") return true;
    if (s == "false" || s == "False" || s == "FALSE") return false;
  }
  fail(f.mark, f.path, fmt::format("expected true or false, got {}", describe(f.node)));
}

std::string Reader::identifier(const Field& f) const {
  if (!f.node.is_scalar() || f.node.text().empty())
    fail(f.mark, f.path, fmt::format("expected a name, got {}", describe(f.node)));
  const std::string& s = f.node.text();
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.'))
      fail(f.mark, f.path, fmt::format("expected a name of letters, digits, '_', '-' or '.', got {}", describe(f.node)));
  return s;
}

std::string Reader::text(const Field& f, const std::string& expected) const {
  if (!f.node.is_scalar() || f.node.text().empty())
    fail(f.mark, f.path, fmt::format("expected {}, got {}", expected, describe(f.node)));
  return f.node.text();
}

Reader::Map::Map(const Reader& reader, Field self, std::vector<std::string> allowed)
    : reader_(reader), self_(std::move(self)), allowed_(std::move(allowed)) {
  if (!self_.node.is_map())
    reader_.fail(self_.mark, self_.path,
                 fmt::format("expected a map with keys {}, got {}", join(allowed_), describe(self_.node)));
  for (const auto& entry : self_.node.entries()) {
    const Node& key = entry.first;
    if (!key.is_scalar()) reader_.fail(key.mark(), self_.path, fmt::format("expected a key name, got {}", describe(key)));
    const std::string& name = key.text();
    if (std::find(allowed_.begin(), allowed_.end(), name) == allowed_.end())
      reader_.fail(key.mark(), "",
                   fmt::format("unknown key '{}' {} (allowed: {})", shown(name), in_section(self_.path),
                               join(allowed_)));
    auto [pos, inserted] = entries_.emplace(name, entry);
    if (!inserted)
      reader_.fail(key.mark(), "",
                   fmt::format("duplicate key '{}' {} (first at line {})", name, in_section(self_.path),
                               pos->second.first.mark().line + 1));
  }
}

std::optional<Field> Reader::Map::get(const std::string& key) const {
  auto it = entries_.find(key);
  if (it == entries_.end()) return std::nullopt;
  const auto& [k, v] = it->second;
  // An empty value ("key:") is positioned at the next token: point at its key instead.
  Mark mark = v.mark().is_null() || v.is_null() ? k.mark() : v.mark();
  return Field{v, child_path(self_.path, key), mark, k.mark()};
}

Field Reader::Map::need(const std::string& key) const {
  if (auto f = get(key)) return *f;
  reader_.fail(self_.key_mark, "", fmt::format("missing required key '{}' {}", key, in_section(self_.path)));
}

}  // namespace kiln::yaml
