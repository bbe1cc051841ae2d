// A design-space sweep, as written in a YAML spec (docs/sweep.md):
//
//   base: ../soc/default.yaml             # relative to the spec
//   parameters:                           # any SoC field, by its dotted path
//     npu.array.rows: [8, 16, 32]         # a list
//     npu.scratchpads.input.size_kib: {from: 16, to: 128, factor: 2}   # a range (step: or factor:)
//     bus.width_bits: {random: {min: 32, max: 256, count: 3}}         # random integers (seed below)
//   constraints:                          # expressions over the parameters (full path or last name)
//     - rows == npu.array.cols
//   workloads: [../../workloads/resnet8.onnx]
//   objectives: [latency, energy, area, edp]
//   seed: 1                               # model inputs and random values
//   sample: 20                            # optional: this many points, drawn from the product
//   timeout_s: 300                        # per point and workload
//
// Design points are the cartesian product of the parameter values (first
// parameter slowest) that satisfy every constraint, numbered in that order.
// Every error names the spec file, line and column.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace kiln::explore {

struct SweepParameter {
  std::string path;                 // "npu.array.rows"; a list item by its name: "memories.sram.size_kib"
  std::vector<std::string> values;  // YAML scalars as they go into the config
};

struct SweepSpec {
  std::string file;                 // the spec as given
  std::string base;                 // the base SoC config, resolved
  std::string base_text;            // its YAML, read once
  std::vector<SweepParameter> parameters;
  std::vector<std::string> constraints;
  std::vector<std::pair<int, int>> constraint_positions;  // line, column in the spec (1-based)
  std::vector<std::string> workloads;   // resolved
  std::vector<std::string> objectives;  // latency | energy | area | edp
  uint64_t seed = 1;
  std::optional<uint64_t> sample;
  double timeout_s = 300;
  std::string fingerprint;          // of everything that decides the results (resume, merge)
};

struct DesignPoint {
  size_t index = 0;                 // in enumeration order
  std::string id;                   // "p0007"
  std::vector<std::string> values;  // one per parameter
};

// Throws kiln::Error "<file>:<line>:<col>: ..." for anything wrong in the spec.
SweepSpec load_sweep_spec(const std::string& path);

// The points of the spec, in order (after the constraints and the sample).
std::vector<DesignPoint> enumerate_points(const SweepSpec& spec);

// The base config with the point's values in place, as YAML text.
std::string point_soc_yaml(const SweepSpec& spec, const DesignPoint& point);

}  // namespace kiln::explore
