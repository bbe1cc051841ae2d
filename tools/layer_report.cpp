#include "tools/layer_report.h"

#include <algorithm>
#include <limits>

#include <fmt/format.h>

namespace kiln::tools {

RunReport build_report(const std::string& model, const SocConfig& soc, const codegen::CompiledModel& compiled,
                       const SimResult& sim) {
  RunReport r;
  r.model = model;
  r.soc = soc.name;
  r.total_cycles = sim.total_cycles;
  r.total_us = double(sim.total_ps) / 1e6;
  r.peak_sram_bytes = compiled.peak_sram_bytes;
  r.flash_bytes = compiled.flash_bytes;
  r.stream_bytes = compiled.stream_bytes;
  const double cycles_per_ps = soc.npu.clock_mhz / 1e6;
  for (const auto& layer : compiled.layers) {
    LayerRow row;
    row.name = layer.name;
    row.kind = layer.kind;
    row.unit = passes::to_string(layer.unit);
    row.macs = layer.macs;
    row.predicted_cycles = layer.predicted_ps * cycles_per_ps;
    row.roofline_cycles = layer.roofline_ps * cycles_per_ps;
    row.tiling = layer.tiling;
    uint64_t first = std::numeric_limits<uint64_t>::max(), last = 0;
    uint64_t compute_ps = 0, dma_ps = 0, bus_wait_ps = 0;
    for (const auto& e : sim.profile.events) {
      if (e.command < int64_t(layer.first_command) || e.command >= int64_t(layer.end_command)) continue;
      first = std::min(first, e.start_cycle);
      last = std::max(last, e.end_cycle);
      row.bytes_moved += e.bytes;
      if (e.unit == "npu.compute") compute_ps += e.duration_ps();
      if (e.unit == "npu.load" || e.unit == "npu.store") {
        dma_ps += e.duration_ps();
        bus_wait_ps += e.bus_wait_ps;
      }
    }
    row.simulated_cycles = last > first ? last - first : 0;
    row.time_us = double(row.simulated_cycles) / soc.npu.clock_mhz;
    if (layer.unit == passes::Unit::Npu) {
      if (row.simulated_cycles)
        row.utilization = double(row.macs) / (double(row.simulated_cycles) * soc.npu.rows * soc.npu.cols);
      // The load and store queues run side by side: the busier one bounds DMA.
      row.bound = compute_ps >= dma_ps / 2 ? "compute" : (bus_wait_ps * 3 > dma_ps ? "bus" : "dma");
      r.npu_roofline_cycles += row.roofline_cycles;
      r.npu_simulated_cycles += double(row.simulated_cycles);
    } else {
      row.bound = layer.unit == passes::Unit::Mcu ? "mcu" : "-";
    }
    r.layers.push_back(row);
  }
  return r;
}

std::string format_report(const RunReport& r) {
  std::string out = fmt::format("{:<3} {:<28} {:<17} {:<4} {:>10} {:>10} {:>10} {:>9} {:>6} {:>9} {:>10} {:<7}\n", "#",
                                "layer", "op", "unit", "MACs", "predicted", "simulated", "time us", "util", "bytes",
                                "roofline", "bound");
  for (size_t i = 0; i < r.layers.size(); ++i) {
    const LayerRow& l = r.layers[i];
    std::string name = l.name.size() > 28 ? "..." + l.name.substr(l.name.size() - 25) : l.name;
    out += fmt::format("{:<3} {:<28} {:<17} {:<4} {:>10} {:>10.0f} {:>10} {:>9.2f} {:>5.1f}% {:>9} {:>10.0f} {:<7}\n", i,
                       name, l.kind, l.unit, l.macs, l.predicted_cycles, l.simulated_cycles, l.time_us,
                       100 * l.utilization, l.bytes_moved, l.roofline_cycles, l.bound);
  }
  out += fmt::format("\nlatency      {} NPU cycles, {:.1f} us\n", r.total_cycles, r.total_us);
  out += fmt::format("peak SRAM    {} bytes\nflash        {} bytes of constants + {} bytes of command stream\n",
                     r.peak_sram_bytes, r.flash_bytes, r.stream_bytes);
  out += fmt::format("NPU layers   roofline {:.0f} cycles / simulated {:.0f} cycles = {:.2f}\n", r.npu_roofline_cycles,
                     r.npu_simulated_cycles, r.bound_ratio());
  return out;
}

nlohmann::json report_json(const RunReport& r) {
  nlohmann::json layers = nlohmann::json::array();
  for (const auto& l : r.layers)
    layers.push_back({{"name", l.name},
                      {"op", l.kind},
                      {"unit", l.unit},
                      {"macs", l.macs},
                      {"predicted_cycles", l.predicted_cycles},
                      {"simulated_cycles", l.simulated_cycles},
                      {"time_us", l.time_us},
                      {"utilization", l.utilization},
                      {"bytes_moved", l.bytes_moved},
                      {"roofline_cycles", l.roofline_cycles},
                      {"bound", l.bound},
                      {"tiling", l.tiling}});
  return {{"model", r.model},
          {"soc", r.soc},
          {"layers", layers},
          {"totals",
           {{"latency_cycles", r.total_cycles},
            {"latency_us", r.total_us},
            {"peak_sram_bytes", r.peak_sram_bytes},
            {"flash_bytes", r.flash_bytes},
            {"stream_bytes", r.stream_bytes},
            {"npu_roofline_cycles", r.npu_roofline_cycles},
            {"npu_simulated_cycles", r.npu_simulated_cycles},
            {"roofline_to_simulated", r.bound_ratio()},
            {"outputs_match_reference", r.outputs_match}}}};
}

}  // namespace kiln::tools
