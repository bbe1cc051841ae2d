// The ops the vector unit runs, each described once by the file that maps it
// (compiler/mapping/vector_*.cpp), which registers itself: the ops it takes,
// its plan (the partition's prediction, mapping::VectorPlan) and the chunks
// of commands that carry the plan out (codegen::emit_vector_layer adds the
// tokens and the fence). So the prediction and the emitted stream come from
// one description, and a new vector command's op is one file here.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "arch/command.h"
#include "arch/soc_config.h"
#include "compiler/ir/graph.h"
#include "compiler/mapping/vector_plan.h"

namespace kiln::mapping {

// One chunk of a vector layer before tokens: its loads (the first waits for
// the chunk's tokens, the last signals), its vector command, its store.
struct VectorChunk {
  std::vector<Command> loads;
  Command compute;
  Command store;
};

// What an op's chunks are built from.
struct VectorLayerIo {
  const ir::Graph& g;
  const ir::Op& op;
  const VectorPlan& plan;
  const SocConfig& soc;
  const std::vector<uint64_t>& addr;  // the SRAM address of every activation tensor, by tensor id
  // Appends constant bytes the commands load (a table, taps) to the flash
  // image; returns their address.
  std::function<uint64_t(const std::vector<uint8_t>&)> constant;
  uint8_t load_channel = 0, store_channel = 0;
};

struct VectorMapping {
  const char* name;                // what it maps, for errors and tests ("pad")
  bool (*takes)(const ir::Op& op);  // the ops it plans (then it plans them or says why not)
  std::optional<VectorPlan> (*plan)(const ir::Graph& g, const ir::Op& op, const SocConfig& soc, std::string* why);
  std::vector<VectorChunk> (*chunks)(const VectorLayerIo& io);
  const char* chunked_by;  // what VectorPlan::chunk counts, for the report: "elements", "channels", "rows"
};

// Returns true so that it can initialise a static.
bool register_vector_mapping(const VectorMapping& m);
// The mapping that takes `op`, or nullptr.
const VectorMapping* find_vector_mapping(const ir::Op& op);
const std::vector<VectorMapping>& vector_mappings();

// A DMA command of a chunk: `rows` rows of `row_bytes` bytes, `mem_stride`
// apart in memory and contiguous in the scratchpad.
Command vector_dma(Opcode opcode, uint8_t channel, uint64_t mem, SpmAddr spm, uint32_t rows, uint32_t row_bytes,
                   uint32_t mem_stride);

}  // namespace kiln::mapping

#define KILN_VECTOR_MAPPING_CONCAT_(a, b) a##b
#define KILN_VECTOR_MAPPING_CONCAT(a, b) KILN_VECTOR_MAPPING_CONCAT_(a, b)
// Registers a mapping::VectorMapping at static initialization. Use at
// namespace scope in the mapping's file.
#define KILN_REGISTER_VECTOR_MAPPING(...)                                                          \
  namespace {                                                                                     \
  [[maybe_unused]] const bool KILN_VECTOR_MAPPING_CONCAT(kiln_vector_mapping_, __LINE__) =        \
      ::kiln::mapping::register_vector_mapping(__VA_ARGS__);                                      \
  }
