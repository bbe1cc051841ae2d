#include "compiler/mapping/vector_op.h"

#include <fmt/format.h>

#include "arch/error.h"

namespace kiln::mapping {

namespace {
std::vector<VectorMapping>& mappings() {
  static std::vector<VectorMapping> all;  // built on first use: safe from any static initializer
  return all;
}
}  // namespace

bool register_vector_mapping(const VectorMapping& m) {
  mappings().push_back(m);
  return true;
}

const VectorMapping* find_vector_mapping(const ir::Op& op) {
  const VectorMapping* found = nullptr;
  for (const VectorMapping& m : mappings()) {
    if (!m.takes(op)) continue;
    if (found)
      throw Error(fmt::format("vector mappings '{}' and '{}' both take {} (internal error)", found->name, m.name,
                              ir::op_name(op)));
    found = &m;
  }
  return found;
}

const std::vector<VectorMapping>& vector_mappings() { return mappings(); }

Command vector_dma(Opcode opcode, uint8_t channel, uint64_t mem, SpmAddr spm, uint32_t rows, uint32_t row_bytes,
                   uint32_t mem_stride) {
  DmaCmd d;
  d.channel = channel;
  d.mem_addr = mem;
  d.spm = spm;
  d.rows = rows;
  d.row_bytes = row_bytes;
  d.mem_stride = rows > 1 ? mem_stride : 0;
  d.spm_stride = rows > 1 ? row_bytes : 0;
  return Command{opcode, {}, d};
}

}  // namespace kiln::mapping
