// Byte copy (RESHAPE, and moves the compiler's memory plan needs). Source and
// destination may overlap.
#pragma once

#include <cstdint>

namespace kiln::kernels {

// Throws kiln::Error "copy: bytes: ..." for a count beyond the tensor limit.
void copy(int64_t bytes, const void* src, void* dst);

// The copy as an MCU kernel: one call moves `bytes` (at least 1).
struct CopyParams {
  int64_t bytes = 0;
};

// Throws kiln::Error "copy: bytes: ...".
void validate(const CopyParams& p);

}  // namespace kiln::kernels
