// Moving blocks of an NHWC int8 image between space and batch, TFLite Micro's
// SPACE_TO_BATCH_ND and BATCH_TO_SPACE_ND (reference_ops::SpaceToBatchND,
// BatchToSpaceND), the pair a converter puts around a convolution to run a
// dilated one as an ordinary one. space_to_batch pads the image (top, left;
// bottom and right follow from the output's size) with `pad_value`, the
// output zero point, and splits it into block_h x block_w interleaved images:
// output batch (sy * block_w + sx) * batch + b holds the pixels (y * block_h
// + sy, x * block_w + sx) of input image b. batch_to_space is its inverse,
// with `top`, `left` the rows and columns cropped. Stored values move as they
// are, whatever the quantization, as TFLite Micro moves them. A rank-3 NHC
// tensor is an NH1C image with block_w 1.
#pragma once

#include <cstdint>

namespace kiln::kernels {

struct SpaceBatchParams {
  int batch = 1, in_h = 1, in_w = 1, c = 1;  // the input
  int block_h = 1, block_w = 1;
  int top = 0, left = 0;                      // padding (space_to_batch) or crop (batch_to_space)
  int out_batch = 1, out_h = 1, out_w = 1;    // the output (channels: c)
  int pad_value = 0;                          // space_to_batch: the int8 written into the padding

  int64_t in_elements() const { return int64_t(batch) * in_h * in_w * c; }
  int64_t out_elements() const { return int64_t(out_batch) * out_h * out_w * c; }
};

// Dimensions in [1, 2^24], the blocks' batches consistent (space_to_batch:
// out_batch = batch * block_h * block_w; batch_to_space the reverse), the
// padding or crop inside one block's reach, pad_value an int8. Throws
// kiln::Error "space_to_batch: <param>: ..." (to_batch) or
// "batch_to_space: <param>: ...".
void validate(const SpaceBatchParams& p, bool to_batch);
// A kernel's name is not the direction (it would convert to true).
void validate(const SpaceBatchParams& p, const char* op) = delete;

void space_to_batch(const SpaceBatchParams& p, const int8_t* in, int8_t* out);
void batch_to_space(const SpaceBatchParams& p, const int8_t* in, int8_t* out);

}  // namespace kiln::kernels
