// The MCU's fallback kernels as they appear in the command stream (McuOpCmd):
// each kernel's name, id and the names of its 32-bit arguments, in order.
// The semantics of each kernel are those of the kernels/ function of the same
// name (TFLite int8 reference semantics); kernels/mcu_dispatch.cpp maps these
// arguments onto those functions. Addresses are absolute SoC addresses.
// Per-channel arrays (bias int32, multiplier int32, shift int32) live in
// memory and are passed by address. Signed values are two's complement.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace kiln {

enum class McuKernel : uint16_t {
  Copy = 1,
  Add = 2,
  Conv2d = 3,
  DepthwiseConv2d = 4,
  FullyConnected = 5,
  AvgPool = 6,
  MaxPool = 7,
  Mean = 8,
  Softmax = 9,
  Pad = 10,
  Concat2 = 11,
  Requantize = 12,
};

struct McuKernelSpec {
  McuKernel id;
  const char* name;               // as in the text form and the SoC cost table
  std::vector<const char*> args;  // argument names, in encoding order
};

// The table of all kernels (defined in mcu_op.cpp).
const std::vector<McuKernelSpec>& mcu_kernels();
const McuKernelSpec* find_mcu_kernel(uint16_t id);
const McuKernelSpec* find_mcu_kernel(const std::string& name);

}  // namespace kiln
