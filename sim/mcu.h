// The MCU: walks the command stream in program order. For each maximal run of
// NPU commands it programs the NPU's registers over the bus, sleeps until the
// NPU's interrupt, and acknowledges it; for each MCU operation it reads its
// operands over the bus, computes for fixed + per_mac*MACs + per_element*outputs
// MCU cycles (soc.mcu.costs), and writes its results over the bus. At `end`
// (or after the last command) it stops; the simulation ends with it.
#pragma once

#include <cstdint>
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <vector>

#include "arch/command.h"
#include "arch/soc_config.h"
#include "sim/clock.h"
#include "sim/sim_context.h"

namespace kiln::sim {

// Where the loader put the encoded stream: command i starts at addr + offsets[i].
struct StreamLayout {
  uint64_t addr = 0;
  std::vector<uint64_t> offsets;  // commands.size() + 1 entries
};

class Mcu final : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<Mcu> data_socket;  // loads, stores, NPU registers
  sc_core::sc_in<bool> npu_irq;

  Mcu(sc_core::sc_module_name name, const SocConfig& soc, const std::vector<Command>& commands,
      const StreamLayout& stream, SimContext& ctx);

  bool finished() const { return finished_; }
  sc_core::sc_time finish_time() const { return finish_time_; }

  // MCU cycles between two reads of the NPU status register when a run ends
  // with `end` without interrupt (the MCU polls instead of sleeping).
  static constexpr uint64_t kPollCycles = 64;

 private:
  void run();
  void run_npu(size_t first, size_t last);
  void run_op(size_t index, const McuOpCmd& op);
  void write_reg(uint64_t reg, uint32_t value, ProfileEvent& ev);
  uint32_t read_reg(uint64_t reg, ProfileEvent& ev);

  SocConfig soc_;
  const std::vector<Command>& commands_;
  StreamLayout stream_;
  SimContext& ctx_;
  Clock clock_;
  bool finished_ = false;
  sc_core::sc_time finish_time_;
};

}  // namespace kiln::sim
