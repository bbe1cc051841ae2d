// What `kiln compile` and `kiln reference` do with a model once a front end
// has read it: compile it for the default SoC (or the default SoC with the
// vector unit, whose partition and planners take other paths) and run the
// reference interpreter on it (small graphs only, to keep executions fast).
#pragma once

#include "arch/soc_config_yaml.h"
#include "compiler/codegen/compile_model.h"
#include "compiler/reference/interpreter.h"
#include "tests/fuzz/fuzz_support.h"

namespace kiln::fuzz {

inline const SocConfig& default_soc() {
  static const SocConfig soc = load_soc_config(source_dir() + "/configs/soc/default.yaml");
  return soc;
}

inline const SocConfig& vector_soc() {
  static const SocConfig soc = load_soc_config(source_dir() + "/configs/soc/default-vector.yaml");
  return soc;
}

// Whole real networks take seconds to compile under the sanitizers; the
// readers are what the model harnesses fuzz, and the operator harness feeds
// the compiler and the reference small graphs, so larger graphs stop here.
inline bool small_graph(const ir::Graph& graph) {
  if (graph.ops.size() > 8) return false;
  int64_t work = 0;  // the reference's cost is about its operands' sizes
  for (const auto& op : graph.ops)
    for (int t : op.inputs) work += graph.tensors[size_t(t)].num_elements();
  return work <= (int64_t(1) << 16);
}

inline void compile_and_run(const ir::Graph& graph, bool with_vector_unit = false) {
  if (!small_graph(graph)) return;
  codegen::compile_model(graph, with_vector_unit ? vector_soc() : default_soc());
  std::vector<reference::TensorData> inputs;
  for (int t : graph.inputs) inputs.emplace_back(size_t(graph.tensors[size_t(t)].byte_size()), int8_t(1));
  reference::run_reference(graph, inputs);
}

}  // namespace kiln::fuzz
