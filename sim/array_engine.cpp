// Chooses the array engine named by npu.array.engine.
#include "arch/error.h"
#include "sim/array_engine.h"

namespace kiln {

std::unique_ptr<ArrayEngine> make_rtl_array_engine(const NpuConfig& npu);  // array_engine_rtl.cpp

std::unique_ptr<ArrayEngine> make_array_engine(const NpuConfig& npu) {
  switch (npu.engine) {
    case ArrayEngineKind::Tlm:
      return make_tlm_array_engine(npu);
    case ArrayEngineKind::Rtl:
      return make_rtl_array_engine(npu);  // a clear error in a build without RTL
  }
  throw Error("npu.array.engine: unknown engine");
}

}  // namespace kiln
