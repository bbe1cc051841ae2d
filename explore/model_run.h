// What `kiln run` and `kiln verify` share: a model compiled for a SoC with
// its input placed in SRAM (from a .npy file or random from a seed), and
// command streams read from .kbin or .kasm.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "arch/command.h"
#include "arch/soc_config.h"
#include "compiler/codegen/compile_model.h"
#include "compiler/ir/graph.h"

namespace kiln::explore {

struct ModelRun {
  ir::Graph graph;
  codegen::CompiledModel compiled;  // program.images holds the inputs
  std::vector<std::vector<int8_t>> inputs;  // one per graph input
  std::string input_note;  // where the inputs came from, for the user
};

// True for the file types `load_model` reads (.onnx, .tflite).
bool is_model_file(const std::string& path);

// Loads and compiles `model` for `soc`, validates the program and places the
// input: `input_npy` when not empty, else random int8 from `seed` (a fresh
// random seed when none is given; the note says how to repeat it). With a
// tuning record (kiln tune), its tilings replace the cost model's; a record
// for another model or SoC is refused. `partition` chooses the units ops may
// run on (passes::PartitionOptions: --mcu-only).
ModelRun prepare_model_run(const std::string& model, const SocConfig& soc, const std::string& input_npy,
                           std::optional<uint64_t> seed, const std::string& tuning_record = "",
                           const passes::PartitionOptions& partition = {});

// Places the inputs of a compiled model: `input_npy` when not empty (models
// with one input only), else random int8 from `seed` (fresh when none), one
// input after the other from the same sequence.
void place_inputs(ModelRun& run, const SocConfig& soc, const std::string& model, const std::string& input_npy,
                  std::optional<uint64_t> seed);

// Random int8 inputs of these sizes from `seed`, one after the other from the
// same sequence (what place_inputs places without a .npy file).
std::vector<std::vector<int8_t>> random_inputs(const std::vector<uint64_t>& bytes, uint64_t seed);

// A command stream from .kasm (assembled) or .kbin (decoded).
Program read_stream_file(const std::string& path);

}  // namespace kiln::explore
