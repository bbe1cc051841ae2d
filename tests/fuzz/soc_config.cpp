// SoC config YAML (kiln config check, --soc of every command).
#include <string>

#include "arch/soc_config_yaml.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  return kiln::fuzz::expect_errors("fuzz_soc.yaml", [&] { kiln::parse_soc_config(text, "fuzz_soc.yaml"); });
}
