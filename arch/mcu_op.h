// The MCU kernels as the command stream names them (McuOpCmd, arch/command.h):
// each kernel's id and name and each of its 32-bit arguments in encoding
// order with its name, its type and its meaning. This is the contract the
// binary and text forms, the command checks and the SoC cost table's keys
// read. arch describes what a kernel spec is and keeps the catalogue; it names
// no kernel: each kernel's spec is written once, in its entry of the kernel
// table (a file in kernels/table/), beside the binding to the kernels/
// function whose TFLite int8 reference semantics it has, and each entry
// registers its spec when the program starts.
//
// Operands (tensors, per-channel arrays) are passed by absolute SoC address;
// signed values are two's complement in the 32-bit word; arrays in memory are
// little-endian.
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <string>
#include <vector>

namespace kiln {

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
  uint16_t id;  // in the command's kernel field; never reused
  const char* name;          // as in the text form and the SoC cost table
  std::vector<McuArg> args;  // in encoding order
  // A kernel whose cost an SoC's cost table may leave out: it is then priced
  // as this kernel (nullptr: every cost table must name it).
  const char* priced_as = nullptr;
};

// The element type of the kernel's first Write operand (None: it writes none).
inline McuElement written_element(const McuKernelSpec& spec) {
  for (const McuArg& a : spec.args)
    if (a.type == McuArgType::Write) return a.element;
  return McuElement::None;
}

// Adds `spec` to the catalogue and returns the catalogue's copy, which lives
// as long as the program. Throws kiln::Error "internal: ..." for an id or name
// already registered, or for two arguments of one name (the text form names them).
const McuKernelSpec& register_mcu_kernel(McuKernelSpec spec);
// Every registered kernel, in id order. Throws kiln::Error "internal: ..."
// when none is (a program built without kiln_kernels).
const std::list<McuKernelSpec>& mcu_kernels();
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
