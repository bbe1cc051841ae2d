#include "sim/platform.h"

#include <fmt/format.h>

#include "sim/dram.h"
#include "sim/flash.h"
#include "sim/loader.h"
#include "sim/npu_regs.h"
#include "sim/sram.h"

namespace kiln::sim {

Platform::Platform(const SocConfig& soc, const Program& program, SimContext& ctx) {
  // Bus initiators in fixed-priority order: MCU, NPU command fetch, DMA channels.
  std::vector<std::string> initiators = {"mcu", "npu_fetch"};
  for (unsigned c = 0; c < soc.dma.channels; ++c) initiators.push_back(fmt::format("dma{}", c));
  std::vector<BusTarget> targets;
  for (const auto& m : soc.memories) targets.push_back({m.name, m.base, m.size_bytes});
  targets.push_back({"npu_regs", soc.npu.reg_base, npu_reg::kWindowBytes});
  bus_ = std::make_unique<Bus>("bus", soc.bus, initiators, targets);

  std::map<std::string, MemoryTarget*> by_name;
  for (const auto& m : soc.memories) {
    switch (m.kind) {
      case MemoryKind::Flash: memories_.push_back(std::make_unique<Flash>(m.name.c_str(), m, soc.bus)); break;
      case MemoryKind::Sram: memories_.push_back(std::make_unique<Sram>(m.name.c_str(), m, soc.bus)); break;
      case MemoryKind::Dram: memories_.push_back(std::make_unique<Dram>(m.name.c_str(), m, soc.bus)); break;
    }
    bus_->target_port(m.name).bind(memories_.back()->bus_socket);
    by_name[m.name] = memories_.back().get();
  }
  const StreamLayout layout = load_program(soc, program, by_name, ctx.source());

  npu_ = std::make_unique<Npu>("npu", soc, ctx);
  bus_->target_port("npu_regs").bind(npu_->regs_socket);
  npu_->fetch_socket.bind(bus_->initiator_port("npu_fetch"));

  dma_ = std::make_unique<Dma>("dma", soc.dma, bus_->max_burst_bytes(), Clock(soc.npu.clock_mhz));
  for (unsigned c = 0; c < soc.dma.channels; ++c)
    dma_->channel_socket(c).bind(bus_->initiator_port(fmt::format("dma{}", c)));
  dma_->spm_port.bind(npu_->spm_export);
  npu_->dma_port.bind(dma_->control);

  mcu_ = std::make_unique<Mcu>("mcu", soc, program.commands, layout, ctx);
  mcu_->data_socket.bind(bus_->initiator_port("mcu"));
  npu_->irq.bind(irq_);
  mcu_->npu_irq.bind(irq_);
}

}  // namespace kiln::sim
