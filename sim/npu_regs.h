// The NPU's memory-mapped control registers (32-bit, at npu.reg_base). The MCU
// programs a run of the command stream through them and the NPU raises its
// interrupt line when the run has drained (docs/simulator.md).
#pragma once

#include <cstdint>

namespace kiln::sim::npu_reg {

inline constexpr uint64_t kStreamAddrLo = 0x00;  // address of the run's first encoded command
inline constexpr uint64_t kStreamAddrHi = 0x04;
inline constexpr uint64_t kStreamBytes = 0x08;   // bytes of the run
inline constexpr uint64_t kFirstCommand = 0x0C;  // stream index of its first command (for the profile)
inline constexpr uint64_t kControl = 0x10;       // write kStart to start fetching
inline constexpr uint64_t kStatus = 0x14;        // read: kBusy | kDone | kIrq
inline constexpr uint64_t kIrqClear = 0x18;      // write 1: lower the interrupt line
inline constexpr uint64_t kWindowBytes = 0x1000;  // the window on the bus (arch: kNpuRegWindowBytes)

inline constexpr uint32_t kStart = 1;
inline constexpr uint32_t kBusy = 1u << 0;
inline constexpr uint32_t kDone = 1u << 1;
inline constexpr uint32_t kIrq = 1u << 2;

}  // namespace kiln::sim::npu_reg
