// The RTL array engine: drives the Verilated kiln_array_core (rtl/) of the
// configured size through its command handshake and serves its three ports
// from the tile, as the scratchpads and the accumulator buffer would:
//   A, B: combinational reads of one int8 vector (a row or a column slice),
//   C:    read of the old accumulators and masked write of the new ones.
// One loop iteration is one NPU clock cycle; the cycles from the edge that
// accepts start to the edge after which done is high are the command's cost.
#include "sim/array_engine_rtl.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "arch/array_timing.h"
#include "arch/error.h"

#ifdef KILN_HAVE_RTL
#include <algorithm>
#include <map>

#include "kiln_rtl_models.h"
#include "sim/verilated_array_core.h"
#endif

namespace kiln {

#ifndef KILN_HAVE_RTL

std::vector<std::pair<unsigned, unsigned>> rtl_array_sizes() { return {}; }

bool register_rtl_core(unsigned, unsigned, const std::string&, RtlCoreFactory) { return false; }

std::unique_ptr<ArrayEngine> make_rtl_array_engine(const NpuConfig& npu) {
  throw Error(fmt::format("npu.array: {}x{}: this build of kiln has no Verilated array core (configure with "
                          "-DKILN_RTL_SIZES=\"{}x{}\", docs/rtl.md)",
                          npu.rows, npu.cols, npu.rows, npu.cols));
}

#else

namespace {

struct RegisteredCore {
  std::string variant;
  RtlCoreFactory factory;
};

std::map<std::pair<unsigned, unsigned>, RegisteredCore>& registered_cores() {
  static std::map<std::pair<unsigned, unsigned>, RegisteredCore> cores;  // built on first use: init-order safe
  return cores;
}

// The core for the configured size, and the variant it is ("" for the real one).
std::unique_ptr<RtlCore> make_core(const NpuConfig& npu, std::string& variant) {
  const auto found = registered_cores().find({npu.rows, npu.cols});
  if (found != registered_cores().end()) {
    variant = found->second.variant;
    return found->second.factory(npu);
  }
#define KILN_RTL_MAKE_CORE(R, C, MODEL) \
  if (npu.rows == R && npu.cols == C) return std::make_unique<VerilatedCore<MODEL>>(R, C, npu.clock_mhz);
  KILN_RTL_MODELS(KILN_RTL_MAKE_CORE)
#undef KILN_RTL_MAKE_CORE
  return nullptr;
}

class VerilatedArrayEngine final : public RtlArrayEngine {
 public:
  VerilatedArrayEngine(const NpuConfig& npu, std::unique_ptr<RtlCore> core, std::string variant)
      : rows_(npu.rows), cols_(npu.cols), core_(std::move(core)), variant_(std::move(variant)) {}

  ArrayResult run(const ArrayTile& t, int32_t* c) override {
    constexpr uint32_t kMaxDim = 1u << 30;  // keeps the core's 32-bit fold arithmetic exact
    if (t.m >= kMaxDim || t.n >= kMaxDim || t.k >= kMaxDim)
      throw Error(fmt::format("rtl array core: tile {}x{}x{} exceeds the core's 2^30 limit per dimension", t.m,
                              t.n, t.k));
    ++calls_;
    const bool traced = vcd_ && t.command >= vcd_first_ && t.command <= vcd_last_;
    if (traced) {
      core_->open_vcd(vcd_path_);
      vcd_written_ = true;
    } else {
      core_->close_vcd();
    }
    // The core performs no MAC for K = 0; an overwriting command still
    // defines C as zero, which the accumulator buffer's clear provides.
    if (t.k == 0 && !t.accumulate) std::fill(c, c + size_t(t.m) * t.n, 0);
    const uint64_t expected = array_tile_cycles(t.dataflow, rows_, cols_, t.m, t.n, t.k);
    const uint64_t cycles = core_->run(t, c, 2 * expected + 64);
    if (traced && t.command == vcd_last_) core_->close_vcd();
    return {cycles, uint64_t(t.m) * t.n * t.k};
  }

  std::string name() const override { return variant_.empty() ? "rtl" : "rtl[" + variant_ + "]"; }

  void set_vcd(const std::string& path, uint64_t first_command, uint64_t last_command) override {
    if (first_command > last_command)
      throw Error(fmt::format("--vcd: command range {}..{} is empty", first_command, last_command));
    core_->close_vcd();
    vcd_ = true;
    vcd_written_ = false;
    vcd_path_ = path;
    vcd_first_ = first_command;
    vcd_last_ = last_command;
  }

  bool vcd_written() const override { return vcd_written_; }

  uint64_t calls() const override { return calls_; }

 private:
  unsigned rows_, cols_;
  std::unique_ptr<RtlCore> core_;
  uint64_t calls_ = 0;
  std::string variant_;
  bool vcd_ = false, vcd_written_ = false;
  std::string vcd_path_;
  uint64_t vcd_first_ = 0, vcd_last_ = 0;
};

}  // namespace

std::vector<std::pair<unsigned, unsigned>> rtl_array_sizes() {
  std::vector<std::pair<unsigned, unsigned>> sizes;
#define KILN_RTL_LIST_SIZE(R, C, MODEL) sizes.emplace_back(R, C);
  KILN_RTL_MODELS(KILN_RTL_LIST_SIZE)
#undef KILN_RTL_LIST_SIZE
  return sizes;
}

bool register_rtl_core(unsigned rows, unsigned cols, const std::string& variant, RtlCoreFactory factory) {
  registered_cores()[{rows, cols}] = RegisteredCore{variant, std::move(factory)};
  return true;
}

std::unique_ptr<ArrayEngine> make_rtl_array_engine(const NpuConfig& npu) {
  std::string variant;
  auto core = make_core(npu, variant);
  if (!core) {
    std::vector<std::string> built;
    for (const auto& [r, c] : rtl_array_sizes()) built.push_back(fmt::format("{}x{}", r, c));
    throw Error(fmt::format(
        "npu.array: {}x{}: no Verilated array core of this size in this build (built: {}); add it to "
        "KILN_RTL_SIZES and rebuild, e.g. cmake -DKILN_RTL_SIZES=\"{};{}x{}\" (docs/rtl.md)",
        npu.rows, npu.cols, fmt::join(built, ", "), fmt::join(built, ";"), npu.rows, npu.cols));
  }
  return std::make_unique<VerilatedArrayEngine>(npu, std::move(core), std::move(variant));
}

#endif  // KILN_HAVE_RTL

// In a build without RTL the name is still registered: choosing it gives the
// clear error of make_rtl_array_engine above, not "unknown engine".
KILN_REGISTER_UNIT(ArrayEngineRegistry, "rtl", make_rtl_array_engine)

}  // namespace kiln
