// Command streams as text (.kasm: kiln asm, kiln simulate), parsed and
// validated against the default SoC as `kiln simulate` does.
#include <string>

#include "arch/command_codec.h"
#include "arch/command_text.h"
#include "arch/soc_config_yaml.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const kiln::SocConfig soc = kiln::load_soc_config(kiln::fuzz::source_dir() + "/configs/soc/default.yaml");
  static const std::string base_dir = kiln::fuzz::source_dir() + "/tests/data/streams";
  const std::string text(reinterpret_cast<const char*>(data), size);
  return kiln::fuzz::expect_errors("fuzz.kasm", [&] {
    const kiln::Program program = kiln::parse_program_text(text, "fuzz.kasm", base_dir);
    kiln::validate_program(program, soc, "fuzz.kasm");
  });
}
