// Token assignment: turns data dependencies between the steps of the three
// NPU queues into the wait/signal flags of the command stream.
//
// Tokens on an edge (say Load -> Compute) are counted, and each queue runs in
// order, so the i-th wait on an edge is released by the i-th signal on it.
// For each edge we keep only the dependencies that order does not already
// imply (a later step needs only the latest producer; an earlier consumer's
// wait covers later ones), which leaves pairs increasing on both sides: those
// pair off in order, one signal to one wait.
#pragma once

#include <cstdint>
#include <vector>

#include "arch/command.h"

namespace kiln::codegen {

struct TokenStep {
  Queue queue = Queue::Compute;
  std::vector<uint32_t> deps;  // earlier steps (any queue) that must have finished
};

// Deps flags per step. Throws kiln::Error if a dependency joins queues that
// share no token edge (Load and Store), or points forward.
std::vector<Deps> assign_tokens(const std::vector<TokenStep>& steps);

}  // namespace kiln::codegen
