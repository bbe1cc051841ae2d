#include "kernels/space_batch.h"

#include <cstring>

#include <fmt/format.h>

#include "kernels/check.h"

namespace kiln::kernels {

void validate(const SpaceBatchParams& p, bool to_batch) {
  const char* op = to_batch ? "space_to_batch" : "batch_to_space";
  check::dim(op, "batch", p.batch);
  check::dim(op, "in_h", p.in_h);
  check::dim(op, "in_w", p.in_w);
  check::dim(op, "c", p.c);
  check::dim(op, "block_h", p.block_h);
  check::dim(op, "block_w", p.block_w);
  check::dim(op, "out_batch", p.out_batch);
  check::dim(op, "out_h", p.out_h);
  check::dim(op, "out_w", p.out_w);
  check::elements(op, "input", p.in_elements());
  check::elements(op, "output", p.out_elements());
  const int64_t blocks = int64_t(p.block_h) * p.block_w;
  if (to_batch ? int64_t(p.out_batch) != int64_t(p.batch) * blocks : int64_t(p.batch) != int64_t(p.out_batch) * blocks)
    check::fail(op, "out_batch", fmt::format("{} batches for {} input batches in blocks of {}x{}", p.out_batch,
                                             p.batch, p.block_h, p.block_w));
  if (to_batch) {
    // The padded image is the output's blocks: the input and the top and left padding inside it.
    check::range(op, "top", p.top, 0, int64_t(p.out_h) * p.block_h - p.in_h);
    check::range(op, "left", p.left, 0, int64_t(p.out_w) * p.block_w - p.in_w);
    check::zero_point(op, "pad_value", p.pad_value);
  } else {
    // The output is the reassembled image less the rows and columns cropped.
    check::range(op, "top", p.top, 0, int64_t(p.in_h) * p.block_h - p.out_h);
    check::range(op, "left", p.left, 0, int64_t(p.in_w) * p.block_w - p.out_w);
  }
}

void space_to_batch(const SpaceBatchParams& p, const int8_t* in, int8_t* out) {
  const size_t depth = size_t(p.c);
  for (int ob = 0; ob < p.out_batch; ++ob) {
    const int b = ob % p.batch;
    const int shift_w = (ob / p.batch) % p.block_w;
    const int shift_h = (ob / p.batch) / p.block_w;
    for (int oy = 0; oy < p.out_h; ++oy)
      for (int ox = 0; ox < p.out_w; ++ox) {
        int8_t* o = out + ((int64_t(ob) * p.out_h + oy) * p.out_w + ox) * p.c;
        const int y = oy * p.block_h + shift_h - p.top;
        const int x = ox * p.block_w + shift_w - p.left;
        if (y < 0 || y >= p.in_h || x < 0 || x >= p.in_w)
          std::memset(o, p.pad_value, depth);
        else
          std::memcpy(o, in + ((int64_t(b) * p.in_h + y) * p.in_w + x) * p.c, depth);
      }
  }
}

void batch_to_space(const SpaceBatchParams& p, const int8_t* in, int8_t* out) {
  const size_t depth = size_t(p.c);
  for (int ib = 0; ib < p.batch; ++ib) {
    const int ob = ib % p.out_batch;
    const int offset = ib / p.out_batch;
    for (int iy = 0; iy < p.in_h; ++iy) {
      const int y = iy * p.block_h + offset / p.block_w - p.top;
      if (y < 0 || y >= p.out_h) continue;
      for (int ix = 0; ix < p.in_w; ++ix) {
        const int x = ix * p.block_w + offset % p.block_w - p.left;
        if (x < 0 || x >= p.out_w) continue;
        std::memcpy(out + ((int64_t(ob) * p.out_h + y) * p.out_w + x) * p.c,
                    in + ((int64_t(ib) * p.in_h + iy) * p.in_w + ix) * p.c, depth);
      }
    }
  }
}

}  // namespace kiln::kernels
