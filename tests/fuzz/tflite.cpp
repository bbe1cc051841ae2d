// TFLite models: the flatbuffer reader, then compile and reference
// (kiln compile / run / reference MODEL.tflite).
#include "compiler/frontend/tflite_reader.h"
#include "tests/fuzz/model_pipeline.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return kiln::fuzz::expect_errors("fuzz.tflite", [&] {
    kiln::fuzz::compile_and_run(kiln::frontend::read_tflite_buffer(data, size, "fuzz.tflite"));
  });
}
