#include "compiler/codegen/mcu_layer.h"

#include <cstring>

#include "compiler/lowering/mcu_call.h"

namespace kiln::codegen {

namespace {

std::vector<uint8_t> int32_bytes(const std::vector<int32_t>& v) {
  std::vector<uint8_t> out(v.size() * 4);
  if (!v.empty()) std::memcpy(out.data(), v.data(), out.size());
  return out;
}

}  // namespace

Command emit_mcu_op(const ir::Graph& g, const ir::Op& op, const std::vector<uint64_t>& addr, FlashImage& flash) {
  const lowering::McuCall call = lowering::mcu_call(g, op);
  // Activations where the memory plan put them; constant data (weights,
  // bias, per-channel multipliers and shifts) in flash, in argument order.
  std::vector<uint32_t> addresses;
  for (const lowering::McuOperand& o : call.operands) {
    if (o.tensor < 0)
      addresses.push_back(uint32_t(flash.append(int32_bytes(o.values))));
    else if (g.tensors[size_t(o.tensor)].is_constant())
      addresses.push_back(uint32_t(flash.append(g.tensors[size_t(o.tensor)].data)));
    else
      addresses.push_back(uint32_t(addr[size_t(o.tensor)]));
  }
  McuOpCmd cmd;
  cmd.kernel = uint16_t(call.kernel->spec().id);
  cmd.args = call.kernel->encode(addresses);
  return Command{Opcode::McuOp, {}, cmd};
}

}  // namespace kiln::codegen
