#include "kernels/gather.h"

#include <cstring>

#include <fmt/format.h>

#include "kernels/check.h"

namespace kiln::kernels {

void validate(const GatherParams& p) {
  check::dim("gather", "batch", p.batch);
  check::dim("gather", "outer", p.outer);
  check::dim("gather", "axis_size", p.axis_size);
  check::dim("gather", "inner", p.inner);
  check::dim("gather", "count", p.count);
  check::elements("gather", "input", p.in_elements());
  check::elements("gather", "indices", p.index_elements());
  check::elements("gather", "output", p.out_elements());
}

void check_indices(const GatherParams& p, const int32_t* indices) {
  for (int64_t k = 0; k < p.index_elements(); ++k)
    if (indices[k] < 0 || indices[k] >= p.axis_size)
      check::fail("gather", "indices",
                  fmt::format("index {} at position {} is outside [0, {})", indices[k], k, p.axis_size));
}

void gather(const GatherParams& p, const int8_t* in, const int32_t* indices, int8_t* out) {
  check_indices(p, indices);
  const size_t run = size_t(p.inner);
  for (int64_t b = 0; b < p.batch; ++b)
    for (int64_t o = 0; o < p.outer; ++o)
      for (int64_t k = 0; k < p.count; ++k)
        std::memcpy(out + ((b * p.outer + o) * p.count + k) * p.inner,
                    in + ((b * p.outer + o) * p.axis_size + indices[b * p.count + k]) * p.inner, run);
}

}  // namespace kiln::kernels
