#include "compiler/codegen/tokens.h"

#include <cstdlib>

#include <fmt/format.h>

#include "arch/error.h"

namespace kiln::codegen {

std::vector<Deps> assign_tokens(const std::vector<TokenStep>& steps) {
  std::vector<Deps> deps(steps.size());
  // For each directed edge (from -> to) the highest producer index already waited for.
  int64_t covered[4][4];
  for (auto& row : covered)
    for (auto& v : row) v = -1;
  for (size_t i = 0; i < steps.size(); ++i) {
    const int to = int(steps[i].queue);
    int64_t needed[4] = {-1, -1, -1, -1};
    for (uint32_t d : steps[i].deps) {
      if (d >= i) throw Error(fmt::format("internal: step {} depends on later step {}", i, d));
      const int from = int(steps[d].queue);
      if (from == to) continue;  // in-order within a queue
      if (std::abs(from - to) != 1 || from == int(Queue::Mcu) || to == int(Queue::Mcu))
        throw Error(fmt::format("internal: step {} ({}) depends on step {} ({}): no token edge between them", i,
                                to_string(steps[i].queue), d, to_string(steps[d].queue)));
      needed[from] = std::max<int64_t>(needed[from], d);
    }
    for (int from = 0; from < 3; ++from) {
      if (needed[from] <= covered[from][to]) continue;  // an earlier wait on this edge already covers it
      covered[from][to] = needed[from];
      Deps& producer = deps[size_t(needed[from])];
      if (from < to) {
        deps[i].wait_prev = true;
        producer.signal_next = true;
      } else {
        deps[i].wait_next = true;
        producer.signal_prev = true;
      }
    }
  }
  return deps;
}

}  // namespace kiln::codegen
