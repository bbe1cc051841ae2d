#include "compiler/frontend/load_model.h"

#include "arch/error.h"
#include "compiler/frontend/onnx_reader.h"
#include "compiler/frontend/tflite_reader.h"
#include "compiler/ir/batch_matmul.h"
#include "compiler/ir/concat_chain.h"

namespace kiln::frontend {
namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

ir::Graph load_model(const std::string& path) {
  ir::Graph g;
  if (ends_with(path, ".tflite")) {
    g = read_tflite(path);
  } else if (ends_with(path, ".onnx")) {
    g = read_onnx(path);
  } else {
    throw Error(path + ": unknown model type; expected a .tflite or .onnx file");
  }
  ir::chain_concats(g);  // the MCU joins two inputs at a time
  ir::batch_matmul_as_fully_connected(g);  // a constant right operand as weights the array holds
  return g;
}

}  // namespace kiln::frontend
