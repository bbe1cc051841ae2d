// NumPy arrays (.npy: kiln run / reference --input).
#include "tests/fuzz/fuzz_support.h"
#include "arch/npy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = kiln::fuzz::input_file(data, size, "fuzz.npy");
  return kiln::fuzz::expect_errors("fuzz.npy", [&] { kiln::read_npy(path); });
}
