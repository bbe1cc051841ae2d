// Binary command streams (.kbin: kiln simulate, kiln asm --disassemble),
// decoded and validated against the default SoC as `kiln simulate` does.
//
// KILN_FUZZ_SEED_DIR=DIR makes the harness write the bundled .kasm streams
// there, assembled (scripts/fuzz.sh seeds the corpus with them).
#include <cstdlib>
#include <fstream>
#include <vector>

#include "arch/command_codec.h"
#include "arch/command_text.h"
#include "arch/soc_config_yaml.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  const char* dir = std::getenv("KILN_FUZZ_SEED_DIR");
  if (!dir) return 0;
  for (const char* stem : {"gemm_tile", "conv_double_buffer", "mcu_npu"}) {
    const kiln::Program p =
        kiln::read_program_text_file(kiln::fuzz::source_dir() + "/tests/data/streams/" + stem + ".kasm");
    const std::vector<uint8_t> bytes = kiln::encode_program(p);
    std::ofstream(std::string(dir) + "/" + stem + ".kbin", std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const kiln::SocConfig soc = kiln::load_soc_config(kiln::fuzz::source_dir() + "/configs/soc/default.yaml");
  const std::vector<uint8_t> bytes(data, data + size);
  return kiln::fuzz::expect_errors("fuzz.kbin", [&] {
    const kiln::Program program = kiln::decode_program(bytes, "fuzz.kbin");
    kiln::format_program(program);  // the disassembly
    kiln::validate_program(program, soc, "fuzz.kbin");
  });
}
