#include "arch/yaml_reader.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>

#include "arch/error.h"
#include "arch/escaped.h"

namespace kiln::yaml {

namespace {

bool is_quoted(const YAML::Node& n) { return n.IsScalar() && n.Tag() == "!"; }

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

std::string position(const std::string& source, const YAML::Mark& mark) {
  if (mark.is_null()) return source;
  return fmt::format("{}:{}:{}", source, mark.line + 1, mark.column + 1);
}

std::string shown(const std::string& text) {
  std::string s;
  for (char c : text) s += (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
  if (s.size() > 40) s = s.substr(0, 37) + "...";
  return s;
}

std::string describe(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Scalar:
      return is_quoted(n) ? fmt::format("the quoted string \"{}\"", shown(n.Scalar()))
                          : fmt::format("'{}'", shown(n.Scalar()));
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Map: return "a map";
    case YAML::NodeType::Null: return "nothing (null)";
    case YAML::NodeType::Undefined: break;
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

namespace {

// Where each document of a stream starts. yaml-cpp 0.7's LoadAll never ends
// on a stream whose next token cannot start a node (a stray ',' or ']' at the
// top level): its parser reports an empty document there without consuming
// anything, again and again. Counting documents through the parser's events
// notices that (a document starting where the previous one did).
class DocumentStarts : public YAML::EventHandler {
 public:
  std::vector<YAML::Mark> starts;  // where each document starts (its '---' if any)
  std::vector<YAML::Mark> roots;   // where each document's root node starts
  void OnDocumentStart(const YAML::Mark& mark) override {
    starts.push_back(mark);
    roots.push_back(mark);
    in_root_ = false;
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& m, YAML::anchor_t) override { node(m); }
  void OnAlias(const YAML::Mark& m, YAML::anchor_t) override { node(m); }
  void OnScalar(const YAML::Mark& m, const std::string&, YAML::anchor_t, const std::string&) override { node(m); }
  void OnSequenceStart(const YAML::Mark& m, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    node(m);
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& m, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    node(m);
  }
  void OnMapEnd() override {}

 private:
  void node(const YAML::Mark& m) {
    if (!in_root_ && !roots.empty()) roots.back() = m;
    in_root_ = true;
  }
  bool in_root_ = false;
};

}  // namespace

// yaml-cpp's messages quote the offending byte raw (a newline, a control
// byte), as may any message quoting a key.
std::string printable(const std::string& text) { return escaped(text, std::string::npos); }

namespace {

// The text with its comments cut, or the text itself where that could change
// its meaning. yaml-cpp scans a comment as slowly as content (about a quarter
// of a microsecond per byte), and kiln's configs are mostly comments citing
// their sources (the shipped technology file is 9 KiB, 0.7 KiB of it YAML),
// so reading them was most of kiln's start-up. Cutting a comment from its
// '#' to the line's end leaves every line and column, and so every located
// message, where it was. A '#' starts a comment at a line's start or after a
// blank, outside quotes and block scalars: a text with a quote, a block
// scalar indicator ('|', '>') or a tab before its comments is left whole.
std::string without_comments(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  size_t line = 0;
  while (line < text.size()) {
    size_t end = text.find('\n', line);
    if (end == std::string::npos) end = text.size();
    size_t cut = end;
    for (size_t i = line; i < end; ++i) {
      const char c = text[i];
      if (c == '#' && (i == line || text[i - 1] == ' ')) {
        cut = i;
        break;
      }
      if (c == '"' || c == '\'' || c == '|' || c == '>' || c == '\t') return text;
    }
    out.append(text, line, cut - line);
    if (end < text.size()) out += '\n';
    line = end + 1;
  }
  return out;
}

}  // namespace

YAML::Node parse_document(const std::string& full_text, const std::string& source) {
  const std::string text = without_comments(full_text);
  try {
    std::istringstream in(text);
    YAML::Parser parser(in);
    DocumentStarts documents;
    while (parser.HandleNextDocument(documents)) {
      const auto& s = documents.starts;
      if (s.size() >= 2 && s[s.size() - 1].pos == s[s.size() - 2].pos) {
        const char c = size_t(s.back().pos) < text.size() ? text[size_t(s.back().pos)] : ' ';
        throw Error(fmt::format("{}: YAML syntax error: '{}' cannot start a value here", position(source, s.back()),
                                printable(std::string(1, c))));
      }
    }
    const auto& s = documents.starts;
    if (s.size() > 1)
      throw Error(fmt::format("{}: expected one YAML document, found {}", position(source, documents.roots[1]),
                              s.size()));
    return documents.starts.empty() ? YAML::Node() : YAML::Load(text);
  } catch (const YAML::DeepRecursion& e) {
    // yaml-cpp's parser recurses per level and stops itself at a fixed depth;
    // its own message for that ("bad file") does not say why.
    throw Error(fmt::format("{}: YAML nesting deeper than the limit of {} levels of maps and lists; kiln's files "
                            "nest a few levels",
                            position(source, e.mark), e.depth()));
  } catch (const YAML::Exception& e) {
    throw Error(fmt::format("{}: YAML syntax error: {}", position(source, e.mark), printable(e.msg)));
  }
}

std::string read_file(const std::string& path, const std::string& what) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw Error(fmt::format("{}: expected a {}, got a directory", path, what));
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(fmt::format("{}: cannot open the {}", path, what));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw Error(fmt::format("{}: cannot read the {}", path, what));
  return text.str();
}

void Reader::fail(const YAML::Mark& mark, const std::string& path, const std::string& message) const {
  std::string prefix = path.empty() ? "" : path + ": ";
  throw Error(fmt::format("{}: {}{}", position(source_, mark), prefix, message));
}

uint64_t Reader::integer_in(const Field& f, uint64_t lo, uint64_t hi, const std::string& expected) const {
  if (!f.node.IsScalar() || is_quoted(f.node))
    fail(f.mark, f.path, fmt::format("expected an integer, got {}", describe(f.node)));
  bool overflow = false;
  auto lit = parse_int(f.node.Scalar(), &overflow);
  if (!lit) fail(f.mark, f.path, fmt::format("expected an integer, got {}", describe(f.node)));
  bool below_zero = lit->negative && lit->magnitude != 0;
  if (below_zero || overflow || lit->magnitude < lo || lit->magnitude > hi)
    fail(f.mark, f.path, fmt::format("expected {}, got {}", expected, shown(f.node.Scalar())));
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
  if (!f.node.IsScalar() || is_quoted(f.node))
    fail(f.mark, f.path, fmt::format("expected a number, got {}", describe(f.node)));
  auto v = parse_real(f.node.Scalar());
  if (!v) fail(f.mark, f.path, fmt::format("expected a number, got {}", describe(f.node)));
  if ((lo_inclusive ? *v < lo : *v <= lo) || *v > hi)
    fail(f.mark, f.path,
         fmt::format("expected a number {} {} and at most {}{}, got {}", lo_inclusive ? "of at least" : "greater than",
                     lo, hi, unit, shown(f.node.Scalar())));
  return *v;
}

bool Reader::boolean(const Field& f) const {
  if (f.node.IsScalar() && !is_quoted(f.node)) {
    const std::string& s = f.node.Scalar();
    if (s == "true" || s == "True" || s == "TRUE") return true;
    if (s == "false" || s == "False" || s == "FALSE") return false;
  }
  fail(f.mark, f.path, fmt::format("expected true or false, got {}", describe(f.node)));
}

std::string Reader::identifier(const Field& f) const {
  if (!f.node.IsScalar() || f.node.Scalar().empty())
    fail(f.mark, f.path, fmt::format("expected a name, got {}", describe(f.node)));
  const std::string& s = f.node.Scalar();
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.'))
      fail(f.mark, f.path, fmt::format("expected a name of letters, digits, '_', '-' or '.', got {}", describe(f.node)));
  return s;
}

std::string Reader::text(const Field& f, const std::string& expected) const {
  if (!f.node.IsScalar() || f.node.Scalar().empty())
    fail(f.mark, f.path, fmt::format("expected {}, got {}", expected, describe(f.node)));
  return f.node.Scalar();
}

Reader::Map::Map(const Reader& reader, Field self, std::vector<std::string> allowed)
    : reader_(reader), self_(std::move(self)), allowed_(std::move(allowed)) {
  if (!self_.node.IsMap())
    reader_.fail(self_.mark, self_.path,
                 fmt::format("expected a map with keys {}, got {}", join(allowed_), describe(self_.node)));
  for (const auto& entry : self_.node) {
    const YAML::Node key = entry.first;
    if (!key.IsScalar()) reader_.fail(key.Mark(), self_.path, fmt::format("expected a key name, got {}", describe(key)));
    const std::string& name = key.Scalar();
    if (std::find(allowed_.begin(), allowed_.end(), name) == allowed_.end())
      reader_.fail(key.Mark(), "",
                   fmt::format("unknown key '{}' {} (allowed: {})", shown(name), in_section(self_.path),
                               join(allowed_)));
    auto [pos, inserted] = entries_.emplace(name, std::make_pair(key, YAML::Node(entry.second)));
    if (!inserted)
      reader_.fail(key.Mark(), "",
                   fmt::format("duplicate key '{}' {} (first at line {})", name, in_section(self_.path),
                               pos->second.first.Mark().line + 1));
  }
}

std::optional<Field> Reader::Map::get(const std::string& key) const {
  auto it = entries_.find(key);
  if (it == entries_.end()) return std::nullopt;
  const auto& [k, v] = it->second;
  // An empty value ("key:") is positioned at the next token: point at its key instead.
  YAML::Mark mark = v.Mark().is_null() || v.IsNull() ? k.Mark() : v.Mark();
  return Field{v, child_path(self_.path, key), mark, k.Mark()};
}

Field Reader::Map::need(const std::string& key) const {
  if (auto f = get(key)) return *f;
  reader_.fail(self_.key_mark, "", fmt::format("missing required key '{}' {}", key, in_section(self_.path)));
}

}  // namespace kiln::yaml
