// What an MCU fallback kernel does to the simulated memories: the address
// ranges it reads and writes (its bus traffic), its MACs and output elements
// (its cost from soc.mcu.costs), and its functional effect, computed by the
// kernels/ library through untimed (debug) accesses over the bus's address map.
#pragma once

#include <cstdint>
#include <string>
#include <tlm>
#include <vector>

#include "arch/command.h"

namespace kiln::sim {

struct McuWork {
  struct Range {
    uint64_t addr;
    uint64_t len;
  };
  std::vector<Range> reads, writes;
  uint64_t macs = 0;
  uint64_t output_elements = 0;
  std::string kernel;  // name in arch/mcu_op.h and the SoC cost table
};

McuWork plan_mcu_work(const McuOpCmd& op);
void run_mcu_work(const McuOpCmd& op, tlm::tlm_initiator_socket<>& memory);

}  // namespace kiln::sim
