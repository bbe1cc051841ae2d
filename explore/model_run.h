// What `kiln run` and `kiln verify` share: a model compiled for a SoC with
// its input placed in SRAM (from a .npy file or random from a seed), and
// command streams read from .kbin or .kasm.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "arch/command.h"
#include "arch/npy.h"
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
// The same with one .npy file per graph input, in the model's order (none: random).
ModelRun prepare_model_run(const std::string& model, const SocConfig& soc, const std::vector<std::string>& input_npys,
                           std::optional<uint64_t> seed, const std::string& tuning_record = "",
                           const passes::PartitionOptions& partition = {});

// Places the inputs of a compiled model: `input_npy` when not empty (models
// with one input only), else random_inputs(graph, seed) (a fresh seed when
// none). `graph` is the graph compiled (run.graph unless the caller keeps it).
void place_inputs(ModelRun& run, const ir::Graph& graph, const SocConfig& soc, const std::string& model,
                  const std::string& input_npy, std::optional<uint64_t> seed);
// The same with one .npy file per graph input, in the model's order (none: random).
void place_inputs(ModelRun& run, const ir::Graph& graph, const SocConfig& soc, const std::string& model,
                  const std::vector<std::string>& input_npys, std::optional<uint64_t> seed);

// A graph input's value from a .npy file, as the IR holds it: int8 for an
// int8 input (uint8 too where the source model's input is uint8: it becomes
// int8 - 128 as the ONNX front end converts it), float32 ('<f4', every
// element finite) for a float input. Throws kiln::Error naming the file, the
// input and what was expected. With `exact_shape` the file's shape must be
// the input's (else only its element count).
std::vector<int8_t> read_input_npy(const std::string& path, const ir::Tensor& input, bool exact_shape = false);
// A tensor's value as a .npy array: float32, int32 (ONNX accumulator
// outputs) or int8; with `source_type`, uint8 (value + 128) where the source
// model's tensor is uint8.
NpyArray output_npy(const ir::Tensor& tensor, const std::vector<int8_t>& value, bool source_type = true);
// "element 5: reference 3, simulated 4" for the first element where two
// values of a tensor of `type` differ ("" when equal).
std::string first_difference(ir::DataType type, const std::vector<int8_t>& expected, const std::vector<int8_t>& got);
// Random inputs for the graph's inputs from `seed`, one after the other from
// the same sequence (what place_inputs places without a .npy file): int8
// bytes, or for a float input float32 over the range its QUANTIZE can
// represent.
std::vector<std::vector<int8_t>> random_inputs(const ir::Graph& graph, uint64_t seed);

// A command stream from .kasm (assembled) or .kbin (decoded).
Program read_stream_file(const std::string& path);

}  // namespace kiln::explore
