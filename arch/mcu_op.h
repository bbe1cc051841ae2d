// The MCU kernels as the command stream names them (McuOpCmd, arch/command.h):
// each kernel's id and name and, once, each of its 32-bit arguments in
// encoding order with its name, its type and its meaning. This is the
// contract: the binary and text forms, the SoC cost table's keys and the
// kernel binding (kernels/mcu_kernel_table.h, which maps the arguments onto a
// kernels/ function's parameters) all read it. The semantics of each kernel
// are those of the kernels/ function of the same name (TFLite int8 reference
// semantics).
//
// Operands (tensors, per-channel arrays) are passed by absolute SoC address;
// signed values are two's complement in the 32-bit word; arrays in memory are
// little-endian.
#pragma once

#include <cstddef>
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
  // conv2d on the shapes optimized libraries run on their own code paths:
  // the same arguments and arithmetic as conv2d, priced apart (an SoC's cost
  // table without an entry prices them as conv2d). Codegen picks them
  // (kernels::conv2d_kernel).
  Conv2d1x1 = 13,      // pointwise: 1x1 kernel, stride 1, no padding, in_c >= 4
  Conv2dShallow = 14,  // fewer than 4 input channels (an image's RGB, a spectrogram)
  Quantize = 15,    // float32 -> int8 at a float graph input
  Dequantize = 16,  // int8 -> float32 at a float graph output
  Maximum = 17,     // element-wise max of two int8 tensors (TFLite MAXIMUM)
  Minimum = 18,     // element-wise min of two int8 tensors (TFLite MINIMUM)
  Lut = 25,         // a unary int8 function as a 256-entry table (kernels/lut.h)
  Sub = 26,         // element-wise int8 subtraction, rescaled as add (TFLite SUB)
  Mul = 27,         // element-wise int8 multiplication (TFLite MUL)
  Transpose = 28,   // a permutation of an int8 tensor's dimensions (TFLite TRANSPOSE)
  Slice = 29,       // a strided slice of an int8 tensor (TFLite SLICE, STRIDED_SLICE, SPLIT)
  ResizeNearest = 30,  // nearest-neighbour resize of an NHWC int8 image (TFLite RESIZE_NEAREST_NEIGHBOR)
  MirrorPad = 31,      // padding that mirrors an int8 tensor at its edges (TFLite MIRROR_PAD)
  ResizeBilinear = 32, // bilinear resize of NHWC int8 images (TFLite RESIZE_BILINEAR)
  Prelu = 33,          // parametric ReLU with a learned slope (TFLite PRELU)
  SquaredDifference = 34,  // (a - b)^2 of two int8 tensors (TFLite SQUARED_DIFFERENCE)
};

// What one argument is.
enum class McuArgType : uint8_t {
  Read,    // the address of an operand the kernel reads
  Write,   // the address of an operand the kernel writes
  Extent,  // a count or dimension: an unsigned value below 2^31
  Int,     // a signed value: zero point, multiplier, shift, clamp bound
};

// Element type of an operand passed by address.
// Float32 operands are IEEE-754 binary32, little-endian, as bytes.
enum class McuElement : uint8_t { None, Int8, Int32, Float32 };

inline size_t mcu_element_bytes(McuElement e) {
  return e == McuElement::Int32 || e == McuElement::Float32 ? 4 : e == McuElement::Int8 ? 1 : 0;
}

// An optional operand whose address is kMcuNoAddress is absent (0 cannot mean
// that: flash starts at 0).
constexpr uint32_t kMcuNoAddress = 0xFFFFFFFFu;

struct McuArg {
  const char* name;
  McuArgType type;
  McuElement element;  // operands only
  bool optional;       // operands only: kMcuNoAddress means absent
  const char* meaning;

  bool is_operand() const { return type == McuArgType::Read || type == McuArgType::Write; }
};

struct McuKernelSpec {
  McuKernel id;
  const char* name;          // as in the text form and the SoC cost table
  std::vector<McuArg> args;  // in encoding order
  // A kernel whose cost an SoC's cost table may leave out: it is then priced
  // as this kernel (nullptr: every cost table must name it).
  const char* priced_as = nullptr;
};

// The table of all kernels (defined in mcu_op.cpp).
const std::vector<McuKernelSpec>& mcu_kernels();
const McuKernelSpec* find_mcu_kernel(uint16_t id);
const McuKernelSpec* find_mcu_kernel(const std::string& name);

// The cost table entry that prices `kernel`: its own, else (for a kernel with
// priced_as) that kernel's; nullptr when neither is in `costs`.
template <class CostMap>
const typename CostMap::mapped_type* find_mcu_cost(const CostMap& costs, const std::string& kernel) {
  auto it = costs.find(kernel);
  if (it == costs.end())
    if (const McuKernelSpec* spec = find_mcu_kernel(kernel); spec && spec->priced_as) it = costs.find(spec->priced_as);
  return it == costs.end() ? nullptr : &it->second;
}

}  // namespace kiln
