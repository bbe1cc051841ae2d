#include "arch/mcu_op.h"

#include <fmt/format.h>

#include "arch/error.h"

namespace kiln {

namespace {

// Built on first use, so that a static initializer may register into it.
// A list kept in id order: references stay valid as kernels register in
// any order (the static initialization order of the entries' files).
std::list<McuKernelSpec>& catalogue() {
  static std::list<McuKernelSpec> specs;
  return specs;
}

}  // namespace

const McuKernelSpec& register_mcu_kernel(McuKernelSpec spec) {
  if (spec.id == 0) throw Error(fmt::format("internal: MCU kernel {}: id 0 is reserved", spec.name));
  for (const McuKernelSpec& k : catalogue())
    if (k.id == spec.id || std::string_view(k.name) == spec.name)
      throw Error(fmt::format("internal: MCU kernel {} (id {}) registered twice: {} has id {}", spec.name, spec.id,
                              k.name, k.id));
  for (size_t i = 0; i < spec.args.size(); ++i)
    for (size_t j = 0; j < i; ++j)
      if (std::string_view(spec.args[i].name) == spec.args[j].name)
        throw Error(fmt::format("internal: MCU kernel {}: two arguments named {}", spec.name, spec.args[i].name));
  auto at = catalogue().begin();
  while (at != catalogue().end() && at->id < spec.id) ++at;
  return *catalogue().insert(at, std::move(spec));
}

const std::list<McuKernelSpec>& mcu_kernels() {
  if (catalogue().empty())
    throw Error("internal: no MCU kernel is registered: this program is not linked with the kernel table (kiln_kernels)");
  return catalogue();
}

const McuKernelSpec* find_mcu_kernel(uint16_t id) {
  for (const auto& k : mcu_kernels())
    if (k.id == id) return &k;
  return nullptr;
}

const McuKernelSpec* find_mcu_kernel(const std::string& name) {
  for (const auto& k : mcu_kernels())
    if (name == k.name) return &k;
  return nullptr;
}

}  // namespace kiln
