// The TLM array engine: a functional int8 GEMM (kernels/int8_gemm.h) and the closed-form timing of
// arch/array_timing.h. No clocked events: the compute unit waits the returned
// cycles once per tile.
#include <fmt/format.h>

#include "arch/array_timing.h"
#include "arch/error.h"
#include "kernels/int8_gemm.h"
#include "sim/array_engine.h"

namespace kiln {
namespace {

class TlmArrayEngine final : public ArrayEngine {
 public:
  explicit TlmArrayEngine(const NpuConfig& npu) : rows_(npu.rows), cols_(npu.cols) {}

  ArrayResult run(const ArrayTile& t, int32_t* c) override {
    // The functional product through the kernels' int8 GEMM, which wraps
    // in int32 as the array's adders do.
    kernels::Int8GemmArgs g;
    g.m = int(t.m);
    g.n = int(t.n);
    g.k = int(t.k);
    g.a = t.a;
    g.a_stride = t.k;
    g.b = t.b;
    g.b_layout = kernels::GemmBLayout::KxN;
    g.accumulate = t.accumulate;
    kernels::int8_gemm(g, c);
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

KILN_REGISTER_UNIT(ArrayEngineRegistry, "tlm", make_tlm_array_engine)

}  // namespace kiln
