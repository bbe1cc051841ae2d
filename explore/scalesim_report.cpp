#include "explore/scalesim_report.h"

#include <cmath>

#include <fmt/format.h>

#include "arch/array_timing.h"
#include "arch/error.h"
#include "arch/scalesim_timing.h"

namespace kiln::explore {
namespace {

struct Tile {
  uint64_t m, n, k;
};

bool array_tile(const Command& c, Tile* t) {
  if (c.op == Opcode::Gemm) {
    const auto& g = std::get<GemmCmd>(c.body);
    *t = {g.m, g.n, g.k};
    return true;
  }
  if (c.op == Opcode::Conv) {
    const auto& v = std::get<ConvCmd>(c.body);
    *t = {v.gemm_m(), v.n, v.gemm_k()};
    return true;
  }
  return false;
}

}  // namespace

std::vector<ScaleSimRow> scalesim_rows(const frontend::Topology& topology, const SocConfig& soc,
                                       const codegen::CompiledModel& compiled, const SimResult& sim,
                                       const RunReport& report) {
  if (compiled.layers.size() != topology.layers.size())
    throw Error(fmt::format("{}: {} layers compiled for {} topology rows", topology.source, compiled.layers.size(),
                            topology.layers.size()));
  const NpuConfig& npu = soc.npu;
  const double cycles_per_ps = npu.clock_mhz / 1e6;
  std::vector<uint64_t> array_cycles(compiled.program.commands.size(), 0);
  for (const auto& e : sim.profile.events) {
    if (e.command < 0 || size_t(e.command) >= array_cycles.size()) continue;
    if (e.name != "gemm" && e.name != "conv") continue;
    const uint64_t wait = uint64_t(std::llround(double(e.bank_wait_ps) * cycles_per_ps));
    array_cycles[size_t(e.command)] += e.end_cycle - e.start_cycle - wait;
  }
  std::vector<ScaleSimRow> rows;
  for (size_t i = 0; i < topology.layers.size(); ++i) {
    const frontend::TopologyLayer& l = topology.layers[i];
    const codegen::LayerInfo& layer = compiled.layers[i];
    ScaleSimRow r;
    r.name = l.name;
    r.m = l.gemm_m(), r.n = l.gemm_n(), r.k = l.gemm_k(), r.gemms = l.gemm_count();
    r.scalesim = r.gemms * scalesim_compute_cycles(npu.dataflow, npu.rows, npu.cols, r.m, r.n, r.k);
    uint64_t scalesim_tiles = 0;
    for (size_t c = layer.first_command; c < layer.end_command; ++c) {
      Tile t;
      if (!array_tile(compiled.program.commands[c], &t)) continue;
      ++r.tiles;
      r.kiln_array += array_cycles[c];
      r.kiln_closed += array_tile_cycles(npu.dataflow, npu.rows, npu.cols, t.m, t.n, t.k);
      scalesim_tiles += scalesim_compute_cycles(npu.dataflow, npu.rows, npu.cols, t.m, t.n, t.k);
    }
    r.tiling = int64_t(scalesim_tiles) - int64_t(r.scalesim);
    r.folds = int64_t(r.kiln_closed) - int64_t(scalesim_tiles);
    r.bound = i < report.layers.size() ? report.layers[i].bound : "";
    rows.push_back(r);
  }
  return rows;
}

}  // namespace kiln::explore
