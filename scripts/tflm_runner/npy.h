// NumPy .npy files (format versions 1.0 to 3.0, C order, little-endian) for
// tflm_multi_run's inputs and outputs.
//
// Written here rather than taken from elsewhere: Debian packages no C++ .npy
// library, and kiln's own (arch/npy.cpp) reports errors by throwing
// kiln::Error and needs fmt and the rest of arch/, while this program is
// built with TensorFlow Lite Micro's flags, -fno-exceptions among them.
// Errors are therefore returned as text.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace tflm_runner {

struct NpyArray {
  std::string descr;           // normalized: "|i1", "|u1", "|b1", "<i2", "<f4", ...
  std::vector<int64_t> shape;  // empty for a scalar
  std::vector<uint8_t> data;   // the elements, C order, little-endian
};

// Bytes per element of a normalized descr; 0 for one this program does not know.
size_t npy_item_size(const std::string& descr);

// Reads `path`. On failure returns false and sets *error to what is wrong
// (not a .npy file, Fortran order, big-endian or unknown dtype, too short).
bool read_npy(const std::string& path, NpyArray* array, std::string* error);

// Writes `array` as a version 1.0 file. On failure returns false and sets *error.
bool write_npy(const std::string& path, const NpyArray& array, std::string* error);

// "[1, 6, 6, 8]"; "[]" for a scalar.
std::string shape_text(const std::vector<int64_t>& shape);

}  // namespace tflm_runner
