// The MCU firmware's dispatch of a fallback command (McuOpCmd, arch/command.h):
// decodes it through the kernel table (kernels/mcu_kernel_table.h), checks
// that every operand lies in the 32-bit address space, reads the operands
// through the MCU's memory port, runs the kernel and writes its results. The
// kernels compute exactly what the reference interpreter computes. Addresses
// are absolute SoC addresses; int32 arrays are little-endian in memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "arch/command.h"

namespace kiln::sim {

// The memory the MCU sees (the simulator's bus, or a test's map).
struct MemoryPort {
  virtual ~MemoryPort() = default;
  virtual void read(uint64_t addr, void* dst, size_t len) = 0;
  virtual void write(uint64_t addr, const void* src, size_t len) = 0;
};

struct AddressRange {
  uint64_t addr = 0;
  uint64_t bytes = 0;
};

// What one command touches and costs, for the MCU timing model
// (arch/soc_config.h: cycles = fixed + per_mac * macs + per_element * output_elements).
struct McuOpPlan {
  std::vector<AddressRange> reads, writes;  // in argument order; empty ranges left out
  uint64_t macs = 0;                        // multiply-accumulates (pooling, mean: elements visited)
  uint64_t output_elements = 0;             // elements (copy: bytes) written
  std::string kernel;                       // kernel name, as in its spec (kernels/table/) and the cost table
};

// Validates the command (kernel id, argument count, every shape and
// quantization argument, the address ranges) and returns its plan. Throws
// kiln::Error "mcu op <name>: <arg>: <what>" (or "mcu op <id>: ..." for an unknown id).
McuOpPlan plan_mcu_op(const McuOpCmd& cmd);

// Validates as plan_mcu_op, reads the operands through mem, runs the kernel
// and writes the result through mem (operands are read in full before the
// first write, so outputs may overlap inputs). Per-channel multipliers and
// shifts read from memory are validated too; a failing command writes nothing.
void run_mcu_op(const McuOpCmd& cmd, MemoryPort& mem);

}  // namespace kiln::sim
