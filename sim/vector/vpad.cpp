// vpad: padding of one NHWC int8 tile with a constant (TFLite's PAD and
// PADV2 over H and W), through kernels/pad.h, the MCU's pad kernel. On the
// RTL it needs no datapath of its own: a lane's maximum of a byte with
// itself is the byte, so each beat streams a span of one output row, the
// tile's bytes where the tile lies and the constant elsewhere, as both
// operands of vmax's compare; one beat per group of lanes of each output
// row, as its closed form counts them.
#include <algorithm>

#include "kernels/pad.h"
#include "sim/vector_command.h"
#include "sim/vector_context.h"

namespace kiln::sim {
namespace {

void execute(VectorContext& u, const Command& cmd) {
  const auto& v = std::get<VectorPadCmd>(cmd.body);
  kernels::PadParams p;
  p.in_h = v.in_h, p.in_w = v.in_w, p.c = v.c;
  p.pad_top = v.pad_top, p.pad_bottom = v.pad_bottom, p.pad_left = v.pad_left, p.pad_right = v.pad_right;
  p.pad_value = v.value;
  const uint64_t in_bytes = uint64_t(v.in_h) * v.in_w * v.c, out_bytes = uint64_t(v.out_h()) * v.out_w() * v.c;
  u.out.resize(out_bytes);
  kernels::pad(p, u.read(v.in, in_bytes, u.a), u.out.data());
  u.actions.adds += out_bytes;  // one compare a byte: the lanes' maximum of it with itself
  u.write(v.out, u.out, out_bytes);
}

VectorRtlRegister rtl_register(const Command&) {
  VectorRtlRegister r;
  r.op = VectorRtlOp::Max;
  return r;
}

void rtl_beats(const VectorRtlCommand& c, VectorBeats& beats) {
  c.expect_operands(1);
  const auto& v = std::get<VectorPadCmd>(c.cmd.body);
  const unsigned lanes = beats.lanes();
  const uint64_t row = uint64_t(v.out_w()) * v.c, in_row = uint64_t(v.in_w) * v.c, left = uint64_t(v.pad_left) * v.c;
  std::vector<int8_t> span(lanes);
  for (uint32_t oy = 0; oy < v.out_h(); ++oy) {
    // The tile's row at this output row, if any: its bytes are [left, left + in_row) of the row.
    const bool tile = oy >= v.pad_top && oy < uint32_t(v.pad_top) + v.in_h;
    const int8_t* from = tile ? c.in[0] + (oy - v.pad_top) * in_row : nullptr;
    for (uint64_t x0 = 0; x0 < row; x0 += lanes) {
      const size_t n = size_t(std::min<uint64_t>(lanes, row - x0));
      for (size_t l = 0; l < n; ++l) {
        const uint64_t x = x0 + l;
        span[l] = from && x >= left && x < left + in_row ? from[x - left] : v.value;
      }
      if (c.passes == 2) beats.idle();
      BeatFlags f;
      f.first = f.emit = true;
      f.last = oy + 1 == v.out_h() && x0 + lanes >= row;
      beats.beat(span.data(), span.data(), n, f, oy * row + x0);
    }
  }
}

}  // namespace

KILN_REGISTER_VECTOR_COMMAND(Opcode::VectorPad, execute, rtl_register, rtl_beats)

}  // namespace kiln::sim
