#include "kernels/table/resize_view.h"

#include "kernels/table/entry.h"

namespace kiln::kernels::table {

ResizeView resize_view(const char* kernel, const McuOpView& op, bool one_image) {
  op.expect_tensors(1, 1);
  op.expect_same_quantization(0, 0);
  const std::vector<int64_t>& in = op.inputs[0].shape;
  const std::vector<int64_t>& out = op.outputs[0].shape;
  if (in.size() != 4 || out.size() != 4 || in[0] != out[0] || in[3] != out[3] || (one_image && in[0] != 1))
    check::fail(kernel, "shape",
                fmt::format("input {} and output {}: expected {} in and out with the same channels", dims_string(in),
                            dims_string(out), one_image ? "one NHWC image" : "NHWC images"));
  const std::vector<int32_t> i = dims32(kernel, "shape", in), o = dims32(kernel, "shape", out);
  return {i[0], i[1], i[2], i[3], o[1], o[2], int(op.attr_or("align_corners", 0)),
          int(op.attr_or("half_pixel_centers", 0))};
}

}  // namespace kiln::kernels::table
