// kiln reference MODEL --input IN.npy [--input ...] --output OUT.npy [--output ... | --output-index K] [--dump DIR]
// Runs the reference interpreter alone (no compile, no simulation): what the
// network computes, for comparison with other runtimes
// (scripts/check_reference.py). Tensors are in the IR's layout and type:
// int8 (float32 where the model's input or output is float), NHWC for
// rank-4 activations (an ONNX model's NCHW input is read transposed, and its
// uint8 tensors shifted by -128), exactly the IR tensor's shape. --input and
// --output repeat in the model's order. --dump writes every op's output too, to find the op where
// two runtimes part.
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "arch/error.h"
#include "arch/npy.h"
#include "compiler/frontend/load_model.h"
#include "compiler/ir/graph.h"
#include "compiler/reference/interpreter.h"
#include "explore/model_run.h"
#include "tools/commands.h"

namespace kiln::tools {

namespace {

struct ReferenceOptions {
  std::string model;
  std::vector<std::string> inputs;
  std::vector<std::string> outputs;
  int output_index = 0;
  std::string dump_dir;
};

// "7_conv2d_relu.npy": op index, then the tensor name with what a file name
// cannot hold replaced.
std::string dump_file_name(size_t op_index, const std::string& tensor_name) {
  std::string name = tensor_name;
  for (char& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '.') c = '_';
  return fmt::format("{:03}_{}.npy", op_index, name.substr(0, 120));
}

void run_reference_command(const ReferenceOptions& opt) {
  const ir::Graph graph = frontend::load_model(opt.model);
  if (opt.inputs.size() != graph.inputs.size())
    throw Error(fmt::format("{}: the model has {} input(s); {} --input given", opt.model, graph.inputs.size(),
                            opt.inputs.size()));
  if (opt.outputs.size() > 1 && opt.output_index != 0)
    throw Error("--output-index applies to a single --output; repeated --output files take the outputs in order");
  if (opt.outputs.size() > graph.outputs.size())
    throw Error(fmt::format("{}: --output given {} times, the model has {} output(s)", opt.model, opt.outputs.size(),
                            graph.outputs.size()));
  if (opt.output_index < 0 || size_t(opt.output_index) >= graph.outputs.size())
    throw Error(fmt::format("{}: --output-index {} out of range; the model has {} output(s)", opt.model,
                            opt.output_index, graph.outputs.size()));

  std::vector<reference::TensorData> inputs;
  for (size_t i = 0; i < opt.inputs.size(); ++i)
    inputs.push_back(explore::read_input_npy(opt.inputs[i], graph.tensors.at(size_t(graph.inputs[i])), true));

  reference::Interpreter interpreter(graph);
  nlohmann::json manifest = nlohmann::json::array();
  if (!opt.dump_dir.empty()) {
    std::filesystem::create_directories(opt.dump_dir);
    interpreter.after_op = [&](size_t op_index) {
      const ir::Op& op = graph.ops[op_index];
      const int id = op.outputs.at(0);
      const ir::Tensor& tensor = graph.tensors.at(size_t(id));
      // Not int32 accumulators; int32 a kernel writes (indices) are.
      if (tensor.type == ir::DataType::Int32 && op.kind != ir::OpKind::Kernel) return;
      const std::string file = dump_file_name(op_index, tensor.name);
      write_npy(opt.dump_dir + "/" + file, explore::output_npy(tensor, interpreter.value(id), false));
      manifest.push_back({{"op", op_index}, {"kind", ir::op_name(op)}, {"source_op", op.source_op},
                          {"source_op_index", op.source_index}, {"tensor", tensor.name},
                          {"tensor_source_index", tensor.source_index}, {"file", file}});
    };
  }
  interpreter.run(inputs);
  if (!opt.dump_dir.empty()) {
    // Which file holds which tensor: names can be long or repeat, source indices cannot.
    std::ofstream out(opt.dump_dir + "/manifest.json");
    out << manifest.dump(1) << "\n";
    if (!out) throw Error(opt.dump_dir + "/manifest.json: cannot write");
  }
  const std::vector<reference::TensorData> outputs = interpreter.outputs();
  for (size_t k = 0; k < opt.outputs.size(); ++k) {
    const size_t index = opt.outputs.size() == 1 ? size_t(opt.output_index) : k;
    const ir::Tensor& out = graph.tensors.at(size_t(graph.outputs[index]));
    write_npy(opt.outputs[k], explore::output_npy(out, outputs.at(index), false));
    const std::string quant = out.type == ir::DataType::Float32 || out.quant.empty()  // float, int32 indices
                                  ? std::string()
                                  : fmt::format(" (scale {}, zero point {})", out.scale(), out.zero_point());
    std::cout << fmt::format("{}: output {} '{}' {} {}{} -> {}\n", opt.model, index, out.name,
                             ir::shape_string(out.shape), ir::data_type_name(out.type), quant, opt.outputs[k]);
  }
}

}  // namespace

void add_reference_command(CLI::App& app) {
  auto opt = std::make_shared<ReferenceOptions>();
  CLI::App* cmd = app.add_subcommand(
      "reference", "Run the reference interpreter alone on one input; tensors int8, in the IR's layout (NHWC)");
  cmd->add_option("model", opt->model, "model (.tflite or .onnx)")->required();
  cmd->add_option("--input", opt->inputs,
                  "input tensor (.npy, int8 or float32 as the model's input, the IR's shape: NHWC for images); once "
                  "per model input, in the model's order")
      ->required()
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  cmd->add_option("--output", opt->outputs,
                  "where to write the output (.npy, the IR's shape); repeated: the model's outputs in order")
      ->required()
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  cmd->add_option("--output-index", opt->output_index, "which model output a single --output writes (default 0)");
  cmd->add_option("--dump", opt->dump_dir,
                  "also write every op's output to DIR/<op index>_<tensor name>.npy (int8, float32 at a float output, int32 indices; IR layout), listed in DIR/manifest.json");
  cmd->callback([opt] { run_reference_command(*opt); });
}

}  // namespace kiln::tools
