#include "sim/vector_unit_rtl.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "arch/error.h"
#include "arch/vector_timing.h"
#include "sim/recording_scratchpad.h"
#include "sim/vector_unit.h"

namespace kiln::sim {

std::unique_ptr<NpuUnit> make_tlm_vector_unit(const NpuUnitContext& c) {
  return std::make_unique<VectorUnit>(c.soc.npu, c.spm, unsigned(c.config->param("lanes")));
}

namespace {

// The TLM unit keeps the books (operands read, where results go, regions,
// action counts); the RTL computes the results and takes the cycles.
class RtlVectorUnit final : public NpuUnit {
 public:
  RtlVectorUnit(const NpuUnitContext& c, std::unique_ptr<VectorRtlCore> core)
      : npu_(c.soc.npu),
        spm_(c.spm),
        books_(c.spm, false),
        tlm_(c.soc.npu, books_, unsigned(c.config->param("lanes"))),
        core_(std::move(core)) {}

  std::string name() const override { return tlm_.name(); }
  // All the TLM unit's commands, so that one the RTL lacks is an error here,
  // not a command no unit executes.
  std::vector<Opcode> opcodes() const override { return tlm_.opcodes(); }

  UnitWork execute(const Command& cmd, int64_t index) override {
    if (!vector_rtl_implements(cmd.op))
      throw Error(fmt::format("vector unit, rtl engine: {} has no RTL implementation in rtl/kiln_vector.v "
                              "(npu.units.vector.engine: tlm runs it)",
                              to_string(cmd.op)));
    books_.clear();
    UnitWork work = tlm_.execute(cmd, index);
    const auto& reads = books_.reads();
    const auto& writes = books_.writes();
    const bool pair = cmd.op == Opcode::VectorAdd || cmd.op == Opcode::VectorMax || cmd.op == Opcode::VectorMin ||
                      cmd.op == Opcode::VectorSub || cmd.op == Opcode::VectorMul || cmd.op == Opcode::VectorLut;
    const bool depthwise = cmd.op == Opcode::VectorDepthwise;
    const size_t expected_reads = depthwise ? 3 : pair ? 2 : 1;
    if (reads.size() != expected_reads || writes.size() != 1)
      throw Error(fmt::format("vector unit, rtl engine: {}: the TLM unit made {} reads and {} writes, expected {} and 1 "
                              "(internal error)",
                              to_string(cmd.op), reads.size(), writes.size(), expected_reads));
    // vlut reads its table first, then its operand; the core takes the table as b.
    // vdwconv reads its tile, taps and records; the core takes taps then records as b.
    const bool table_first = cmd.op == Opcode::VectorLut;
    const int8_t* a = reads[table_first ? 1 : 0].bytes.data();
    const int8_t* b = pair ? reads[table_first ? 0 : 1].bytes.data() : nullptr;
    if (depthwise) {
      taps_and_records_.assign(reads[1].bytes.begin(), reads[1].bytes.end());
      taps_and_records_.insert(taps_and_records_.end(), reads[2].bytes.begin(), reads[2].bytes.end());
      b = taps_and_records_.data();
    }
    out_.resize(writes[0].bytes.size());
    const uint64_t cycles = core_->run(cmd, passes(cmd), a, b, out_.data(), out_.size());
    spm_.write(writes[0].buf, writes[0].offset, out_.data(), out_.size());
    work.cycles = cycles;
    return work;
  }

  void count_actions(ActionCounts& a) const override { tlm_.count_actions(a); }

 private:
  // The element-wise commands' operand passes (arch/vector_timing.h).
  unsigned passes(const Command& cmd) const {
    if (const auto* v = std::get_if<VectorAddCmd>(&cmd.body)) return vector_operand_passes(npu_, v->a, v->b, v->count);
    if (const auto* v = std::get_if<VectorMaxMinCmd>(&cmd.body))
      return vector_operand_passes(npu_, v->a, v->b, v->count);
    if (const auto* v = std::get_if<VectorRequantizeCmd>(&cmd.body))
      return vector_operand_passes(npu_, v->in, v->out, v->count);
    if (const auto* v = std::get_if<VectorMulCmd>(&cmd.body))
      return vector_operand_passes(npu_, v->a, v->count, v->b, v->b_count);
    if (const auto* v = std::get_if<VectorLutCmd>(&cmd.body))
      return vector_operand_passes(npu_, v->in, v->out, v->count);
    return 1;
  }

  const NpuConfig& npu_;
  ScratchpadIf& spm_;
  RecordingScratchpad books_;
  VectorUnit tlm_;
  std::unique_ptr<VectorRtlCore> core_;
  std::vector<int8_t> out_, taps_and_records_;
};

}  // namespace

std::unique_ptr<NpuUnit> make_rtl_vector_unit(const NpuUnitContext& c) {
  const auto lanes = unsigned(c.config->param("lanes"));
  auto core = make_vector_rtl_core(lanes);
  if (!core) {
    const std::vector<unsigned> built = vector_rtl_lanes();
    if (built.empty())
      throw Error(fmt::format("npu.units.vector: engine rtl: this build of kiln has no Verilated vector unit "
                              "(configure with -DKILN_RTL_VECTOR_LANES=\"{}\", docs/rtl.md)",
                              lanes));
    throw Error(fmt::format("npu.units.vector: engine rtl: no Verilated vector unit of {} lanes in this build (built: "
                            "{}); add it to KILN_RTL_VECTOR_LANES and rebuild, e.g. cmake "
                            "-DKILN_RTL_VECTOR_LANES=\"{};{}\" (docs/rtl.md)",
                            lanes, fmt::join(built, ", "), fmt::join(built, ";"), lanes));
  }
  return std::make_unique<RtlVectorUnit>(c, std::move(core));
}

}  // namespace kiln::sim
