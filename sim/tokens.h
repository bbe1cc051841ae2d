// Dependency tokens between the NPU's queues: one counter per directed edge
// (load->compute, compute->load, compute->store, store->compute), as
// arch/command.h defines them. A wait pops one token, sleeping until one
// arrives; a signal pushes one.
#pragma once

#include <array>
#include <cstdint>
#include <systemc>

#include "arch/command.h"

namespace kiln::sim {

class Tokens {
 public:
  // The edge a token travels on from queue `from` to its neighbour `to`;
  // throws kiln::Error if they are not neighbours.
  static int edge(Queue from, Queue to);
  // The neighbour of q: prev (towards Load) or next (towards Store); throws if none.
  static Queue neighbour(Queue q, bool next);

  void wait_for(int edge);
  void signal(int edge);
  uint32_t count(int edge) const { return counts_[size_t(edge)]; }

 private:
  std::array<uint32_t, 4> counts_{};
  std::array<sc_core::sc_event, 4> arrived_;
};

}  // namespace kiln::sim
