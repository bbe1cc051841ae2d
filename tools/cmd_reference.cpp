// kiln reference MODEL --input IN.npy [--input ...] --output OUT.npy [--output-index K] [--dump DIR]
// Runs the reference interpreter alone (no compile, no simulation): what the
// network computes, for comparison with other runtimes
// (scripts/check_reference.py). Tensors are in the IR's layout and type:
// int8, NHWC for rank-4 activations (an ONNX model's NCHW input is read
// transposed, and its uint8 tensors shifted by -128), exactly the IR
// tensor's shape. --dump writes every op's output too, to find the op where
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
  std::string output;
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
      if (tensor.type != ir::DataType::Int8) return;
      const std::string file = dump_file_name(op_index, tensor.name);
      write_npy(opt.dump_dir + "/" + file, explore::output_npy(tensor, interpreter.value(id), false));
      manifest.push_back({{"op", op_index}, {"kind", ir::op_kind_name(op.kind)}, {"source_op", op.source_op},
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
  const ir::Tensor& out = graph.tensors.at(size_t(graph.outputs[size_t(opt.output_index)]));
  write_npy(opt.output, explore::output_npy(out, outputs.at(size_t(opt.output_index)), false));
  std::cout << fmt::format("{}: output {} '{}' {} {} (scale {}, zero point {}) -> {}\n", opt.model, opt.output_index,
                           out.name, ir::shape_string(out.shape), ir::data_type_name(out.type), out.scale(),
                           out.zero_point(), opt.output);
}

}  // namespace

void add_reference_command(CLI::App& app) {
  auto opt = std::make_shared<ReferenceOptions>();
  CLI::App* cmd = app.add_subcommand(
      "reference", "Run the reference interpreter alone on one input; tensors int8, in the IR's layout (NHWC)");
  cmd->add_option("model", opt->model, "model (.tflite or .onnx)")->required();
  cmd->add_option("--input", opt->inputs, "input tensor (.npy, int8, the IR's shape: NHWC for images); once per model input")
      ->required();
  cmd->add_option("--output", opt->output, "where to write the output (.npy, int8, the IR's shape)")->required();
  cmd->add_option("--output-index", opt->output_index, "which model output to write (default 0)");
  cmd->add_option("--dump", opt->dump_dir,
                  "also write every op's output to DIR/<op index>_<tensor name>.npy (int8, IR layout), listed in DIR/manifest.json");
  cmd->callback([opt] { run_reference_command(*opt); });
}

}  // namespace kiln::tools
