#include "npy.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <initializer_list>
#include <limits>

namespace tflm_runner {
namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicSize = 6;
// NumPy writes at most 64 dimensions; a longer header is no NumPy array.
constexpr size_t kMaxDims = 64;

// The header is a Python dict literal, e.g.
//   {'descr': '|i1', 'fortran_order': False, 'shape': (1, 6, 6, 8), }
// read in one pass; an error names the byte offset within the header.
class HeaderParser {
 public:
  explicit HeaderParser(const std::string& text) : text_(text) {}

  bool parse(std::string* descr, bool* fortran_order, std::vector<int64_t>* shape, std::string* error) {
    bool have_descr = false, have_order = false, have_shape = false;
    if (!expect('{', error)) return false;
    for (;;) {
      space();
      if (peek() == '}') break;
      std::string key;
      if (!quoted(&key, error) || !expect(':', error)) return false;
      space();
      if (key == "descr") {
        if (!quoted(descr, error)) return false;
        have_descr = true;
      } else if (key == "fortran_order") {
        if (!boolean(fortran_order, error)) return false;
        have_order = true;
      } else if (key == "shape") {
        if (!tuple(shape, error)) return false;
        have_shape = true;
      } else {
        return fail("unknown header key '" + key + "'", error);
      }
      space();
      if (peek() == ',') ++at_;
    }
    if (!have_descr || !have_order || !have_shape)
      return fail("header lacks 'descr', 'fortran_order' or 'shape'", error);
    return true;
  }

 private:
  char peek() const { return at_ < text_.size() ? text_[at_] : '\0'; }
  void space() {
    while (at_ < text_.size() && (text_[at_] == ' ' || text_[at_] == '\n' || text_[at_] == '\t')) ++at_;
  }
  bool fail(const std::string& what, std::string* error) const {
    *error = "header byte " + std::to_string(at_) + ": " + what;
    return false;
  }
  bool expect(char c, std::string* error) {
    space();
    if (peek() != c) return fail(std::string("expected '") + c + "'", error);
    ++at_;
    return true;
  }
  bool quoted(std::string* out, std::string* error) {
    space();
    const char q = peek();
    if (q != '\'' && q != '"') return fail("expected a quoted string", error);
    const size_t end = text_.find(q, at_ + 1);
    if (end == std::string::npos) return fail("unterminated string", error);
    *out = text_.substr(at_ + 1, end - at_ - 1);
    at_ = end + 1;
    return true;
  }
  bool boolean(bool* out, std::string* error) {
    for (const char* word : {"True", "False"}) {
      const size_t n = std::strlen(word);
      if (text_.compare(at_, n, word) == 0) {
        *out = word[0] == 'T';
        at_ += n;
        return true;
      }
    }
    return fail("expected True or False", error);
  }
  bool tuple(std::vector<int64_t>* out, std::string* error) {
    out->clear();
    if (!expect('(', error)) return false;
    for (;;) {
      space();
      if (peek() == ')') break;
      if (peek() < '0' || peek() > '9') return fail("expected a dimension", error);
      int64_t v = 0;
      while (peek() >= '0' && peek() <= '9') {
        if (v > (std::numeric_limits<int64_t>::max() - 9) / 10) return fail("dimension too large", error);
        v = v * 10 + (peek() - '0');
        ++at_;
      }
      if (peek() == 'L') ++at_;  // Python 2's long suffix
      if (out->size() == kMaxDims) return fail("more than 64 dimensions", error);
      out->push_back(v);
      space();
      if (peek() == ',') {
        ++at_;
      } else if (peek() != ')') {
        return fail("expected ',' or ')'", error);
      }
    }
    ++at_;
    return true;
  }

  const std::string& text_;
  size_t at_ = 0;
};

// One spelling per dtype: NumPy writes '|' for one-byte types and '<' for
// little-endian ones, but '=' (native, little-endian on the hosts this runs
// on) and a missing order character are valid too.
bool normalize_descr(std::string* descr) {
  std::string d = *descr;
  if (d.size() == 2) d = "=" + d;
  if (d.size() != 3) return false;
  if (d[0] == '>') return false;
  if (d[0] == '=') d[0] = '<';
  if (d[2] == '1') d[0] = '|';
  if (npy_item_size(d) == 0) return false;
  *descr = d;
  return true;
}

}  // namespace

size_t npy_item_size(const std::string& descr) {
  static const struct {
    const char* descr;
    size_t size;
  } kKnown[] = {{"|i1", 1}, {"|u1", 1}, {"|b1", 1}, {"<i2", 2}, {"<u2", 2}, {"<f2", 2}, {"<i4", 4},
                {"<u4", 4}, {"<f4", 4}, {"<i8", 8}, {"<u8", 8}, {"<f8", 8}};
  for (const auto& k : kKnown)
    if (descr == k.descr) return k.size;
  return 0;
}

std::string shape_text(const std::vector<int64_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

bool read_npy(const std::string& path, NpyArray* array, std::string* error) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) {
    *error = "cannot open: " + std::string(std::strerror(errno));
    return false;
  }
  std::vector<uint8_t> bytes;
  uint8_t chunk[1 << 16];
  size_t n;
  while ((n = std::fread(chunk, 1, sizeof chunk, f)) > 0) bytes.insert(bytes.end(), chunk, chunk + n);
  const bool read_error = std::ferror(f) != 0;
  std::fclose(f);
  if (read_error) {
    *error = "read error";
    return false;
  }
  if (bytes.size() < 10 || std::memcmp(bytes.data(), kMagic, kMagicSize) != 0) {
    *error = "not a .npy file (no \\x93NUMPY magic)";
    return false;
  }
  const int major = bytes[6];
  size_t header_size = 0, header_at = 0;
  if (major == 1) {
    header_size = bytes[8] | size_t(bytes[9]) << 8;
    header_at = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12) {
      *error = "truncated header";
      return false;
    }
    header_size = bytes[8] | size_t(bytes[9]) << 8 | size_t(bytes[10]) << 16 | size_t(bytes[11]) << 24;
    header_at = 12;
  } else {
    *error = "format version " + std::to_string(major) + " (1 to 3 are read)";
    return false;
  }
  if (header_at + header_size > bytes.size()) {
    *error = "truncated header";
    return false;
  }
  const std::string header(reinterpret_cast<const char*>(bytes.data() + header_at), header_size);
  bool fortran_order = false;
  std::string descr;
  if (!HeaderParser(header).parse(&descr, &fortran_order, &array->shape, error)) return false;
  const std::string written = descr;
  if (!normalize_descr(&descr)) {
    *error = "dtype '" + written + "' not read (int8, uint8, bool, int16, uint16, float16, int32, uint32, float32, "
             "int64, uint64, float64, little-endian)";
    return false;
  }
  size_t count = 1;
  size_t non_unit = 0;
  for (const int64_t d : array->shape) {
    if (d != 0 && count > std::numeric_limits<size_t>::max() / size_t(d)) {
      *error = "shape " + shape_text(array->shape) + " too large";
      return false;
    }
    count *= size_t(d);
    non_unit += d > 1;
  }
  // Fortran order only differs from C order when two dimensions exceed one.
  if (fortran_order && non_unit > 1) {
    *error = "Fortran-order array; save it in C order (numpy.ascontiguousarray)";
    return false;
  }
  const size_t data_at = header_at + header_size;
  const size_t item = npy_item_size(descr);
  if (count > (bytes.size() - data_at) / item) {
    *error = "shape " + shape_text(array->shape) + " needs " + std::to_string(count * item) +
             " data bytes, the file has " + std::to_string(bytes.size() - data_at);
    return false;
  }
  array->descr = descr;
  array->data.assign(bytes.begin() + long(data_at), bytes.begin() + long(data_at + count * item));
  return true;
}

bool write_npy(const std::string& path, const NpyArray& array, std::string* error) {
  std::string shape = "(";
  for (size_t i = 0; i < array.shape.size(); ++i) shape += (i ? ", " : "") + std::to_string(array.shape[i]);
  if (array.shape.size() == 1) shape += ",";  // Python's one-element tuple
  shape += ")";
  std::string header = "{'descr': '" + array.descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
  // NumPy pads the header with spaces and a newline so that the data starts
  // at a multiple of 64 bytes.
  const size_t unpadded = 10 + header.size() + 1;
  header += std::string((64 - unpadded % 64) % 64, ' ') + "\n";
  std::string prefix(kMagic, kMagicSize);
  prefix += char(1);
  prefix += char(0);
  prefix += char(header.size() & 0xff);
  prefix += char(header.size() >> 8 & 0xff);
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) {
    *error = "cannot create: " + std::string(std::strerror(errno));
    return false;
  }
  bool ok = std::fwrite(prefix.data(), 1, prefix.size(), f) == prefix.size() &&
            std::fwrite(header.data(), 1, header.size(), f) == header.size() &&
            (array.data.empty() || std::fwrite(array.data.data(), 1, array.data.size(), f) == array.data.size());
  ok = std::fclose(f) == 0 && ok;
  if (!ok) *error = "write error";
  return ok;
}

}  // namespace tflm_runner
