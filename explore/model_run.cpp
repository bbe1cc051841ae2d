#include "explore/model_run.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <cstring>
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

// Uniform in [0, 1) from 53 bits of the generator (the same on every host).
double unit(std::mt19937_64& rng) { return double(rng() >> 11) * 0x1.0p-53; }

// A random float input spans what the QUANTIZE reading it can represent:
// real values of q in [-128, 127] at its output's scale and zero point.
std::vector<int8_t> random_float_input(const ir::Graph& g, int tensor, std::mt19937_64& rng) {
  float scale = 1.0f / 64;
  int32_t zp = 0;
  for (const auto& op : g.ops)
    if (op.kind == ir::OpKind::Quantize && op.inputs[0] == tensor) {
      scale = g.tensors[size_t(op.outputs[0])].scale();
      zp = g.tensors[size_t(op.outputs[0])].zero_point();
      break;
    }
  std::vector<int8_t> v(g.tensors[size_t(tensor)].byte_size());
  for (size_t i = 0; i < v.size() / 4; ++i) {
    const float x = float((-128.0 - zp + 255.0 * unit(rng)) * scale);
    std::memcpy(&v[4 * i], &x, 4);  // the SoC and the host are little-endian
  }
  return v;
}

}  // namespace

std::vector<std::vector<int8_t>> random_inputs(const ir::Graph& graph, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<std::vector<int8_t>> inputs;
  for (const int t : graph.inputs) {
    const ir::Tensor& tensor = graph.tensors[size_t(t)];
    if (tensor.type == ir::DataType::Float32) {
      inputs.push_back(random_float_input(graph, t, rng));
      continue;
    }
    std::vector<int8_t> v(tensor.byte_size());
    for (auto& x : v) x = int8_t(int(rng() % 256) - 128);
    inputs.push_back(std::move(v));
  }
  return inputs;
}

bool is_model_file(const std::string& path) { return ends_with(path, ".onnx") || ends_with(path, ".tflite"); }

ModelRun prepare_model_run(const std::string& model, const SocConfig& soc, const std::string& input_npy,
                           std::optional<uint64_t> seed, const std::string& tuning_record,
                           const passes::PartitionOptions& partition) {
  return prepare_model_run(model, soc, input_npy.empty() ? std::vector<std::string>{} : std::vector{input_npy}, seed,
                           tuning_record, partition);
}

ModelRun prepare_model_run(const std::string& model, const SocConfig& soc, const std::vector<std::string>& input_npys,
                           std::optional<uint64_t> seed, const std::string& tuning_record,
                           const passes::PartitionOptions& partition) {
  ModelRun r;
  r.graph = frontend::load_model(model);
  const RecordChoices tuned =
      tuning_record.empty() ? RecordChoices{} : load_tuning_choices(tuning_record, model, soc);
  r.compiled = codegen::compile_model(r.graph, soc, tuned.choices, tuned.origins, partition);
  validate_program(r.compiled.program, soc, model);
  place_inputs(r, r.graph, soc, model, input_npys, seed);
  return r;
}

void place_inputs(ModelRun& r, const ir::Graph& graph, const SocConfig& soc, const std::string& model,
                  const std::string& input_npy, std::optional<uint64_t> seed) {
  place_inputs(r, graph, soc, model, input_npy.empty() ? std::vector<std::string>{} : std::vector{input_npy}, seed);
}

void place_inputs(ModelRun& r, const ir::Graph& graph, const SocConfig& soc, const std::string& model,
                  const std::vector<std::string>& input_npys, std::optional<uint64_t> seed) {
  r.inputs.clear();
  if (!input_npys.empty()) {
    if (input_npys.size() != r.compiled.inputs.size()) {
      std::vector<std::string> names;
      for (const auto& in : r.compiled.inputs) names.push_back("'" + graph.tensors[size_t(in.tensor)].name + "'");
      throw Error(fmt::format("{}: --input given {} time(s), the model has {} input(s): {} (one --input each, in "
                              "this order)",
                              model, input_npys.size(), r.compiled.inputs.size(), fmt::join(names, ", ")));
    }
    for (size_t i = 0; i < input_npys.size(); ++i)
      r.inputs.push_back(read_input_npy(input_npys[i], graph.tensors[size_t(r.compiled.inputs[i].tensor)]));
    r.input_note = "input: " + fmt::format("{}", fmt::join(input_npys, ", "));
  } else {
    const uint64_t s = seed ? *seed : uint64_t(std::random_device{}());
    const bool any_float = std::any_of(r.compiled.inputs.begin(), r.compiled.inputs.end(),
                                       [](const auto& in) { return in.type == ir::DataType::Float32; });
    r.input_note = fmt::format("input: random {} from seed {} (repeat with --seed {})",
                               any_float ? "float32 over the input's quantized range" : "int8", s, s);
    r.inputs = random_inputs(graph, s);
  }
  for (size_t i = 0; i < r.inputs.size(); ++i) {
    const auto& in = r.compiled.inputs[i];
    const MemoryConfig* mem = soc.find_memory(in.addr, in.bytes);
    const auto* bytes = reinterpret_cast<const uint8_t*>(r.inputs[i].data());
    r.compiled.program.images.push_back(
        {mem->name, in.addr, std::vector<uint8_t>(bytes, bytes + r.inputs[i].size())});
  }
}

std::vector<int8_t> read_input_npy(const std::string& path, const ir::Tensor& input, bool exact_shape) {
  const NpyArray a = read_npy(path);
  if (exact_shape && ir::Shape(a.shape.begin(), a.shape.end()) != input.shape)
    throw Error(fmt::format("{}: shape {}; expected {} (input '{}', IR layout: NHWC for rank 4)", path,
                            ir::shape_string(ir::Shape(a.shape.begin(), a.shape.end())),
                            ir::shape_string(input.shape), input.name));
  const std::string& name = input.name;
  const int64_t elements = input.num_elements();
  const bool is_float = input.type == ir::DataType::Float32;
  const bool u8 = a.dtype == "|u1" || a.dtype == "<u1";
  const bool dtype_ok = is_float ? a.dtype == "<f4" : (a.dtype == "|i1" || a.dtype == "<i1" || (u8 && input.source_uint8));
  const size_t bytes = size_t(elements) * (is_float ? 4 : 1);
  if (!dtype_ok || a.data.size() != bytes)
    throw Error(fmt::format("{}: input '{}' needs {} {} elements (shape {}), the file has dtype {} and {} bytes", path,
                            name, elements,
                            is_float ? "float32 ('<f4')" : input.source_uint8 ? "uint8 ('|u1') or int8" : "int8 ('|i1')",
                            ir::shape_string(input.shape), a.dtype, a.data.size()));
  std::vector<int8_t> v(a.data.size());
  if (is_float) {
    for (int64_t i = 0; i < elements; ++i) {
      float x;
      std::memcpy(&x, &a.data[size_t(4 * i)], 4);
      if (!std::isfinite(x))
        throw Error(fmt::format("{}: input '{}' element {} is {}: a float input must be finite (QUANTIZE of it is "
                                "undefined)",
                                path, name, i, x));
    }
    std::memcpy(v.data(), a.data.data(), a.data.size());
    return v;
  }
  // uint8 inputs (ONNX) become int8 exactly as the front end converts them.
  for (size_t i = 0; i < v.size(); ++i) v[i] = u8 ? int8_t(int(a.data[i]) - 128) : int8_t(a.data[i]);
  return v;
}

NpyArray output_npy(const ir::Tensor& tensor, const std::vector<int8_t>& value, bool source_type) {
  NpyArray a{"|i1", std::vector<int64_t>(tensor.shape.begin(), tensor.shape.end()),
             std::vector<uint8_t>(value.begin(), value.end())};
  if (tensor.type == ir::DataType::Float32) a.dtype = "<f4";
  if (tensor.type == ir::DataType::Int32) a.dtype = "<i4";
  if (tensor.type == ir::DataType::Int8 && tensor.source_uint8 && source_type) {
    a.dtype = "|u1";
    for (uint8_t& b : a.data) b = uint8_t(b + 128);
  }
  if (tensor.type == ir::DataType::Int32 && tensor.source_int64 && source_type) {
    a.dtype = "<i8";  // each little-endian int32 sign-extended to 8 bytes
    a.data.clear();
    for (size_t e = 0; e + 4 <= value.size(); e += 4) {
      const uint8_t sign = uint8_t(value[e + 3]) & 0x80 ? 0xFF : 0x00;
      for (size_t k = 0; k < 8; ++k) a.data.push_back(k < 4 ? uint8_t(value[e + k]) : sign);
    }
  }
  return a;
}

std::string first_difference(ir::DataType type, const std::vector<int8_t>& expected, const std::vector<int8_t>& got) {
  const size_t width = ir::data_type_size(type);
  const size_t n = std::min(expected.size(), got.size()) / width;
  for (size_t i = 0; i < n; ++i) {
    if (std::memcmp(&expected[i * width], &got[i * width], width) == 0) continue;
    if (type == ir::DataType::Float32) {
      float e, g;
      std::memcpy(&e, &expected[i * width], 4);
      std::memcpy(&g, &got[i * width], 4);
      return fmt::format("element {}: reference {}, simulated {}", i, e, g);
    }
    if (type == ir::DataType::Int32) {
      int32_t e, g;
      std::memcpy(&e, &expected[i * width], 4);
      std::memcpy(&g, &got[i * width], 4);
      return fmt::format("element {}: reference {}, simulated {}", i, e, g);
    }
    return fmt::format("element {}: reference {}, simulated {}", i, int(expected[i]), int(got[i]));
  }
  if (expected.size() != got.size()) return fmt::format("{} bytes against {}", expected.size(), got.size());
  return "";
}

Program read_stream_file(const std::string& path) {
  if (ends_with(path, ".kasm")) return read_program_text_file(path);
  return read_program_file(path);
}

}  // namespace kiln::explore
