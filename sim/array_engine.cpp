// Chooses the array engine named by npu.array.engine.
#include "arch/error.h"
#include "sim/array_engine.h"

namespace kiln {

#ifdef KILN_HAVE_RTL
std::unique_ptr<ArrayEngine> make_rtl_array_engine(const NpuConfig& npu);  // array_engine_rtl.cpp
#endif

std::unique_ptr<ArrayEngine> make_array_engine(const NpuConfig& npu) {
  switch (npu.engine) {
    case ArrayEngineKind::Tlm:
      return make_tlm_array_engine(npu);
    case ArrayEngineKind::Rtl:
#ifdef KILN_HAVE_RTL
      return make_rtl_array_engine(npu);
#else
      throw Error("npu.array.engine: rtl: this build of kiln has no Verilated array core (see docs/rtl.md)");
#endif
  }
  throw Error("npu.array.engine: unknown engine");
}

}  // namespace kiln
