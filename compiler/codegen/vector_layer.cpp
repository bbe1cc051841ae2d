#include "compiler/codegen/vector_layer.h"

#include <algorithm>

#include "compiler/codegen/tokens.h"
#include "compiler/lowering/mcu_call.h"

namespace kiln::codegen {

std::vector<Command> emit_vector_layer(const ir::Graph& g, const ir::Op& op, const mapping::VectorPlan& plan,
                                       const SocConfig& soc, const std::vector<uint64_t>& addr) {
  // The add kernel's parameters, as the MCU and the reference take them.
  const kernels::AddParams p = lowering::add_params(g, op);
  const uint8_t load_channel = 0, store_channel = soc.dma.channels > 1 ? 1 : 0;

  // Steps per chunk k: load (Load), vadd (Compute), store (Store). The loads
  // of chunk k reuse the input slot the vadd of chunk k-2 read; its vadd the
  // output slot the store of chunk k-2 read.
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
    const uint64_t first = uint64_t(k) * plan.chunk;
    const uint32_t n = uint32_t(std::min<uint64_t>(plan.chunk, plan.count - first));
    const uint32_t in_slot = (k % 2) * plan.in_slot, out_slot = (k % 2) * plan.out_slot;
    auto dma = [&](Opcode opcode, uint8_t channel, uint64_t mem, SpmAddr spm) {
      DmaCmd d;
      d.channel = channel;
      d.mem_addr = mem;
      d.spm = spm;
      d.rows = 1;
      d.row_bytes = n;
      return Command{opcode, {}, d};
    };
    Command load_a = dma(Opcode::DmaLoad, load_channel, addr[op.inputs[0]] + first, {Buffer::Input, in_slot});
    Command load_b =
        dma(Opcode::DmaLoad, load_channel, addr[op.inputs[1]] + first, {Buffer::Input, in_slot + plan.chunk});
    load_a.deps.wait_prev = deps[3 * k].wait_prev, load_a.deps.wait_next = deps[3 * k].wait_next;
    load_b.deps.signal_prev = deps[3 * k].signal_prev, load_b.deps.signal_next = deps[3 * k].signal_next;

    VectorAddCmd v;
    v.a = {Buffer::Input, in_slot};
    v.b = {Buffer::Input, in_slot + plan.chunk};
    v.out = {Buffer::Output, out_slot};
    v.count = n;
    v.a_zp = int8_t(p.in1_zp), v.a_mult = p.in1_mult, v.a_shift = int8_t(p.in1_shift);
    v.b_zp = int8_t(p.in2_zp), v.b_mult = p.in2_mult, v.b_shift = int8_t(p.in2_shift);
    v.out_zp = int8_t(p.out_zp), v.out_mult = p.out_mult, v.out_shift = int8_t(p.out_shift);
    v.left_shift = uint8_t(p.left_shift);
    v.act_min = int8_t(p.act_min), v.act_max = int8_t(p.act_max);

    Command store = dma(Opcode::DmaStore, store_channel, addr[op.outputs[0]] + first, {Buffer::Output, out_slot});
    store.deps = deps[3 * k + 2];
    cmds.push_back(load_a);
    cmds.push_back(load_b);
    cmds.push_back({Opcode::VectorAdd, deps[3 * k + 1], v});
    cmds.push_back(store);
  }
  return cmds;
}

}  // namespace kiln::codegen
