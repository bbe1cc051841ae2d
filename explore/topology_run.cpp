#include "explore/topology_run.h"

#include <algorithm>

#include <fmt/format.h>

#include "arch/command_codec.h"
#include "arch/error.h"
#include "arch/scalesim_config.h"

namespace kiln::explore {
namespace {

// The DRAM the compiler may fill; shrunk to what it used before simulating
// (the simulator holds every memory's bytes).
constexpr uint64_t kCompileDramBytes = uint64_t(1) << 30;
constexpr uint64_t kDramGranule = uint64_t(1) << 20;

void add_dram(SocConfig& soc) {
  MemoryConfig dram = scalesim_dram(kCompileDramBytes, soc.bus.width_bytes);
  for (const auto& m : soc.memories)
    if (m.name == dram.name || (m.base < dram.base + dram.size_bytes && dram.base < m.base + m.size_bytes))
      throw Error(fmt::format("{}: memory '{}' is in the way of the DRAM kiln adds for a topology at 0x{:x}; give the "
                              "SoC a memory of kind dram instead",
                              soc.source, m.name, dram.base));
  soc.memories.push_back(dram);
}

}  // namespace

TopologyRun prepare_topology_run(const std::string& topology_csv, const std::string& scalesim_cfg,
                                 const SocConfig& base, const std::string& input_npy,
                                 std::optional<uint64_t> seed) {
  TopologyRun t;
  t.topology = frontend::load_scalesim_topology(topology_csv);
  const bool own_dram = base.first_of_kind(MemoryKind::Dram) != nullptr;
  if (!scalesim_cfg.empty()) {
    SocConfig without = base;
    if (own_dram) {  // the cfg brings its own DRAM
      without.memories.erase(std::remove_if(without.memories.begin(), without.memories.end(),
                                            [](const MemoryConfig& m) { return m.kind == MemoryKind::Dram; }),
                             without.memories.end());
    }
    t.soc = soc_from_scalesim(load_scalesim_config(scalesim_cfg), without, kCompileDramBytes);
  } else {
    t.soc = base;
    if (!own_dram) add_dram(t.soc);
  }
  const bool sized_here = !scalesim_cfg.empty() || !own_dram;

  ModelRun& r = t.run;
  r.graph = frontend::build_topology_graph(t.topology);
  r.compiled = codegen::compile_model(r.graph, t.soc);
  if (sized_here) {
    MemoryConfig& dram = *std::find_if(t.soc.memories.begin(), t.soc.memories.end(),
                                       [](const MemoryConfig& m) { return m.kind == MemoryKind::Dram; });
    uint64_t used = r.compiled.activations_in_dram ? r.compiled.peak_sram_bytes : 0;
    for (const auto& img : r.compiled.program.images)
      if (img.memory == dram.name) used = std::max<uint64_t>(used, img.addr + img.bytes.size() - dram.base);
    if (r.compiled.program.stream_memory == dram.name)
      used = std::max<uint64_t>(used, r.compiled.program.stream_addr + r.compiled.stream_bytes - dram.base);
    dram.size_bytes = std::max<uint64_t>(kDramGranule, (used + kDramGranule - 1) / kDramGranule * kDramGranule);
  }
  validate_program(r.compiled.program, t.soc, topology_csv);
  place_inputs(r, r.graph, t.soc, topology_csv, input_npy, seed);
  return t;
}

}  // namespace kiln::explore
