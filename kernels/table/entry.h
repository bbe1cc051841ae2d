// What an entry of the MCU kernel table is written with. The table is one
// file per kernel (or family of kernels sharing a parameter type) in this
// folder; each registers its bindings when the program starts, so adding a
// kernel adds a file here and edits none.
//
// An entry: the kernel's spec (id, name, arguments in encoding order, the
// kernel that prices it where a cost table leaves it out), then its binding
// (McuKernelDef<P>::Binding). `fields` follow the spec's non-operand
// arguments, in order; `elements` and the operand indices of `invoke` follow
// its operand arguments. A new kernel takes the next free id (`kiln kernels`
// lists the ids taken); an id is never reused, so that an existing command
// stream keeps its meaning.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "arch/error.h"
#include "arch/mcu_op.h"
#include "kernels/check.h"
#include "kernels/mcu_kernel_args.h"
#include "kernels/mcu_kernel_table.h"
#include "kernels/mcu_op_view.h"

namespace kiln::kernels::table {

using namespace mcu_args;

inline McuKernelSpec kernel(uint16_t id, const char* name, std::vector<McuArg> args,
                            const char* priced_as = nullptr) {
  return {id, name, std::move(args), priced_as};
}
inline McuKernelSpec kernel(McuKernel id, const char* name, std::vector<McuArg> args,
                            const char* priced_as = nullptr) {
  return kernel(uint16_t(id), name, std::move(args), priced_as);
}

// Registers a kernel whose parameters are a P.
template <class P>
const McuKernelBinding& entry(typename McuKernelDef<P>::Binding b) {
  return register_mcu_binding(std::make_unique<McuKernelDef<P>>(std::move(b)));
}

// Runs an entry file's registrations at static initialization:
// `const Registration kName([] { entry<P>({...}); });`
struct Registration {
  explicit Registration(void (*add)()) { add(); }
};

// The operands of a weighted kernel: in, weights, bias, mult, shift (one per
// output channel each), then out.
std::vector<uint64_t> weighted(uint64_t in, uint64_t weights, uint64_t channels, uint64_t out);

// A view's extents as the int32 the kernels' shape arguments take (a
// dimension beyond int32 fails the kernel's own check::dim).
std::vector<int32_t> dims32(const char* kernel, const char* what, const std::vector<int64_t>& v);

// "[a, b, c]", for errors.
std::string dims_string(const std::vector<int64_t>& v);

// One int8 scale and zero point, or the kernel's named error.
void expect_per_tensor(const char* kernel, const char* role, const McuTensorView& t);

// An operand whose shape, less leading 1s, is the output's last dimensions:
// element i of the output reads it at i % its elements (the same shape, one
// value per channel, a scalar). Else the kernel's named error.
void expect_repeats_innermost(const char* kernel, const char* role, const McuTensorView& operand,
                              const McuTensorView& out);

// Every input and output of `op` is a float32 tensor, else the kernel's named
// error (the float kernels: kernels/float_*.h).
void expect_float32(const char* kernel, const McuOpView& op);

}  // namespace kiln::kernels::table
