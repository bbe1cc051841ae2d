// The TLM array engine: a functional int8 GEMM and the closed-form timing of
// arch/array_timing.h. No clocked events: the compute unit waits the returned
// cycles once per tile.
#include <fmt/format.h>

#include "arch/array_timing.h"
#include "arch/error.h"
#include "sim/array_engine.h"

namespace kiln {
namespace {

class TlmArrayEngine final : public ArrayEngine {
 public:
  explicit TlmArrayEngine(const NpuConfig& npu) : rows_(npu.rows), cols_(npu.cols) {}

  ArrayResult run(const ArrayTile& t, int32_t* c) override {
    for (uint32_t i = 0; i < t.m; ++i) {
      for (uint32_t j = 0; j < t.n; ++j) {
        // Accumulate in uint32 so that overflow wraps as in the int32 adders.
        uint32_t acc = t.accumulate ? static_cast<uint32_t>(c[size_t(i) * t.n + j]) : 0u;
        for (uint32_t p = 0; p < t.k; ++p)
          acc += static_cast<uint32_t>(int32_t(t.a[size_t(i) * t.k + p]) * int32_t(t.b[size_t(p) * t.n + j]));
        c[size_t(i) * t.n + j] = static_cast<int32_t>(acc);
      }
    }
    return {array_tile_cycles(t.dataflow, rows_, cols_, t.m, t.n, t.k), uint64_t(t.m) * t.n * t.k};
  }

  std::string name() const override { return "tlm"; }

 private:
  unsigned rows_, cols_;
};

}  // namespace

std::unique_ptr<ArrayEngine> make_tlm_array_engine(const NpuConfig& npu) {
  return std::make_unique<TlmArrayEngine>(npu);
}

}  // namespace kiln
