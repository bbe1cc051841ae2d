// SCALE-Sim v2's architecture config (.cfg, an INI file as Python's
// configparser reads it) and the SoC kiln builds from it. kiln reads:
//   [general]              run_name
//   [architecture_presets] ArrayHeight, ArrayWidth, IfmapSramSzkB,
//                          FilterSramSzkB, OfmapSramSzkB, Dataflow (ws|os|is),
//                          Bandwidth (words per cycle, a comma list),
//                          MemoryBanks, IfmapOffset, FilterOffset, OfmapOffset
//   [run_presets]          InterfaceBandwidth (CALC|USER)
// Keys are case-insensitive, '=' or ':' separates key and value, '#' and ';'
// start comment lines. The array and the three SRAM sizes and the dataflow
// are required; other keys and sections are accepted and left unused (the
// offsets are SCALE-Sim's trace addresses; kiln places tensors itself).
// Mapping onto kiln's SoC and its reasons: docs/scalesim.md.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "arch/soc_config.h"

namespace kiln {

struct ScaleSimConfig {
  std::string source;          // file it was read from
  std::string run_name;
  unsigned rows = 0, cols = 0;  // ArrayHeight, ArrayWidth
  uint64_t ifmap_kib = 0, filter_kib = 0, ofmap_kib = 0;
  Dataflow dataflow = Dataflow::WeightStationary;
  std::vector<unsigned> bandwidth;  // words (bytes) per cycle; empty when absent
  bool user_bandwidth = false;      // InterfaceBandwidth: USER (else CALC)
  // Where each SRAM size was given, "file:line:column", for later errors.
  std::string ifmap_at, filter_at, ofmap_at;
};

// Throws kiln::Error "file:line:column: what was expected" on a malformed line,
// a missing required key or a value out of range.
ScaleSimConfig parse_scalesim_config(const std::string& text, const std::string& source);
ScaleSimConfig load_scalesim_config(const std::string& path);

// The SoC kiln runs a SCALE-Sim config on: `base` (the embedded default) with
// the array's rows, columns and dataflow, the input, weight and output
// scratchpads sized as the ifmap, filter and ofmap SRAMs (two banks each:
// SCALE-Sim's SRAMs are double-buffered), the accumulator grown to one full
// tile if needed, and a DRAM (memory "dram") at kScaleSimDramBase of
// `dram_bytes` whose peak rate is the largest Bandwidth (bus width raised to
// it). Throws kiln::Error located at the cfg key when an SRAM is too small for
// one tile of the array.
inline constexpr uint64_t kScaleSimDramBase = 0x80000000;
inline constexpr unsigned kScaleSimDramLatencyCycles = 20;
// The DRAM both a SCALE-Sim config and a topology run on another SoC add.
MemoryConfig scalesim_dram(uint64_t size_bytes, unsigned bytes_per_cycle);
SocConfig soc_from_scalesim(const ScaleSimConfig& cfg, const SocConfig& base, uint64_t dram_bytes);

}  // namespace kiln
