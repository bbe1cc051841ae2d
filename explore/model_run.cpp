#include "explore/model_run.h"

#include <fmt/format.h>

#include <random>

#include "arch/command_codec.h"
#include "arch/command_text.h"
#include "arch/error.h"
#include "arch/npy.h"
#include "compiler/frontend/load_model.h"
#include "explore/tuning_record.h"

namespace kiln::explore {
namespace {

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

std::vector<int8_t> input_from_npy(const std::string& path, const codegen::TensorBinding& in) {
  const NpyArray a = read_npy(path);
  if (a.data.size() != in.bytes || (a.dtype != "|i1" && a.dtype != "|u1"))
    throw Error(fmt::format("{}: input '{}' needs {} int8 elements (shape {}), the file has dtype {} and {} bytes", path,
                            in.name, in.bytes, ir::shape_string(in.shape), a.dtype, a.data.size()));
  std::vector<int8_t> v(a.data.size());
  // uint8 inputs (ONNX) become int8 exactly as the front end converts them.
  for (size_t i = 0; i < v.size(); ++i) v[i] = a.dtype == "|u1" ? int8_t(int(a.data[i]) - 128) : int8_t(a.data[i]);
  return v;
}

}  // namespace

std::vector<std::vector<int8_t>> random_inputs(const std::vector<uint64_t>& bytes, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<std::vector<int8_t>> inputs;
  for (const uint64_t n : bytes) {
    std::vector<int8_t> v(n);
    for (auto& x : v) x = int8_t(int(rng() % 256) - 128);
    inputs.push_back(std::move(v));
  }
  return inputs;
}

bool is_model_file(const std::string& path) { return ends_with(path, ".onnx") || ends_with(path, ".tflite"); }

ModelRun prepare_model_run(const std::string& model, const SocConfig& soc, const std::string& input_npy,
                           std::optional<uint64_t> seed, const std::string& tuning_record,
                           const passes::PartitionOptions& partition) {
  ModelRun r;
  r.graph = frontend::load_model(model);
  const RecordChoices tuned =
      tuning_record.empty() ? RecordChoices{} : load_tuning_choices(tuning_record, model, soc);
  r.compiled = codegen::compile_model(r.graph, soc, tuned.choices, tuned.origins, partition);
  validate_program(r.compiled.program, soc, model);
  if (r.compiled.inputs.size() != 1) throw Error(model + ": kiln supports models with one input");
  place_inputs(r, soc, model, input_npy, seed);
  return r;
}

void place_inputs(ModelRun& r, const SocConfig& soc, const std::string& model, const std::string& input_npy,
                  std::optional<uint64_t> seed) {
  r.inputs.clear();
  if (!input_npy.empty()) {
    if (r.compiled.inputs.size() != 1)
      throw Error(fmt::format("{}: --input gives one tensor, the network has {} inputs", model, r.compiled.inputs.size()));
    r.inputs.push_back(input_from_npy(input_npy, r.compiled.inputs[0]));
    r.input_note = "input: " + input_npy;
  } else {
    const uint64_t s = seed ? *seed : uint64_t(std::random_device{}());
    r.input_note = fmt::format("input: random int8 from seed {} (repeat with --seed {})", s, s);
    std::vector<uint64_t> bytes;
    for (const auto& in : r.compiled.inputs) bytes.push_back(in.bytes);
    r.inputs = random_inputs(bytes, s);
  }
  for (size_t i = 0; i < r.inputs.size(); ++i) {
    const auto& in = r.compiled.inputs[i];
    const MemoryConfig* mem = soc.find_memory(in.addr, in.bytes);
    const auto* bytes = reinterpret_cast<const uint8_t*>(r.inputs[i].data());
    r.compiled.program.images.push_back(
        {mem->name, in.addr, std::vector<uint8_t>(bytes, bytes + r.inputs[i].size())});
  }
}

Program read_stream_file(const std::string& path) {
  if (ends_with(path, ".kasm")) return read_program_text_file(path);
  return read_program_file(path);
}

}  // namespace kiln::explore
