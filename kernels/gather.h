// Gathering slices of an int8 tensor by index, TFLite Micro's GATHER
// (gather.cc): along `axis`, output slice k of each batch and outer index is
// input slice indices[batch][k], whole `inner` runs of bytes moved as they
// are, whatever the quantization, as TFLite Micro moves them. With batch_dims
// > 0 the first dimensions pair input and indices one to one (`batch`).
#pragma once

#include <cstdint>

namespace kiln::kernels {

struct GatherParams {
  int batch = 1;      // product of the input's first batch_dims dimensions
  int outer = 1;      // product of the dimensions between them and the axis
  int axis_size = 1;  // the input's dimension along the axis
  int inner = 1;      // product of the dimensions after the axis
  int count = 1;      // indices per batch

  int64_t in_elements() const { return int64_t(batch) * outer * axis_size * inner; }
  int64_t index_elements() const { return int64_t(batch) * count; }
  int64_t out_elements() const { return int64_t(batch) * outer * count * inner; }
};

// Every size in [1, 2^24] (count may be 1 for a scalar index), at most
// 2^31 - 1 elements each. Throws kiln::Error "gather: <param>: ...".
void validate(const GatherParams& p);

// Throws kiln::Error "gather: indices: ..." for an index outside
// [0, axis_size), as TFLite Micro refuses one, before writing anything.
void check_indices(const GatherParams& p, const int32_t* indices);

void gather(const GatherParams& p, const int8_t* in, const int32_t* indices, int8_t* out);

}  // namespace kiln::kernels
