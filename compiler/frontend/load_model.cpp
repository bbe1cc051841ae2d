#include "compiler/frontend/load_model.h"

#include "arch/error.h"
#include "compiler/frontend/onnx_reader.h"
#include "compiler/frontend/tflite_reader.h"

namespace kiln::frontend {
namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

ir::Graph load_model(const std::string& path) {
  if (ends_with(path, ".tflite")) return read_tflite(path);
  if (ends_with(path, ".onnx")) return read_onnx(path);
  throw Error(path + ": unknown model type; expected a .tflite or .onnx file");
}

}  // namespace kiln::frontend
