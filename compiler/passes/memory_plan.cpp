#include "compiler/passes/memory_plan.h"

#include <algorithm>
#include <numeric>

#include <fmt/format.h>

#include "arch/error.h"

namespace kiln::passes {
namespace {

constexpr uint64_t kAlign = 16;  // DMA-friendly: a bus beat never straddles two tensors
uint64_t align_up(uint64_t v) { return (v + kAlign - 1) / kAlign * kAlign; }

}  // namespace

MemoryPlan plan_memory(const ir::Graph& g, const std::vector<Placement>& placement, const SocConfig& soc,
                       uint64_t reserved_sram_bytes) {
  const MemoryConfig* sram = soc.first_of_kind(MemoryKind::Sram);
  if (!sram) throw Error(soc.source + ": the SoC has no SRAM for activations");
  MemoryPlan plan;
  plan.tensors.resize(g.tensors.size());
  const int n_ops = int(g.ops.size());

  // Alias chains: a Reshape's output is its input's bytes.
  std::vector<int> root(g.tensors.size());
  std::iota(root.begin(), root.end(), 0);
  for (size_t i = 0; i < g.ops.size(); ++i)
    if (placement[i].unit == Unit::None) root[g.ops[i].outputs[0]] = root[g.ops[i].inputs[0]];
  const auto find_root = [&](int t) {
    while (root[t] != t) t = root[t];
    return t;
  };

  // Lifetimes of the activation roots, in op indices.
  std::vector<int> first(g.tensors.size(), n_ops), last(g.tensors.size(), -2);
  const auto touch = [&](int t, int at) {
    const int r = find_root(t);
    first[r] = std::min(first[r], at);
    last[r] = std::max(last[r], at);
  };
  for (int t : g.inputs) touch(t, -1);
  for (int i = 0; i < n_ops; ++i) {
    for (int t : g.ops[i].inputs)
      if (!g.tensors[t].is_constant()) touch(t, i);
    for (int t : g.ops[i].outputs) touch(t, i);
  }
  for (int t : g.outputs) touch(t, n_ops);

  std::vector<int> roots;
  for (size_t t = 0; t < g.tensors.size(); ++t)
    if (find_root(int(t)) == int(t) && last[t] >= -1 && !g.tensors[t].is_constant()) roots.push_back(int(t));
  // Largest first, then by start, as the greedy-by-size planner.
  std::stable_sort(roots.begin(), roots.end(), [&](int a, int b) {
    return g.tensors[a].byte_size() > g.tensors[b].byte_size();
  });

  struct Placed { uint64_t offset, bytes; int first, last; };
  std::vector<Placed> placed;
  std::vector<uint64_t> offset(g.tensors.size(), 0);
  uint64_t peak = 0;
  for (int t : roots) {
    const uint64_t bytes = align_up(g.tensors[t].byte_size());
    std::vector<Placed> live;
    for (const auto& p : placed)
      if (!(p.last < first[t] || last[t] < p.first)) live.push_back(p);
    std::sort(live.begin(), live.end(), [](const Placed& a, const Placed& b) { return a.offset < b.offset; });
    uint64_t at = 0;  // lowest gap that holds the tensor
    for (const auto& p : live) {
      if (at + bytes <= p.offset) break;
      at = std::max(at, p.offset + p.bytes);
    }
    placed.push_back({at, bytes, first[t], last[t]});
    offset[t] = at;
    peak = std::max(peak, at + bytes);
  }

  plan.arena_base = sram->base;
  plan.arena_bytes = peak;
  const MemoryConfig* home = sram;
  const MemoryConfig* dram = soc.first_of_kind(MemoryKind::Dram);
  if (peak + reserved_sram_bytes > sram->size_bytes && dram) {
    home = dram;
    plan.in_dram = true;
    plan.arena_base = dram->base;
  }
  if (peak + reserved_sram_bytes > home->size_bytes) {
    int largest = roots.empty() ? -1 : roots.front();
    throw Error(fmt::format("{}: activations need {} bytes of {} at peak, {} '{}' has {} bytes (largest tensor '{}', "
                            "{} bytes)",
                            g.source, peak + reserved_sram_bytes, plan.in_dram ? "DRAM" : "SRAM", soc.name, home->name,
                            home->size_bytes, largest >= 0 ? g.tensors[largest].name : "",
                            largest >= 0 ? g.tensors[largest].byte_size() : 0));
  }
  for (size_t t = 0; t < g.tensors.size(); ++t) {
    auto& tp = plan.tensors[t];
    tp.bytes = g.tensors[t].byte_size();
    if (g.tensors[t].is_constant()) continue;
    const int r = find_root(int(t));
    tp.in_sram = true;
    tp.addr = plan.arena_base + offset[r];
    tp.first_use = first[r];
    tp.last_use = last[r];
  }
  return plan;
}

}  // namespace kiln::passes
