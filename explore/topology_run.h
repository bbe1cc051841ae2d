// `kiln run --topology FILE.csv [--scalesim-config FILE.cfg]`: SCALE-Sim's
// files made into a kiln run. The topology becomes a synthetic int8 network
// (frontend/scalesim_topology.h); the SoC is the one of --soc, reshaped by the
// cfg when one is given (arch/scalesim_config.h), with a DRAM added when it
// has none so that large layers fit. The DRAM kiln adds is sized to what the
// compiled program uses (SCALE-Sim's DRAM has no size).
#pragma once

#include <optional>
#include <string>

#include "arch/soc_config.h"
#include "compiler/frontend/scalesim_topology.h"
#include "explore/model_run.h"

namespace kiln::explore {

struct TopologyRun {
  frontend::Topology topology;
  SocConfig soc;
  ModelRun run;
};

TopologyRun prepare_topology_run(const std::string& topology_csv, const std::string& scalesim_cfg,
                                 const SocConfig& base, const std::string& input_npy,
                                 std::optional<uint64_t> seed);

}  // namespace kiln::explore
