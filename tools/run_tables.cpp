#include "tools/run_tables.h"

#include <algorithm>

#include <fmt/format.h>

namespace kiln::tools {

using namespace kiln::explore;

std::string format_report(const RunReport& r) {
  // "math" (int8 or float), when a layer computed on float32 tensors (a
  // float island's kernel): a table of int8 layers is as it always was.
  const bool any_float = std::any_of(r.layers.begin(), r.layers.end(), [](const LayerRow& l) { return l.in_float; });
  const auto math = [&](const std::string& cell) { return any_float ? fmt::format(" {:<5}", cell) : std::string(); };
  std::string out = fmt::format("{:<3} {:<28} {:<17} {:<4}{} {:>10} {:>10} {:>10} {:>9} {:>6} {:>9} {:>10} {:<7}\n", "#",
                                "layer", "op", "unit", math("math"), "MACs", "predicted", "simulated", "time us", "util",
                                "bytes", "roofline", "bound");
  for (size_t i = 0; i < r.layers.size(); ++i) {
    const LayerRow& l = r.layers[i];
    std::string name = l.name.size() > 28 ? "..." + l.name.substr(l.name.size() - 25) : l.name;
    out += fmt::format("{:<3} {:<28} {:<17} {:<4}{} {:>10} {:>10.0f} {:>10} {:>9.2f} {:>5.1f}% {:>9} {:>10.0f} {:<7}\n", i,
                       name, l.kind, l.unit, math(l.in_float ? "float" : "int8"), l.macs, l.predicted_cycles,
                       l.simulated_cycles, l.time_us, 100 * l.utilization, l.bytes_moved, l.roofline_cycles, l.bound);
  }
  out += fmt::format("\nlatency      {} NPU cycles, {:.1f} us\n", r.total_cycles, r.total_us);
  out += fmt::format("peak SRAM    {} bytes\nflash        {} bytes of constants + {} bytes of command stream\n",
                     r.peak_sram_bytes, r.flash_bytes, r.stream_bytes);
  out += fmt::format("NPU layers   roofline {:.0f} cycles / simulated {:.0f} cycles = {:.2f}\n", r.npu_roofline_cycles,
                     r.npu_simulated_cycles, r.bound_ratio());
  return out;
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

std::string format_energy_area(const Technology& tech, const EnergyReport& energy, const AreaReport& area) {
  const double total = energy.total_pj();
  std::string out = fmt::format("\nenergy       {:.3f} uJ ({:.3f} dynamic + {:.3f} leakage), area {:.3f} mm^2; technology {}\n",
                                total * 1e-6, energy.dynamic_pj() * 1e-6, energy.leakage_pj() * 1e-6,
                                area.total_um2() * 1e-6, tech.name);
  out += fmt::format("  {:<12} {:>12} {:>12} {:>12} {:>7} {:>10}\n", "component", "dynamic uJ", "leakage uJ",
                     "total uJ", "share", "area mm^2");
  for (const auto& c : energy.components) {
    // A unit the SoC does not have (the vector unit) has neither area nor energy: no row.
    if (c.component == Component::Vector && area.um2(c.component) == 0 && c.total_pj() == 0) continue;
    out += fmt::format("  {:<12} {:>12.4f} {:>12.4f} {:>12.4f} {:>6.1f}% {:>10.4f}\n", to_string(c.component),
                       c.dynamic_pj * 1e-6, c.leakage_pj * 1e-6, c.total_pj() * 1e-6,
                       total > 0 ? 100 * c.total_pj() / total : 0.0, area.um2(c.component) * 1e-6);
  }
  return out;
}

}  // namespace kiln::tools
