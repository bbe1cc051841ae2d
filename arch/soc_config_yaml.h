// Loading a SocConfig from YAML (schema: configs/soc/default.yaml, every field
// documented in docs/soc-config.md). Every field is validated; a bad file
// throws kiln::Error with one line "file:line:column: key.path: message"
// (line and column 1-based). A config returned from here is valid: the rest
// of kiln may rely on it without further checks.
#pragma once

#include <cstdint>
#include <string>

#include "arch/soc_config.h"

namespace kiln {

// Reads and validates the file at `path`; errors name `path`.
SocConfig load_soc_config(const std::string& path);

// The same from YAML text; errors and SocConfig::source name `source_name`.
SocConfig parse_soc_config(const std::string& yaml_text, const std::string& source_name);

// SocConfig::technology: true for a file path (it has a '/' or ends in .yaml
// or .yml; the loader stores it absolute), false for the name of a shipped
// technology (configs/tech/<name>.yaml, resolved by explore/).
bool technology_is_path(const std::string& value);
// The same rule for every config value that is a shipped name or a file
// (technology, mcu.profile).
bool names_a_file(const std::string& value);

// The NPU's memory-mapped register window: kNpuRegWindowBytes at npu.reg_base.
inline constexpr uint64_t kNpuRegWindowBytes = 4096;

// Bytes of one per-column post-processing record {int32 bias, multiplier, shift}
// in the weight scratchpad (arch/command.h, PostProcessCmd).
inline constexpr uint64_t kPpuParamRecordBytes = 12;

// The smallest buffers that hold one tile occupying every PE of a rows x cols
// array in every dataflow: the GEMM tile M x K x N with K = rows, N = cols and
// M = max(rows, cols) (weight-stationary folds K x N, output-stationary folds
// M x N, input-stationary folds K x M). Per scratchpad bank, since a
// double-buffered scratchpad must hold a whole tile in each half.
struct MinimumTileBuffers {
  uint64_t input_bank_bytes;    // A, int8, M x K
  uint64_t weight_bank_bytes;   // B, int8, K x N, plus one PPU record per column
  uint64_t output_bank_bytes;   // int8, M x N
  uint64_t accumulator_bytes;   // int32, M x N
};
MinimumTileBuffers minimum_tile_buffers(unsigned rows, unsigned cols);

}  // namespace kiln
