// Builds the array engine named by npu.array.engine from the registry.
#include "sim/array_engine.h"

namespace kiln {

std::unique_ptr<ArrayEngine> make_array_engine(const NpuConfig& npu) {
  return ArrayEngineRegistry::instance().make(npu.engine, "npu.array.engine", npu);
}

}  // namespace kiln
