#include "sim/mcu_dispatch.h"

#include <fmt/format.h>

#include "arch/error.h"
#include "arch/mcu_op.h"
#include "kernels/mcu_kernel_table.h"

namespace kiln::sim {

namespace {

// Runs f, turning "<kernel>: <arg>: ..." errors into "mcu op <kernel>: <arg>: ...".
template <typename F>
auto prefixed(F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const Error& e) {
    throw Error(std::string("mcu op ") + e.what());
  }
}

kernels::McuKernelCall decode(const McuOpCmd& cmd) {
  const kernels::McuKernelBinding* kernel = kernels::find_mcu_binding(cmd.kernel);
  if (!kernel) throw Error(fmt::format("mcu op {}: unknown kernel id", cmd.kernel));
  const McuKernelSpec& spec = kernel->spec();
  if (cmd.args.size() != spec.args.size()) {
    std::vector<std::string> names;
    for (const McuArg& a : spec.args) names.push_back(a.name);
    throw Error(fmt::format("mcu op {}: expected {} arguments ({}), got {}", spec.name, spec.args.size(),
                            fmt::join(names, ", "), cmd.args.size()));
  }
  kernels::McuKernelCall call = prefixed([&] { return kernel->decode(cmd.args); });
  for (const auto& o : call.operands)
    if (uint64_t(o.address) + o.bytes > (uint64_t(1) << 32))
      throw Error(fmt::format("mcu op {}: {}: {} bytes at 0x{:08x} pass the end of the 32-bit address space",
                              spec.name, o.arg->name, o.bytes, o.address));
  return call;
}

McuOpPlan plan_of(const kernels::McuKernelCall& call) {
  McuOpPlan plan;
  for (const auto& o : call.operands) {
    if (o.bytes == 0) continue;
    (o.arg->type == McuArgType::Write ? plan.writes : plan.reads).push_back({o.address, o.bytes});
  }
  plan.macs = call.macs;
  plan.output_elements = call.output_elements;
  plan.kernel = call.spec->name;
  return plan;
}

// One operand's elements in host memory: int8 as bytes, int32 as int32 (the
// SoC is little-endian; converted byte by byte so that the host's order does not matter).
struct Buffer {
  std::vector<uint8_t> bytes;
  std::vector<int32_t> words;
};

void load(MemoryPort& mem, const kernels::McuKernelCall::OperandUse& o, Buffer& b) {
  b.bytes.resize(o.bytes);
  if (o.bytes) mem.read(o.address, b.bytes.data(), o.bytes);
  if (o.arg->element != McuElement::Int32) return;
  b.words.resize(o.bytes / 4);
  for (size_t i = 0; i < b.words.size(); ++i) {
    const uint8_t* w = &b.bytes[4 * i];
    b.words[i] = int32_t(uint32_t(w[0]) | uint32_t(w[1]) << 8 | uint32_t(w[2]) << 16 | uint32_t(w[3]) << 24);
  }
}

// The words of an int32 result into its bytes, little-endian (as `load` reads them).
void store(Buffer& b) {
  for (size_t i = 0; i < b.words.size(); ++i)
    for (size_t k = 0; k < 4; ++k) b.bytes[4 * i + k] = uint8_t(uint32_t(b.words[i]) >> (8 * k));
}

}  // namespace

McuOpPlan plan_mcu_op(const McuOpCmd& cmd) { return plan_of(decode(cmd)); }

void run_mcu_op(const McuOpCmd& cmd, MemoryPort& mem) {
  const kernels::McuKernelCall call = decode(cmd);
  std::vector<Buffer> buffers(call.operands.size());
  kernels::McuOperands operands(call.operands.size());
  for (size_t k = 0; k < call.operands.size(); ++k) {
    const auto& o = call.operands[k];
    Buffer& b = buffers[k];
    if (o.arg->type == McuArgType::Write) {
      // Results are written back as bytes: int8, float32 that the kernel
      // stores little-endian itself, or int32 words stored below.
      b.bytes.assign(o.bytes, 0);
      if (o.arg->element == McuElement::Int32) {
        b.words.assign(o.bytes / 4, 0);
        operands[k].out = b.words.data();
      } else {
        operands[k].out = b.bytes.data();
      }
      continue;
    }
    if (o.bytes == 0) continue;  // an absent optional operand: nullptr
    load(mem, o, b);
    operands[k].in = o.arg->element == McuElement::Int32 ? static_cast<const void*>(b.words.data()) : b.bytes.data();
  }
  prefixed([&] { call.run(operands); });
  for (size_t k = 0; k < call.operands.size(); ++k) {
    const auto& o = call.operands[k];
    if (o.arg->type != McuArgType::Write || !o.bytes) continue;
    Buffer& b = buffers[k];
    if (o.arg->element == McuElement::Int32) store(b);
    mem.write(o.address, b.bytes.data(), o.bytes);
  }
}

}  // namespace kiln::sim
