// The NPU's post-processing unit: accumulators -> int8, per output channel n:
//   v = acc + bias[n]; v = multiply_by_quantized_multiplier(v, mult[n], shift[n])
//   + out_zero_point; clamp to [act_min, act_max] (and to int8).
// Parameters are 12-byte records {bias, multiplier, shift} in the Weight buffer
// at params_addr + 12*n (arch/command.h). ppu_lanes elements per NPU cycle.
// The built-in NPU unit "post_process" (sim/npu_unit.h).
#pragma once

#include <cstdint>
#include <vector>

#include "arch/command.h"
#include "sim/npu_unit.h"
#include "sim/scratchpad.h"

namespace kiln::sim {

// NPU cycles of one PostProcessCmd: a one-cycle handshake (as the array's
// kArrayCommandOverhead) plus ceil(m*n / lanes).
uint64_t post_process_cycles(const PostProcessCmd& p, unsigned lanes);

class PostProcessUnit final : public NpuUnit {
 public:
  PostProcessUnit(ScratchpadIf& spm, unsigned lanes) : spm_(spm), lanes_(lanes) {}
  void run(const PostProcessCmd& p);
  static std::vector<SpmRegion> regions(const PostProcessCmd& p);

  std::string name() const override { return "post_process"; }
  std::vector<Opcode> opcodes() const override { return {Opcode::PostProcess}; }
  UnitWork execute(const Command& cmd, int64_t index) override;

 private:
  // Whether `rows` rows of `row` bytes, `stride` apart, all lie in the buffer.
  bool rows_inside(Buffer buf, uint64_t offset, uint64_t stride, uint64_t rows, uint64_t row) const;

  ScratchpadIf& spm_;
  unsigned lanes_;
  std::vector<int32_t> acc_;  // a command's accumulators and results, kept
  std::vector<int8_t> out_;   // between commands (no allocation per command)
};

}  // namespace kiln::sim
