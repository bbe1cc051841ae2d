#include "kernels/copy.h"

#include <cstring>

#include "kernels/check.h"

namespace kiln::kernels {

void copy(int64_t bytes, const void* src, void* dst) {
  check::range("copy", "bytes", bytes, 0, check::kMaxElements);
  if (bytes) std::memmove(dst, src, size_t(bytes));
}

void validate(const CopyParams& p) {
  if (p.bytes == 0) check::fail("copy", "bytes", "must be at least 1");
  check::range("copy", "bytes", p.bytes, 1, check::kMaxElements);
}

}  // namespace kiln::kernels
