// An operator as an MCU kernel sees it, independent of any graph IR: its
// tensors (shape, element type, quantization, constant contents) and its
// attributes by name. The compiler builds one for an op that names
// its kernel (ir::OpKind::Kernel); the kernel's table entry derives the
// kernel's parameters from it (McuKernelDef<P>::Binding::from_op), so an
// operator the MCU runs needs no case in the compiler's lowering.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "arch/mcu_op.h"

namespace kiln::kernels {

struct McuTensorView {
  std::vector<int64_t> shape;
  McuElement element = McuElement::Int8;
  std::vector<float> scales;         // one, or one per channel; empty when unquantized
  std::vector<int32_t> zero_points;  // as scales
  const void* data = nullptr;        // a constant's contents (little-endian, row-major); nullptr for activations

  int64_t elements() const;
  float scale() const { return scales.empty() ? 0.0f : scales[0]; }
  int32_t zero_point() const { return zero_points.empty() ? 0 : zero_points[0]; }
};

struct McuOpView {
  std::string kernel;  // for messages
  std::vector<McuTensorView> inputs, outputs;
  std::map<std::string, std::vector<int64_t>> attrs;
  std::map<std::string, double> real_attrs;  // real-valued attributes (a slope, a scale)

  // Attribute `name`; throws kiln::Error "<kernel>: attribute '<name>' is missing".
  const std::vector<int64_t>& attr(const std::string& name) const;
  // A one-value attribute, or `fallback` when it is absent.
  int64_t attr_or(const std::string& name, int64_t fallback) const;
  // Real attribute `name`; throws kiln::Error "<kernel>: attribute '<name>' is missing".
  double real_attr(const std::string& name) const;
  // Exactly `inputs` inputs and `outputs` outputs; throws kiln::Error "<kernel>: ..." otherwise.
  void expect_tensors(size_t inputs, size_t outputs) const;
  // Input `i` and output `o` have the same quantization (a kernel that moves
  // stored values); throws kiln::Error "<kernel>: ..." otherwise.
  void expect_same_quantization(size_t i, size_t o) const;
};

// How a model format writes an operator that a kernel runs as it is, so that
// the format's reader reads it with no code of its own: the operator's name
// in the format, the role of each of its inputs, and the scalar options it
// carries. The reader makes an op of the kernel from it (all operand inputs,
// then all outputs, with the attributes below), and the kernel's from_op
// checks the rest, so its errors name the kernel and the reader's the operator.
struct McuOperatorForm {
  // The scalar types an option field may have (TFLite: a field of the
  // operator's options table, fused activations and other enums are Int8).
  enum class Option : uint8_t { Bool, Int8, Int32, Float32 };
  struct OptionField {
    const char* attr;  // the attribute it becomes (Float32: a real attribute)
    int id;            // TFLite: the field's id in the options table (the schema's `id:`)
    Option type;
  };

  const char* format;  // "tflite"
  const char* name;    // the format's name of the operator: "SQUARED_DIFFERENCE"
  // One per input of the operator, in order: nullptr for a tensor the kernel
  // reads (an activation, or a constant the kernel reads as an operand);
  // otherwise the integer attribute that the input, a constant INT32 or
  // INT64 tensor, becomes (an axis, a block shape).
  std::vector<const char*> inputs;
  std::vector<OptionField> options = {};
  // TFLite: the BuiltinOptions union type of the options table (ReducerOptions
  // 27, GatherOptions 23, in TFLite's schema). A table of another type is read
  // as absent, every option its default, as TFLite Micro's parser reads it.
  int options_type = 0;
};

}  // namespace kiln::kernels
