#include "sim/vector_unit_rtl.h"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "arch/error.h"
#include "sim/recording_scratchpad.h"
#include "sim/vector_unit.h"

namespace kiln::sim {

std::unique_ptr<NpuUnit> make_tlm_vector_unit(const NpuUnitContext& c) {
  return std::make_unique<VectorUnit>(c.soc.npu, c.spm, unsigned(c.config->param("lanes")));
}

namespace {

// The TLM unit keeps the books (regions, action counts); the RTL computes
// the results and takes the cycles.
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
    // The TLM unit reads the operands its row lists and keeps its writes: its
    // reads are the RTL's operands (each read once, so the scratchpads count
    // what either engine reads), its write is where the RTL's results go.
    books_.clear();
    UnitWork work = tlm_.execute(cmd, index);
    const CommandSpec& spec = command_spec(cmd.op);
    std::vector<const int8_t*> in;
    const SpmOperand* written = nullptr;
    const std::vector<SpmOperand> operands = spec.operands(cmd);
    for (const SpmOperand& o : operands) {
      if (o.written) {
        written = &o;
        continue;
      }
      const auto read = std::find_if(books_.reads().begin(), books_.reads().end(), [&](const SpmAccess& r) {
        return r.buf == o.at.buf && r.offset == o.at.offset && r.bytes.size() == o.bytes;
      });
      if (read == books_.reads().end())
        throw Error(fmt::format("vector unit, rtl engine: {}: the TLM unit did not read its operand {} (internal error)",
                                to_string(cmd.op), o.name));
      in.push_back(read->bytes.data());
    }
    const auto& writes = books_.writes();
    if (!written || writes.size() != 1 || writes[0].buf != written->at.buf ||
        writes[0].offset != written->at.offset || writes[0].bytes.size() != written->bytes)
      throw Error(fmt::format("vector unit, rtl engine: {}: the TLM unit's write is not its row's result operand "
                              "(internal error)",
                              to_string(cmd.op)));
    out_.resize(written->bytes);
    const VectorRtlCommand rtl{cmd, passes(spec, cmd), in, out_.size()};
    work.cycles = core_->run(rtl, out_.data());
    spm_.write(written->at.buf, written->at.offset, out_.data(), out_.size());
    return work;
  }

  void count_actions(ActionCounts& a) const override { tlm_.count_actions(a); }

 private:
  unsigned passes(const CommandSpec& spec, const Command& cmd) const {
    return spec.passes ? spec.passes(npu_, cmd) : 1;
  }

  const NpuConfig& npu_;
  ScratchpadIf& spm_;
  RecordingScratchpad books_;
  VectorUnit tlm_;
  std::unique_ptr<VectorRtlCore> core_;
  std::vector<int8_t> out_;
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
