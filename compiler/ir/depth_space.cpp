#include "compiler/ir/depth_space.h"

#include <fmt/format.h>

namespace kiln::ir {

Shape depth_space_shape(const Shape& in, int32_t block, DepthSpace kind, std::string* why) {
  if (in.size() != 4) {
    *why = fmt::format("input shape {} must be rank 4 (NHWC)", shape_string(in));
    return {};
  }
  if (block < 1 || block > 4096) {
    *why = fmt::format("block size {} unsupported; supported: 1 to 4096", block);
    return {};
  }
  const int64_t bb = int64_t(block) * block;
  if (kind == DepthSpace::SpaceToDepth) {
    if (in[1] % block != 0 || in[2] % block != 0 || int64_t(in[3]) * bb > (int64_t(1) << 30)) {
      *why = fmt::format("height {} and width {} must be multiples of the block size {}", in[1], in[2], block);
      return {};
    }
    return {in[0], in[1] / block, in[2] / block, int32_t(in[3] * bb)};
  }
  if (in[3] % bb != 0 || int64_t(in[1]) * block > (int64_t(1) << 30) || int64_t(in[2]) * block > (int64_t(1) << 30)) {
    *why = fmt::format("channels {} must be a multiple of the block size {} squared", in[3], block);
    return {};
  }
  return {in[0], in[1] * block, in[2] * block, int32_t(in[3] / bb)};
}

void append_depth_space(Graph& g, const Op& like, int in, int out, int32_t block, DepthSpace kind) {
  const Shape is = g.tensors[size_t(in)].shape, os = g.tensors[size_t(out)].shape;
  const int32_t n = is[0], b = block;
  // The rank-6 views: depth to space splits the input's channels into
  // (i, j, c) or, in CRD order, (c, i, j), and the transpose lays them out
  // as (h, i, w, j, c); space to depth splits height and width into (h, i)
  // and (w, j) and lays them out as (h, w, i, j, c).
  Shape split, moved;
  std::vector<int32_t> perm;
  switch (kind) {
    case DepthSpace::DepthToSpace:
      split = {n, is[1], is[2], b, b, os[3]};
      perm = {0, 1, 3, 2, 4, 5};
      break;
    case DepthSpace::DepthToSpaceCrd:
      split = {n, is[1], is[2], os[3], b, b};
      perm = {0, 1, 4, 2, 5, 3};
      break;
    case DepthSpace::SpaceToDepth:
      split = {n, os[1], b, os[2], b, is[3]};
      perm = {0, 1, 3, 2, 4, 5};
      break;
  }
  for (int32_t p : perm) moved.push_back(split[size_t(p)]);
  auto view = [&](const Shape& shape, const char* suffix) {
    Tensor t = g.tensors[size_t(out)];  // its type and quantization
    t.name = g.tensors[size_t(out)].name + suffix;
    t.shape = shape;
    return g.add_tensor(std::move(t));
  };
  const int split_id = view(split, "/blocks"), moved_id = view(moved, "/moved");
  Op reshape = like;
  reshape.kind = OpKind::Reshape;
  reshape.inputs = {in};
  reshape.outputs = {split_id};
  Op transpose = like;
  transpose.kind = OpKind::Kernel;
  transpose.kernel = "transpose";
  transpose.inputs = {split_id};
  transpose.outputs = {moved_id};
  transpose.attrs = {{"perm", {perm.begin(), perm.end()}}};
  Op back = like;
  back.kind = OpKind::Reshape;
  back.inputs = {moved_id};
  back.outputs = {out};
  g.ops.push_back(std::move(reshape));
  g.ops.push_back(std::move(transpose));
  g.ops.push_back(std::move(back));
}

}  // namespace kiln::ir
