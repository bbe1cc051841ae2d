#include "arch/mcu_op.h"

namespace kiln {

const std::vector<McuKernelSpec>& mcu_kernels() {
  // Argument lists follow the parameters of the TFLite reference kernels.
  static const std::vector<McuKernelSpec> table = {
      {McuKernel::Copy, "copy", {"src", "dst", "bytes"}},
      {McuKernel::Add,
       "add",
       {"in1", "in2", "out", "count", "in1_zp", "in2_zp", "out_zp", "left_shift", "in1_mult", "in1_shift",
        "in2_mult", "in2_shift", "out_mult", "out_shift", "act_min", "act_max"}},
      {McuKernel::Conv2d,
       "conv2d",
       {"in", "weights", "bias", "mult", "shift", "out", "in_h", "in_w", "in_c", "out_h", "out_w", "out_c", "kh",
        "kw", "stride_h", "stride_w", "dil_h", "dil_w", "pad_top", "pad_left", "in_zp", "out_zp", "act_min",
        "act_max"}},
      {McuKernel::DepthwiseConv2d,
       "depthwise_conv2d",
       {"in", "weights", "bias", "mult", "shift", "out", "in_h", "in_w", "in_c", "out_h", "out_w", "depth_mult",
        "kh", "kw", "stride_h", "stride_w", "dil_h", "dil_w", "pad_top", "pad_left", "in_zp", "out_zp", "act_min",
        "act_max"}},
      {McuKernel::FullyConnected,
       "fully_connected",
       {"in", "weights", "bias", "mult", "shift", "out", "batches", "in_features", "out_features", "in_zp",
        "out_zp", "act_min", "act_max"}},
      {McuKernel::AvgPool,
       "avg_pool",
       {"in", "out", "in_h", "in_w", "c", "out_h", "out_w", "kh", "kw", "stride_h", "stride_w", "pad_top",
        "pad_left", "act_min", "act_max"}},
      {McuKernel::MaxPool,
       "max_pool",
       {"in", "out", "in_h", "in_w", "c", "out_h", "out_w", "kh", "kw", "stride_h", "stride_w", "pad_top",
        "pad_left", "act_min", "act_max"}},
      {McuKernel::Mean, "mean", {"in", "out", "h", "w", "c", "in_zp", "out_zp", "mult", "shift"}},
      {McuKernel::Softmax, "softmax", {"in", "out", "rows", "depth", "beta_mult", "beta_shift", "diff_min"}},
      {McuKernel::Pad,
       "pad",
       {"in", "out", "in_h", "in_w", "c", "pad_top", "pad_bottom", "pad_left", "pad_right", "pad_value"}},
      {McuKernel::Concat2,
       "concat2",
       {"in1", "in2", "out", "outer", "in1_inner", "in2_inner"}},
      {McuKernel::Requantize,
       "requantize",
       {"in", "out", "count", "in_zp", "out_zp", "mult", "shift", "act_min", "act_max"}},
  };
  return table;
}

const McuKernelSpec* find_mcu_kernel(uint16_t id) {
  for (const auto& k : mcu_kernels())
    if (static_cast<uint16_t>(k.id) == id) return &k;
  return nullptr;
}

const McuKernelSpec* find_mcu_kernel(const std::string& name) {
  for (const auto& k : mcu_kernels())
    if (name == k.name) return &k;
  return nullptr;
}

}  // namespace kiln
