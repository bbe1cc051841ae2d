// The SoC model, built from a SocConfig: bus, memories, DMA, NPU, MCU, wired
// with TLM-2.0 sockets (docs/simulator.md has the diagram).
//
//   mcu.data_socket ----\                    /-- flash.bus_socket (per memory)
//   npu.fetch_socket ----+-- bus (arbiter) --+-- sram.bus_socket
//   dma.dma0..N ---------/                    \-- npu.regs_socket
//   dma.spm_port -> npu.spm_export ; npu.dma_port -> dma.control ; npu.irq -> mcu.npu_irq
#pragma once

#include <map>
#include <memory>
#include <string>
#include <systemc>
#include <vector>

#include "arch/command.h"
#include "arch/soc_config.h"
#include "sim/bus.h"
#include "sim/dma.h"
#include "sim/mcu.h"
#include "sim/memory_target.h"
#include "sim/npu.h"
#include "sim/sim_context.h"

namespace kiln::sim {

class Platform {
 public:
  Platform(const SocConfig& soc, const Program& program, SimContext& ctx);

  Bus& bus() { return *bus_; }
  Npu& npu() { return *npu_; }
  Mcu& mcu() { return *mcu_; }
  const std::vector<std::unique_ptr<MemoryTarget>>& memories() const { return memories_; }

 private:
  std::vector<std::unique_ptr<MemoryTarget>> memories_;
  std::unique_ptr<Bus> bus_;
  std::unique_ptr<Npu> npu_;
  std::unique_ptr<Dma> dma_;
  std::unique_ptr<Mcu> mcu_;
  sc_core::sc_signal<bool> irq_{"npu_irq"};
};

}  // namespace kiln::sim
