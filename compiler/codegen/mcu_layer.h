// Code generation of an op the MCU runs: one McuOpCmd whose arguments follow
// the kernel's entry in arch/mcu_op.h, with the op's constant data (weights,
// biases, per-channel multipliers and shifts) placed in flash.
#pragma once

#include <cstdint>
#include <vector>

#include "arch/command.h"
#include "compiler/codegen/npu_layer.h"
#include "compiler/ir/graph.h"

namespace kiln::codegen {

// `addr` holds the SRAM address of every activation tensor (by tensor id).
Command emit_mcu_op(const ir::Graph& g, const ir::Op& op, const std::vector<uint64_t>& addr, FlashImage& flash);

}  // namespace kiln::codegen
