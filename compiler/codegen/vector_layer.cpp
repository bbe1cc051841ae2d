#include "compiler/codegen/vector_layer.h"

#include <fmt/format.h>

#include "arch/error.h"
#include "compiler/codegen/tokens.h"
#include "compiler/mapping/vector_op.h"

namespace kiln::codegen {

namespace {

const mapping::VectorMapping& mapping_of(const ir::Graph& g, const ir::Op& op) {
  const mapping::VectorMapping* m = mapping::find_vector_mapping(op);
  if (!m)
    throw Error(fmt::format("{}: {}: placed on the vector unit, which has no mapping of it (internal error)", g.source,
                            g.describe(op)));
  return *m;
}

}  // namespace

const char* vector_chunked_by(const ir::Op& op) {
  const mapping::VectorMapping* m = mapping::find_vector_mapping(op);
  return m ? m->chunked_by : "elements";
}

std::vector<Command> emit_vector_layer(const ir::Graph& g, const ir::Op& op, const mapping::VectorPlan& plan,
                                       const SocConfig& soc, const std::vector<uint64_t>& addr, FlashImage& flash) {
  const mapping::VectorLayerIo io{g,
                                  op,
                                  plan,
                                  soc,
                                  addr,
                                  [&](const std::vector<uint8_t>& bytes) { return flash.append(bytes); },
                                  0,
                                  uint8_t(soc.dma.channels > 1 ? 1 : 0)};
  std::vector<mapping::VectorChunk> chunks = mapping_of(g, op).chunks(io);
  if (chunks.size() != plan.chunks)
    throw Error(fmt::format("{}: {}: {} chunks emitted for a plan of {} (internal error)", g.source, g.describe(op),
                            chunks.size(), plan.chunks));

  // Steps per chunk k: load (Load), compute (Compute), store (Store). The
  // loads of chunk k reuse the input slot the command of chunk k-2 read; its
  // command the output slot the store of chunk k-2 read.
  std::vector<TokenStep> steps;
  for (uint32_t k = 0; k < plan.chunks; ++k) {
    const uint32_t base = 3 * k;
    TokenStep load{Queue::Load, {}}, compute{Queue::Compute, {base}}, store{Queue::Store, {base + 1}};
    if (k >= 2) load.deps.push_back(base - 6 + 1), compute.deps.push_back(base - 6 + 2);
    steps.push_back(load);
    steps.push_back(compute);
    steps.push_back(store);
  }
  const std::vector<Deps> deps = assign_tokens(steps);

  std::vector<Command> cmds;
  for (uint32_t k = 0; k < plan.chunks; ++k) {
    mapping::VectorChunk& c = chunks[k];
    // The first load waits for the step's tokens, the last signals its own.
    Deps& first = c.loads.front().deps;
    first.wait_prev = deps[3 * k].wait_prev, first.wait_next = deps[3 * k].wait_next;
    Deps& last = c.loads.back().deps;
    last.signal_prev = deps[3 * k].signal_prev, last.signal_next = deps[3 * k].signal_next;
    c.compute.deps = deps[3 * k + 1];
    c.store.deps = deps[3 * k + 2];
    cmds.insert(cmds.end(), c.loads.begin(), c.loads.end());
    cmds.push_back(c.compute);
    cmds.push_back(c.store);
  }
  return cmds;
}

}  // namespace kiln::codegen
