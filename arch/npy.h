// NumPy .npy files (format version 1.0/2.0, C order) for model inputs and
// outputs. Written here because Debian packages no C++ .npy library; the
// format is a short magic, a Python-dict header and the raw array.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace kiln {

struct NpyArray {
  std::string dtype;             // "|i1" (int8), "|u1" (uint8), "<i4" (int32), "<i8" (int64), "<f4" (float32)
  std::vector<int64_t> shape;
  std::vector<uint8_t> data;     // raw little-endian elements
};

// Throws kiln::Error naming the file and what is wrong (not .npy, Fortran
// order, unsupported dtype, size mismatch).
NpyArray read_npy(const std::string& path);
void write_npy(const std::string& path, const NpyArray& array);  // atomic

}  // namespace kiln
