// A version 1.0 .npy written byte by byte, as NumPy's format document lays it
// out (magic \x93NUMPY, version, header length, dict padded to 64 bytes):
// test inputs made without kiln's own .npy writer.
#pragma once

#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

namespace kiln::test {

inline void write_npy_by_hand(const std::string& path, const std::string& descr, const std::string& shape,
                              const std::vector<uint8_t>& data) {
  std::string header = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
  while ((10 + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  std::ofstream out(path, std::ios::binary);
  out << "\x93NUMPY" << char(1) << char(0) << char(header.size() & 0xff) << char(header.size() >> 8) << header;
  out.write(reinterpret_cast<const char*>(data.data()), std::streamsize(data.size()));
}

}  // namespace kiln::test
