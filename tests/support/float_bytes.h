// Floats as the little-endian bytes of an ONNX raw_data or a float tensor's buffer.
#pragma once

#include <cstdint>
#include <cstring>
#include <vector>

namespace kiln::test {

inline std::vector<uint8_t> float_bytes(const std::vector<float>& xs) {
  std::vector<uint8_t> b;
  for (float x : xs) {
    uint32_t u;
    std::memcpy(&u, &x, 4);
    for (int k = 0; k < 4; ++k) b.push_back(uint8_t(u >> (8 * k)));
  }
  return b;
}

}  // namespace kiln::test
