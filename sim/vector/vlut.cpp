// vlut: a unary int8 function as a 256-entry table, through kernels/lut.h;
// on the RTL, ceil(256 / lanes) beats that load the table into the unit's
// table register, then the operand streamed as an element-wise command.
#include <algorithm>

#include "kernels/lut.h"
#include "sim/vector_beats.h"
#include "sim/vector_context.h"

namespace kiln::sim {
namespace {

void execute(VectorContext& u, const Command& cmd) {
  const auto& v = std::get<VectorLutCmd>(cmd.body);
  kernels::LutParams p;
  p.count = v.count;
  u.out.resize(v.count);
  kernels::lut(p, u.read(v.in, v.count, u.a), u.read(v.table, kernels::kLutEntries, u.b), u.out.data());
  u.actions.adds += v.count;  // one table read each, priced as an add
  u.write(v.out, u.out, v.count);
}

VectorRtlRegister rtl_register(const Command&) {
  VectorRtlRegister r;
  r.op = VectorRtlOp::Lut;
  return r;
}

// Operands in the row's order: in, then the table.
void rtl_beats(const VectorRtlCommand& c, VectorBeats& beats) {
  c.expect_operands(2);
  const size_t lanes = beats.lanes(), entries = kernels::kLutEntries;
  for (size_t e = 0; e < entries; e += lanes) beats.beat(c.in[1] + e, nullptr, std::min(lanes, entries - e), {}, 0);
  stream_elements(beats, c.out_bytes, c.passes, c.in[0], nullptr);
}

}  // namespace

KILN_REGISTER_VECTOR_COMMAND(Opcode::VectorLut, execute, rtl_register, rtl_beats)

}  // namespace kiln::sim
