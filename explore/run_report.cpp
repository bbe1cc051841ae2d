#include "explore/run_report.h"

#include "explore/model_run.h"

#include <algorithm>
#include <limits>

#include <fmt/format.h>

#include "arch/error.h"
#include "arch/profile.h"
#include "arch/yaml_reader.h"
#include "explore/json_fields.h"
#include "explore/model_run.h"

namespace kiln::explore {

std::string first_output_difference(const codegen::CompiledModel& compiled, const SimResult& sim,
                                    const std::vector<std::vector<int8_t>>& expected) {
  for (size_t o = 0; o < compiled.outputs.size(); ++o) {
    const auto& out = compiled.outputs[o];
    const auto got = sim.read(out.addr, out.bytes);
    const std::string difference = first_difference(out.type, expected.at(o), std::vector<int8_t>(got.begin(), got.end()));
    if (!difference.empty()) return fmt::format("output '{}' {}", out.name, difference);
  }
  return "";
}

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
    row.mcu_kernel = layer.mcu.kernel;
    row.mcu_elements = layer.mcu.elements;
    row.in_float = layer.in_float;
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
      row.bound = layer.unit == passes::Unit::Mcu ? "mcu" : layer.unit == passes::Unit::Vector ? "vector" : "-";
    }
    r.layers.push_back(row);
  }
  return r;
}

namespace {

using json = nlohmann::json;

json traffic_json(const RunActions::Traffic& t) { return {{"read_bytes", t.read_bytes}, {"write_bytes", t.write_bytes}}; }

const char* const kBuffers[] = {"input", "weight", "output", "accumulator"};

json actions_json(const RunActions& a) {
  json spm = json::object();
  for (size_t b = 0; b < 4; ++b) spm[kBuffers[b]] = traffic_json(a.scratchpads[b]);
  json memories = json::object();
  for (const auto& m : a.memories)
    memories[m.name] = {{"kind", m.kind}, {"read_bytes", m.traffic.read_bytes}, {"write_bytes", m.traffic.write_bytes}};
  return {{"array_macs", a.array_macs},
          {"mcu_macs", a.mcu_macs},
          {"scratchpads", spm},
          {"memories", memories},
          {"bus_bytes", a.bus_bytes},
          {"dma_bytes", a.dma_bytes},
          {"mcu_busy_cycles", a.mcu_busy_cycles},
          {"vector", {{"rescales", a.vector_rescales}, {"adds", a.vector_adds}, {"macs", a.vector_macs}}},
          {"cycles", {{"npu", a.npu_cycles}, {"bus", a.bus_cycles}, {"mcu", a.mcu_cycles}}}};
}

json energy_json(const RunEnergy& e) {
  json components = json::object();
  for (const auto& c : e.components)
    components[c.name] = {{"dynamic_uj", c.dynamic_uj}, {"leakage_uj", c.leakage_uj}, {"total_uj", c.total_uj}};
  return {{"technology", e.technology},
          {"technology_file", e.technology_file},
          {"total_uj", e.total_uj},
          {"dynamic_uj", e.dynamic_uj},
          {"leakage_uj", e.leakage_uj},
          {"components", components},
          {"actions", actions_json(e.actions)}};
}

json area_json(const RunArea& a) {
  json components = json::object();
  for (const auto& [name, mm2] : a.components_mm2) components[name] = mm2;
  return {{"total_mm2", a.total_mm2}, {"components_mm2", components}};
}

json scalesim_json(const std::vector<ScaleSimRow>& rows) {
  json a = json::array();
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

RunActions::Traffic read_traffic(const Fields& f) { return {f.u64("read_bytes"), f.u64("write_bytes")}; }

RunActions read_actions(const Fields& f) {
  RunActions a;
  a.array_macs = f.u64("array_macs");
  a.mcu_macs = f.u64("mcu_macs");
  const Fields spm = f.object("scratchpads");
  for (size_t b = 0; b < 4; ++b) a.scratchpads[b] = read_traffic(spm.object(kBuffers[b]));
  const Fields memories = f.object("memories");
  for (const auto& [name, m] : memories.value().items()) {
    const Fields one = memories.object(name);
    a.memories.push_back({name, one.str("kind"), read_traffic(one)});
  }
  a.bus_bytes = f.u64("bus_bytes");
  a.dma_bytes = f.u64("dma_bytes");
  a.mcu_busy_cycles = f.u64("mcu_busy_cycles");
  if (f.has("vector")) {  // reports written before the vector unit had a price have none
    const Fields v = f.object("vector");
    a.vector_rescales = v.u64("rescales");
    a.vector_adds = v.u64("adds");
    if (v.has("macs")) a.vector_macs = v.u64("macs");  // reports written before vdwconv have none
  }
  const Fields cycles = f.object("cycles");
  a.npu_cycles = cycles.u64("npu");
  a.bus_cycles = cycles.u64("bus");
  a.mcu_cycles = cycles.u64("mcu");
  return a;
}

RunEnergy read_energy(const Fields& f) {
  RunEnergy e;
  e.technology = f.str("technology");
  e.technology_file = f.str("technology_file");
  e.total_uj = f.num("total_uj");
  e.dynamic_uj = f.num("dynamic_uj");
  e.leakage_uj = f.num("leakage_uj");
  const Fields components = f.object("components");
  for (const auto& [name, c] : components.value().items()) {
    const Fields one = components.object(name);
    e.components.push_back({name, one.num("dynamic_uj"), one.num("leakage_uj"), one.num("total_uj")});
  }
  e.actions = read_actions(f.object("actions"));
  return e;
}

RunArea read_area(const Fields& f) {
  RunArea a;
  a.total_mm2 = f.num("total_mm2");
  const Fields components = f.object("components_mm2");
  for (const auto& [name, v] : components.value().items()) {
    (void)v;
    a.components_mm2.emplace_back(name, components.num(name));
  }
  return a;
}

ScaleSimRow read_scalesim_row(const Fields& f) {
  ScaleSimRow r;
  r.name = f.str("name");
  r.m = f.u64("m");
  r.n = f.u64("n");
  r.k = f.u64("k");
  r.gemms = f.u64("gemms");
  r.tiles = f.u64("tiles");
  r.kiln_array = f.u64("kiln_array_cycles");
  r.kiln_closed = f.u64("kiln_closed_form_cycles");
  r.scalesim = f.u64("scalesim_compute_cycles");
  r.tiling = f.i64("tiling_cycles");
  r.folds = f.i64("fold_cycles");
  r.bound = f.str("bound");
  return r;
}

LayerRow read_layer(const Fields& f) {
  LayerRow l;
  l.name = f.str("name");
  l.kind = f.str("op");
  l.unit = f.str("unit");
  l.macs = f.u64("macs");
  l.predicted_cycles = f.num("predicted_cycles");
  l.simulated_cycles = f.u64("simulated_cycles");
  l.time_us = f.num("time_us");
  l.utilization = f.num("utilization");
  l.bytes_moved = f.u64("bytes_moved");
  l.roofline_cycles = f.num("roofline_cycles");
  l.bound = f.str("bound");
  l.tiling = f.str("tiling");
  if (f.has("mcu_kernel")) l.mcu_kernel = f.str("mcu_kernel");
  if (f.has("mcu_elements")) l.mcu_elements = f.u64("mcu_elements");
  if (f.has("float")) l.in_float = f.flag("float");
  return l;
}

// The whole report; roofline_to_simulated and explained are derived, so not read.
RunReport read_report(const Fields& top) {
  RunReport r;
  r.model = top.str("model");
  r.soc = top.str("soc");
  for (size_t i = 0, n = top.size_of("layers"); i < n; ++i) r.layers.push_back(read_layer(top.element("layers", i)));
  const Fields t = top.object("totals");
  r.total_cycles = t.u64("latency_cycles");
  r.total_us = t.num("latency_us");
  r.peak_sram_bytes = t.u64("peak_sram_bytes");
  r.flash_bytes = t.u64("flash_bytes");
  r.stream_bytes = t.u64("stream_bytes");
  r.npu_roofline_cycles = t.num("npu_roofline_cycles");
  r.npu_simulated_cycles = t.num("npu_simulated_cycles");
  r.outputs_match = t.flag("outputs_match_reference");
  if (top.has("wall_ms")) {
    const Fields w = top.object("wall_ms");
    r.wall_ms = RunWallMs{w.num("compile"), w.num("simulate"), w.num("reference")};
  }
  if (top.has("array_engine")) {
    const Fields a = top.object("array_engine");
    r.array_engine = RunArrayEngine{a.str("engine"), a.u64("commands"), a.u64("cycles"), a.num("wall_ms")};
  }
  if (top.has("energy")) r.energy = read_energy(top.object("energy"));
  if (top.has("area")) r.area = read_area(top.object("area"));
  if (top.has("scalesim")) {
    r.scalesim.emplace();
    for (size_t i = 0, n = top.size_of("scalesim"); i < n; ++i)
      r.scalesim->push_back(read_scalesim_row(top.element("scalesim", i)));
  }
  return r;
}

}  // namespace

void to_json(nlohmann::json& j, const RunReport& r) {
  json layers = json::array();
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
                      {"tiling", l.tiling},
                      {"mcu_kernel", l.mcu_kernel},
                      {"mcu_elements", l.mcu_elements},
                      {"float", l.in_float}});
  j = {{"model", r.model},
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
  if (r.wall_ms)
    j["wall_ms"] = {{"compile", r.wall_ms->compile}, {"simulate", r.wall_ms->simulate}, {"reference", r.wall_ms->reference}};
  if (r.array_engine)
    j["array_engine"] = {{"engine", r.array_engine->engine},
                         {"commands", r.array_engine->commands},
                         {"cycles", r.array_engine->cycles},
                         {"wall_ms", r.array_engine->wall_ms}};
  if (r.energy) j["energy"] = energy_json(*r.energy);
  if (r.scalesim) j["scalesim"] = scalesim_json(*r.scalesim);
  if (r.area) j["area"] = area_json(*r.area);
}

void to_json(nlohmann::json& j, const RunArea& a) { j = area_json(a); }

void from_json(const nlohmann::json& j, RunReport& r) { r = read_report(Fields(j, "run report", "")); }

void write_run_report(const RunReport& r, const std::string& path) {
  write_text_file_atomic(path, json(r).dump(2) + "\n");
}

RunReport read_run_report(const std::string& path) {
  const json j = parse_json(yaml::read_file(path, "run report"), path);
  return read_report(Fields(j, path, ""));
}

}  // namespace kiln::explore
