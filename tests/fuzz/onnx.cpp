// ONNX models: the protobuf reader, then compile and reference
// (kiln compile / run / reference MODEL.onnx).
#include "compiler/frontend/onnx_reader.h"
#include "tests/fuzz/model_pipeline.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return kiln::fuzz::expect_errors("fuzz.onnx", [&] {
    kiln::fuzz::compile_and_run(kiln::frontend::read_onnx_buffer(data, size, "fuzz.onnx"));
  });
}
