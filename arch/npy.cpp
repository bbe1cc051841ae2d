#include "arch/npy.h"

#include <fstream>
#include <algorithm>

#include <fmt/format.h>

#include "arch/error.h"
#include "arch/escaped.h"
#include "arch/profile.h"

namespace kiln {
namespace {

size_t dtype_size(const std::string& path, const std::string& dtype) {
  if (dtype == "|i1" || dtype == "|u1" || dtype == "<i1" || dtype == "<u1") return 1;
  if (dtype == "<i4" || dtype == "<f4") return 4;
  if (dtype == "<i8") return 8;
  throw Error(fmt::format("{}: dtype '{}' not supported; expected int8 ('|i1'), uint8 ('|u1'), int32 ('<i4'), "
                          "int64 ('<i8') or float32 ('<f4')",
                          path, escaped(dtype)));
}

// NumPy's own limits: at most 64 dimensions; a header longer than this is not
// one NumPy writes for the arrays kiln reads.
constexpr size_t max_dims = 64;
constexpr size_t max_header_bytes = 1 << 16;

// The header is a Python dict literal, e.g. {'descr': '|i1', 'fortran_order':
// False, 'shape': (1, 49, 10, 1), }. Read by hand in one pass, without
// recursion or std::regex (which recurses per character), so that any header
// costs time and memory linear in its length, and every error names the byte.
class HeaderReader {
 public:
  HeaderReader(const std::string& path, const std::string& text, size_t file_offset)
      : path_(path), text_(text), base_(file_offset) {}

  struct Fields {
    std::string descr;
    bool fortran_order = false;
    std::vector<int64_t> shape;
    bool has_descr = false, has_order = false, has_shape = false;
  };

  Fields read() {
    Fields f;
    expect('{');
    while (true) {
      skip_space();
      if (peek() == '}') break;
      skip_space();
      const size_t key_at = at_;
      const std::string key = string_literal();
      expect(':');
      if (key == "descr") {
        f.descr = string_literal();
        f.has_descr = true;
      } else if (key == "fortran_order") {
        f.fortran_order = boolean();
        f.has_order = true;
      } else if (key == "shape") {
        f.shape = shape_tuple();
        f.has_shape = true;
      } else {
        at_ = key_at;
        fail(fmt::format("unknown key '{}'; expected 'descr', 'fortran_order' or 'shape'", escaped(key)));
      }
      skip_space();
      if (peek() == ',') {
        ++at_;
        continue;
      }
      if (peek() == '}') break;
      fail("expected ',' or '}'");
    }
    ++at_;
    if (!f.has_descr) throw Error(path_ + ": .npy header has no 'descr'");
    if (!f.has_shape) throw Error(path_ + ": .npy header has no 'shape'");
    return f;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw Error(fmt::format("{}: .npy header, byte {}: {}", path_, base_ + at_, what));
  }
  char peek() const { return at_ < text_.size() ? text_[at_] : '\0'; }
  void skip_space() {
    while (at_ < text_.size() && (text_[at_] == ' ' || text_[at_] == '\t' || text_[at_] == '\n')) ++at_;
  }
  void expect(char c) {
    skip_space();
    if (peek() != c) fail(fmt::format("expected '{}'", c));
    ++at_;
  }
  std::string string_literal() {
    skip_space();
    const char quote = peek();
    if (quote != '\'' && quote != '"') fail("expected a quoted string");
    const size_t close = text_.find(quote, at_ + 1);
    if (close == std::string::npos) fail("unterminated string");
    std::string s = text_.substr(at_ + 1, close - at_ - 1);
    at_ = close + 1;
    return s;
  }
  bool boolean() {
    skip_space();
    if (text_.compare(at_, 4, "True") == 0) return at_ += 4, true;
    if (text_.compare(at_, 5, "False") == 0) return at_ += 5, false;
    fail("expected True or False");
  }
  std::vector<int64_t> shape_tuple() {
    expect('(');
    std::vector<int64_t> dims;
    while (true) {
      skip_space();
      if (peek() == ')') break;
      if (dims.size() == max_dims) fail(fmt::format("more than {} dimensions", max_dims));
      dims.push_back(dimension());
      skip_space();
      if (peek() == ',') {
        ++at_;
        continue;
      }
      if (peek() != ')') fail("expected ',' or ')' in the shape");
    }
    ++at_;
    return dims;
  }
  int64_t dimension() {
    if (peek() == '-') fail("a negative dimension; expected a size of 0 or more");
    if (peek() < '0' || peek() > '9') fail("expected a dimension (a non-negative integer)");
    int64_t v = 0;
    while (peek() >= '0' && peek() <= '9') {
      if (__builtin_mul_overflow(v, int64_t(10), &v) || __builtin_add_overflow(v, int64_t(peek() - '0'), &v))
        fail("a dimension larger than 2^63-1");
      ++at_;
    }
    if (peek() == 'L') ++at_;  // Python 2's long suffix, which old NumPy wrote
    return v;
  }

  const std::string& path_;
  const std::string& text_;
  size_t base_;
  size_t at_ = 0;
};

}  // namespace

NpyArray read_npy(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path + ": cannot open");
  in.seekg(0, std::ios::end);
  const auto end = in.tellg();
  if (end < 0) throw Error(path + ": cannot read");
  const uint64_t file_size = uint64_t(end);
  in.seekg(0);
  // Unsigned: 0x93 as a (signed) char would never equal the byte 0x93.
  static const uint8_t magic[] = {0x93, 'N', 'U', 'M', 'P', 'Y'};
  uint8_t prefix[12] = {};
  in.read(reinterpret_cast<char*>(prefix), std::streamsize(std::min<uint64_t>(file_size, sizeof prefix)));
  if (file_size < 10 || !std::equal(magic, magic + 6, prefix)) throw Error(path + ": not a NumPy .npy file (bad magic)");
  const uint8_t major = prefix[6];
  uint64_t header_len = 0, header_at = 0;
  if (major == 1) {
    header_len = prefix[8] | (uint64_t(prefix[9]) << 8);
    header_at = 10;
  } else if (major == 2 || major == 3) {
    if (file_size < 12) throw Error(path + ": truncated .npy header");
    header_len = prefix[8] | (uint64_t(prefix[9]) << 8) | (uint64_t(prefix[10]) << 16) | (uint64_t(prefix[11]) << 24);
    header_at = 12;
  } else {
    throw Error(fmt::format("{}: .npy format version {} not supported; expected 1, 2 or 3", path, major));
  }
  if (header_len > max_header_bytes)
    throw Error(fmt::format("{}: .npy header of {} bytes; expected at most {}", path, header_len, max_header_bytes));
  if (header_at + header_len > file_size) throw Error(path + ": truncated .npy header");
  std::string header(header_len, '\0');
  in.seekg(std::streamoff(header_at));
  in.read(header.data(), std::streamsize(header_len));
  if (!in) throw Error(path + ": cannot read the .npy header");

  const HeaderReader::Fields f = HeaderReader(path, header, header_at).read();
  NpyArray a;
  a.dtype = f.descr;
  if (f.fortran_order) throw Error(path + ": Fortran-order arrays are not supported; save with C order");
  a.shape = f.shape;
  // The element count and byte size are checked for overflow and against the
  // file before anything the size of the data is allocated.
  uint64_t need = dtype_size(path, a.dtype);
  for (int64_t d : a.shape)
    if (__builtin_mul_overflow(need, uint64_t(d), &need))
      throw Error(fmt::format("{}: the shape's byte size overflows 64 bits", path));
  const uint64_t have = file_size - header_at - header_len;
  if (have != need) throw Error(fmt::format("{}: data has {} bytes, the shape and dtype need {}", path, have, need));
  a.data.resize(need);
  in.read(reinterpret_cast<char*>(a.data.data()), std::streamsize(need));
  if (!in) throw Error(path + ": cannot read the .npy data");
  return a;
}

void write_npy(const std::string& path, const NpyArray& a) {
  dtype_size(path, a.dtype);
  std::string shape;
  // As NumPy writes it: "(1, 640)", "(640,)", "()".
  for (size_t i = 0; i < a.shape.size(); ++i) shape += (i ? ", " : "") + std::to_string(a.shape[i]);
  if (a.shape.size() == 1) shape += ",";
  std::string header = fmt::format("{{'descr': '{}', 'fortran_order': False, 'shape': ({}), }}", a.dtype, shape);
  // Pad so the data starts at a multiple of 64 bytes, header ending in '\n'.
  const size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header.push_back('\n');
  std::string out("\x93NUMPY\x01\x00", 8);
  out.push_back(char(header.size() & 0xff));
  out.push_back(char(header.size() >> 8));
  out += header;
  out.append(reinterpret_cast<const char*>(a.data.data()), a.data.size());
  write_text_file_atomic(path, out);
}

}  // namespace kiln
