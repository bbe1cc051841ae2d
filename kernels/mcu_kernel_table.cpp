#include "kernels/mcu_kernel_table.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

namespace kiln::kernels {

namespace {

// `spec`, registered once its non-operand arguments are known to be bound by `fields` parameters.
const McuKernelSpec& register_bound(McuKernelSpec spec, size_t fields) {
  size_t values = 0;
  for (const McuArg& a : spec.args) values += a.is_operand() ? 0 : 1;
  if (fields != values)
    throw Error(fmt::format("internal: MCU kernel {}: {} fields bound for {} non-operand arguments", spec.name, fields,
                            values));
  return register_mcu_kernel(std::move(spec));
}

}  // namespace

McuKernelBinding::McuKernelBinding(McuKernelSpec spec, size_t fields)
    : spec_(&register_bound(std::move(spec), fields)) {}

int64_t decode_mcu_value(const McuKernelSpec& spec, const McuArg& arg, uint32_t value) {
  if (arg.type == McuArgType::Int) return int32_t(value);
  if (value > uint32_t(std::numeric_limits<int32_t>::max()))
    throw Error(fmt::format("{}: {}: {} is too large", spec.name, arg.name, value));
  return value;
}

McuKernel conv2d_kernel(const Conv2dParams& p) {
  // Fewer than 4 channels leave a 4-lane int8 SIMD word over channels
  // unfilled (CMSIS-NN's fast paths need in_c a multiple of 4).
  if (p.in_c < 4) return McuKernel::Conv2dShallow;
  // CMSIS-NN's arm_convolve_1x1_s8_fast: no im2col.
  if (p.kh == 1 && p.kw == 1 && p.stride_h == 1 && p.stride_w == 1 && p.pad_top == 0 && p.pad_left == 0)
    return McuKernel::Conv2d1x1;
  return McuKernel::Conv2d;
}

namespace {
// Built on first use, so that the entries' static initializers may register into it.
std::vector<std::unique_ptr<McuKernelBinding>>& bindings() {
  static std::vector<std::unique_ptr<McuKernelBinding>> table;
  return table;
}
}  // namespace

const McuKernelBinding& register_mcu_binding(std::unique_ptr<McuKernelBinding> binding) {
  std::vector<std::unique_ptr<McuKernelBinding>>& t = bindings();
  const uint16_t id = binding->spec().id;  // unique: the catalogue refused a second one
  const auto at = std::lower_bound(t.begin(), t.end(), id, [](const auto& b, uint16_t k) { return b->spec().id < k; });
  return **t.insert(at, std::move(binding));
}

const std::vector<std::unique_ptr<McuKernelBinding>>& mcu_kernel_table() { return bindings(); }

const McuKernelBinding* find_mcu_binding(uint16_t id) {
  for (const auto& b : mcu_kernel_table())
    if (b->spec().id == id) return b.get();
  return nullptr;
}

std::pair<const McuKernelBinding*, const McuOperatorForm*> find_operator_kernel(const std::string& format,
                                                                                const std::string& op) {
  for (const auto& b : mcu_kernel_table())
    for (const McuOperatorForm& f : b->operator_forms())
      if (format == f.format && op == f.name) return {b.get(), &f};
  return {nullptr, nullptr};
}

const McuKernelBinding* find_mcu_binding(const std::string& name) {
  for (const auto& b : mcu_kernel_table())
    if (name == b->spec().name) return b.get();
  return nullptr;
}

}  // namespace kiln::kernels
