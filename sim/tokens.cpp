#include "sim/tokens.h"

#include <fmt/format.h>

#include "arch/error.h"

namespace kiln::sim {

int Tokens::edge(Queue from, Queue to) {
  if (from == Queue::Load && to == Queue::Compute) return 0;
  if (from == Queue::Compute && to == Queue::Load) return 1;
  if (from == Queue::Compute && to == Queue::Store) return 2;
  if (from == Queue::Store && to == Queue::Compute) return 3;
  throw Error(fmt::format("no token path from the {} queue to the {} queue", to_string(from), to_string(to)));
}

Queue Tokens::neighbour(Queue q, bool next) {
  if (q == Queue::Compute) return next ? Queue::Store : Queue::Load;
  if (q == Queue::Load && next) return Queue::Compute;
  if (q == Queue::Store && !next) return Queue::Compute;
  throw Error(fmt::format("the {} queue has no {} queue to exchange tokens with", to_string(q), next ? "next" : "previous"));
}

void Tokens::wait_for(int e) {
  while (counts_[size_t(e)] == 0) sc_core::wait(arrived_[size_t(e)]);
  --counts_[size_t(e)];
}

void Tokens::signal(int e) {
  ++counts_[size_t(e)];
  arrived_[size_t(e)].notify(sc_core::SC_ZERO_TIME);
}

}  // namespace kiln::sim
