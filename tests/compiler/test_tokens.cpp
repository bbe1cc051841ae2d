// Token assignment: whatever order the queues' steps happen to finish in, the
// assigned waits and signals never let a step start before its dependencies.
#include <catch2/catch.hpp>

#include <random>

#include "arch/error.h"
#include "compiler/codegen/tokens.h"
#include "compiler/mapping/schedule.h"

using namespace kiln;
using namespace kiln::codegen;

namespace {

// Runs the three in-order queues with random durations; each step starts when
// its queue is free and the tokens it waits for are available. Returns false
// if some step started before one of its dependencies finished (or deadlock).
bool run_random(const std::vector<TokenStep>& steps, const std::vector<Deps>& deps, uint32_t seed) {
  std::mt19937 rng(seed);
  const size_t n = steps.size();
  std::vector<double> start(n, -1), end(n, -1);
  std::vector<size_t> order[3];
  for (size_t i = 0; i < n; ++i) order[int(steps[i].queue)].push_back(i);
  size_t next[3] = {0, 0, 0};
  double queue_free[3] = {0, 0, 0};
  // Token events per directed edge: times at which a signal arrived.
  std::vector<double> signals[3][3];
  size_t consumed[3][3] = {};
  size_t done = 0;
  while (done < n) {
    bool progressed = false;
    for (int q = 0; q < 3; ++q) {
      if (next[q] >= order[q].size()) continue;
      const size_t i = order[q][next[q]];
      double t = queue_free[q];
      bool ready = true;
      const auto need = [&](int from) {
        if (consumed[from][q] >= signals[from][q].size()) return false;
        t = std::max(t, signals[from][q][consumed[from][q]]);
        return true;
      };
      if (deps[i].wait_prev) ready &= q > 0 && need(q - 1);
      if (deps[i].wait_next) ready &= q < 2 && need(q + 1);
      if (!ready) continue;
      if (deps[i].wait_prev) ++consumed[q - 1][q];
      if (deps[i].wait_next) ++consumed[q + 1][q];
      start[i] = t;
      end[i] = t + 1 + double(rng() % 100);
      queue_free[q] = end[i];
      if (deps[i].signal_prev) signals[q][q - 1].push_back(end[i]);
      if (deps[i].signal_next) signals[q][q + 1].push_back(end[i]);
      // Signals must be consumed in time order: keep them sorted per edge.
      ++next[q];
      ++done;
      progressed = true;
    }
    if (!progressed) return false;
  }
  for (size_t i = 0; i < n; ++i)
    for (uint32_t d : steps[i].deps)
      if (start[i] < end[d]) return false;
  return true;
}

}  // namespace

TEST_CASE("double-buffered load/compute/store gets the classic token pattern") {
  // L0 L1 C0 C1 S0 S1 with 2 slots: no reuse, so only L->C and C->S tokens.
  std::vector<TokenStep> s = {
      {Queue::Load, {}}, {Queue::Load, {}}, {Queue::Compute, {0}}, {Queue::Compute, {1}},
      {Queue::Store, {2}}, {Queue::Store, {3}},
  };
  const auto d = assign_tokens(s);
  CHECK(d[0].signal_next);
  CHECK(d[1].signal_next);
  CHECK(d[2].wait_prev);
  CHECK(d[3].wait_prev);
  CHECK(d[2].signal_next);
  CHECK(d[4].wait_prev);
  CHECK_FALSE(d[0].wait_next);
}

TEST_CASE("a dependency already implied by queue order adds no token") {
  // C1 depends on L0 and L1; C0 already waited for L0, so C1 waits once (for L1).
  std::vector<TokenStep> s = {{Queue::Load, {}}, {Queue::Load, {}}, {Queue::Compute, {0}}, {Queue::Compute, {0, 1}}};
  const auto d = assign_tokens(s);
  CHECK(d[2].wait_prev);
  CHECK(d[3].wait_prev);
  // C2 depending on L0 only: covered by C0's wait.
  s.push_back({Queue::Compute, {0}});
  CHECK_FALSE(assign_tokens(s)[4].wait_prev);
}

TEST_CASE("load and store share no token edge") {
  std::vector<TokenStep> s = {{Queue::Store, {}}, {Queue::Load, {0}}};
  CHECK_THROWS_AS(assign_tokens(s), Error);
}

TEST_CASE("tokens from real schedules hold under random timing") {
  using namespace kiln::mapping;
  ConvShape sh;
  sh.in_h = 10, sh.in_w = 10, sh.in_c = 12, sh.kh = sh.kw = 3, sh.pad_top = sh.pad_left = 1;
  sh.out_h = 10, sh.out_w = 10, sh.out_c = 40;
  for (auto order : {LoopOrder::WeightsOuter, LoopOrder::InputsOuter})
    for (uint32_t buffers : {1u, 2u})
      for (uint32_t in_c : {12u, 5u}) {
        Tiling t;
        t.tile_rows = 3, t.tile_cols = 10, t.tile_out_c = 16, t.tile_in_c = in_c, t.buffers = buffers, t.order = order;
        const auto sched = build_schedule(sh, t);
        std::vector<TokenStep> steps;
        for (const auto& st : sched.steps) steps.push_back({queue_of(st.kind), {st.deps.begin(), st.deps.end()}});
        const auto deps = assign_tokens(steps);
        for (uint32_t seed = 1; seed <= 20; ++seed) REQUIRE(run_random(steps, deps, seed));
      }
}
