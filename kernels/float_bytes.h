// Float operands as the SoC's memory holds them: IEEE-754 binary32,
// little-endian bytes, whatever the host's byte order (arch/mcu_op.h).
#pragma once

#include <cstdint>
#include <cstring>

namespace kiln::kernels {

inline float load_f32(const uint8_t* b) {
  const uint32_t u = uint32_t(b[0]) | uint32_t(b[1]) << 8 | uint32_t(b[2]) << 16 | uint32_t(b[3]) << 24;
  float f;
  std::memcpy(&f, &u, sizeof f);
  return f;
}

inline void store_f32(float f, uint8_t* b) {
  uint32_t u;
  std::memcpy(&u, &f, sizeof u);
  b[0] = uint8_t(u), b[1] = uint8_t(u >> 8), b[2] = uint8_t(u >> 16), b[3] = uint8_t(u >> 24);
}

}  // namespace kiln::kernels
