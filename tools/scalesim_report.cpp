#include "tools/scalesim_report.h"

#include <cmath>

#include <fmt/format.h>

#include "arch/array_timing.h"
#include "arch/error.h"
#include "arch/scalesim_timing.h"

namespace kiln::tools {
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

std::string format_scalesim_table(const std::vector<ScaleSimRow>& rows, const SocConfig& soc) {
  std::string out = fmt::format("\nSCALE-Sim compute cycles beside kiln's array cycles ({}x{} array, {})\n",
                                soc.npu.rows, soc.npu.cols, to_string(soc.npu.dataflow));
  out += fmt::format("{:<3} {:<16} {:>7} {:>6} {:>6} {:>6} {:>11} {:>11} {:>10} {:>10} {:>9} {:<8} {:<7}\n", "#",
                     "layer", "M", "N", "K", "tiles", "kiln array", "SCALE-Sim", "kiln-SS", "tiling", "folds",
                     "explained", "bound");
  uint64_t kiln = 0, ss = 0;
  bool all = true;
  for (size_t i = 0; i < rows.size(); ++i) {
    const ScaleSimRow& r = rows[i];
    std::string name = r.name.size() > 16 ? r.name.substr(0, 13) + "..." : r.name;
    if (r.gemms > 1) name = fmt::format("{}x{}", r.gemms, name.substr(0, 12));
    out += fmt::format("{:<3} {:<16} {:>7} {:>6} {:>6} {:>6} {:>11} {:>11} {:>+10} {:>+10} {:>+9} {:<9} {:<7}\n", i,
                       name, r.m, r.n, r.k, r.tiles, r.kiln_array, r.scalesim,
                       int64_t(r.kiln_array) - int64_t(r.scalesim), r.tiling, r.folds, r.explained() ? "yes" : "NO",
                       r.bound);
    kiln += r.kiln_array, ss += r.scalesim;
    all = all && r.explained();
  }
  out += fmt::format("total: kiln array {} cycles, SCALE-Sim compute {} cycles ({:+.2f}%); kiln = SCALE-Sim + tiling + "
                     "folds on {} layer(s)\n",
                     kiln, ss, ss ? 100.0 * (double(kiln) - double(ss)) / double(ss) : 0.0,
                     all ? "every" : "NOT every");
  return out;
}

nlohmann::json scalesim_json(const std::vector<ScaleSimRow>& rows) {
  nlohmann::json a = nlohmann::json::array();
  for (const auto& r : rows)
    a.push_back({{"name", r.name},
                 {"m", r.m},
                 {"n", r.n},
                 {"k", r.k},
                 {"gemms", r.gemms},
                 {"tiles", r.tiles},
                 {"kiln_array_cycles", r.kiln_array},
                 {"kiln_closed_form_cycles", r.kiln_closed},
                 {"scalesim_compute_cycles", r.scalesim},
                 {"tiling_cycles", r.tiling},
                 {"fold_cycles", r.folds},
                 {"explained", r.explained()},
                 {"bound", r.bound}});
  return a;
}

}  // namespace kiln::tools
