#include "tools/npy.h"

#include <fstream>
#include <iterator>

// GCC 12 at -O2 with the sanitizers warns inside libstdc++'s <regex>
// (std::function in _State "may be used uninitialized"): a known false
// positive in the library, not in this file.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <regex>

#include <fmt/format.h>

#include "arch/error.h"
#include "arch/profile.h"

namespace kiln::tools {
namespace {

size_t dtype_size(const std::string& path, const std::string& dtype) {
  if (dtype == "|i1" || dtype == "|u1" || dtype == "<i1" || dtype == "<u1") return 1;
  if (dtype == "<i4") return 4;
  throw Error(fmt::format("{}: dtype '{}' not supported; expected int8 ('|i1'), uint8 ('|u1') or int32 ('<i4')", path,
                          dtype));
}

}  // namespace

NpyArray read_npy(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path + ": cannot open");
  const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // Unsigned: 0x93 as a (signed) char would never equal the byte 0x93.
  static const uint8_t magic[] = {0x93, 'N', 'U', 'M', 'P', 'Y'};
  if (bytes.size() < 10 || !std::equal(magic, magic + 6, bytes.begin()))
    throw Error(path + ": not a NumPy .npy file (bad magic)");
  const uint8_t major = bytes[6];
  size_t header_len = 0, header_at = 0;
  if (major == 1) {
    header_len = bytes[8] | (size_t(bytes[9]) << 8);
    header_at = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12) throw Error(path + ": truncated .npy header");
    header_len = bytes[8] | (size_t(bytes[9]) << 8) | (size_t(bytes[10]) << 16) | (size_t(bytes[11]) << 24);
    header_at = 12;
  } else {
    throw Error(fmt::format("{}: .npy format version {} not supported", path, major));
  }
  if (header_at + header_len > bytes.size()) throw Error(path + ": truncated .npy header");
  const std::string header(bytes.begin() + long(header_at), bytes.begin() + long(header_at + header_len));
  std::smatch m;
  NpyArray a;
  if (!std::regex_search(header, m, std::regex("'descr':\\s*'([^']*)'")))
    throw Error(path + ": .npy header has no 'descr'");
  a.dtype = m[1];
  if (std::regex_search(header, m, std::regex("'fortran_order':\\s*True")))
    throw Error(path + ": Fortran-order arrays are not supported; save with C order");
  if (!std::regex_search(header, m, std::regex("'shape':\\s*\\(([^)]*)\\)")))
    throw Error(path + ": .npy header has no 'shape'");
  const std::string dims = m[1];
  const std::regex num("\\d+");
  for (auto it = std::sregex_iterator(dims.begin(), dims.end(), num); it != std::sregex_iterator(); ++it)
    a.shape.push_back(std::stoll(it->str()));
  size_t count = 1;
  for (int64_t d : a.shape) count *= size_t(d);
  const size_t need = count * dtype_size(path, a.dtype);
  const size_t have = bytes.size() - header_at - header_len;
  if (have != need) throw Error(fmt::format("{}: data has {} bytes, the shape and dtype need {}", path, have, need));
  a.data.assign(bytes.begin() + long(header_at + header_len), bytes.end());
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

}  // namespace kiln::tools
