// Technology YAML (the `technology:` file of an SoC config: energy and area).
#include <string>

#include "arch/technology_yaml.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  return kiln::fuzz::expect_errors("fuzz_tech.yaml", [&] { kiln::parse_technology(text, "fuzz_tech.yaml"); });
}
