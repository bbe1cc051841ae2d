// Pad on the vector unit (vpad): PAD and PADV2 over H and W of one image,
// chunks of input rows. Chunk k loads its rows of the input into input slot
// k % 2 and writes them padded into output slot k % 2: every row with its
// columns of padding, the first chunk with the rows of padding above, the
// last with those below. The output rows of consecutive chunks follow one
// another in the output tensor, so each chunk's load and store is one DMA
// row. The rows per chunk are the most that fit both slots with every row of
// padding, so that the first and the last chunk fit too.
#include <algorithm>
#include <array>
#include <limits>

#include "arch/vector_timing.h"
#include "compiler/lowering/mcu_call.h"
#include "compiler/mapping/vector_op.h"

namespace kiln::mapping {

namespace {

bool takes(const ir::Op& op) { return op.kind == ir::OpKind::Pad; }

// Chunk k's command: its input rows, its share of the rows of padding.
VectorPadCmd chunk_command(const kernels::PadParams& p, const VectorPlan& plan, uint32_t k) {
  const uint64_t first = uint64_t(k) * plan.chunk;
  VectorPadCmd v;
  v.in = {Buffer::Input, (k % 2) * plan.in_slot};
  v.out = {Buffer::Output, (k % 2) * plan.out_slot};
  v.in_h = uint16_t(std::min<uint64_t>(plan.chunk, plan.count - first));
  v.in_w = uint16_t(p.in_w), v.c = uint16_t(p.c);
  v.pad_top = uint8_t(k == 0 ? p.pad_top : 0);
  v.pad_bottom = uint8_t(k + 1 == plan.chunks ? p.pad_bottom : 0);
  v.pad_left = uint8_t(p.pad_left), v.pad_right = uint8_t(p.pad_right);
  v.value = int8_t(p.pad_value);
  return v;
}

std::optional<VectorPlan> plan(const ir::Graph& g, const ir::Op& op, const SocConfig& soc, std::string* why) {
  const auto refuse = [&](const std::string& reason) {
    *why = reason;
    return std::nullopt;
  };
  const ir::Tensor& in = g.tensors[op.inputs[0]];
  const ir::Tensor& out = g.tensors[op.outputs[0]];
  if (in.shape.size() != 4 || op.pads.size() != 4) return refuse("vector pad: not a rank-4 NHWC tensor");
  if (in.type != ir::DataType::Int8 || out.type != ir::DataType::Int8) return refuse("vector pad: not int8");
  if (in.shape[0] != 1) return refuse("vector pad: more than one image");
  if (op.pads[0] != std::array<int32_t, 2>{0, 0} || op.pads[3] != std::array<int32_t, 2>{0, 0})
    return refuse("vector pad: padding of another dimension than H and W");
  const kernels::PadParams p = lowering::pad_params(g, op);
  const auto u16 = [](int64_t v) { return v >= 1 && v <= std::numeric_limits<uint16_t>::max(); };
  const auto u8 = [](int64_t v) { return v >= 0 && v <= std::numeric_limits<uint8_t>::max(); };
  if (!u16(p.in_h) || !u16(p.in_w) || !u16(p.c)) return refuse("vector pad: a dimension outside the command's 16 bits");
  if (!u8(p.pad_top) || !u8(p.pad_bottom) || !u8(p.pad_left) || !u8(p.pad_right))
    return refuse("vector pad: a padding outside the command's 8 bits");
  if (p.pad_value < -128 || p.pad_value > 127) return refuse("vector pad: a value outside int8");
  VectorPlan result;
  result.count = uint64_t(p.in_h);
  result.in_slot = vector_input_slot(soc);
  result.out_slot = vector_output_slot(soc);
  const uint64_t in_row = uint64_t(p.in_w) * p.c, out_row = uint64_t(p.out_w()) * p.c;
  const uint64_t out_rows = result.out_slot / out_row, pad_rows = uint64_t(p.pad_top) + p.pad_bottom;
  const uint64_t rows =
      std::min<uint64_t>({result.count, result.in_slot / in_row, out_rows > pad_rows ? out_rows - pad_rows : 0});
  if (rows == 0) return refuse("vector pad: a row of the input and the rows of padding do not fit a slot");
  result.chunk = uint32_t(rows);
  result.chunks = uint32_t((result.count + rows - 1) / rows);
  const double npu_per_bus = soc.npu.clock_mhz / soc.bus.clock_mhz;
  const unsigned lanes = vector_lanes(soc);
  for (uint32_t k = 0; k < result.chunks; ++k) {
    const VectorPadCmd v = chunk_command(p, result, k);
    const uint64_t in_bytes = uint64_t(v.in_h) * in_row, out_bytes = uint64_t(v.out_h()) * out_row;
    result.dma_cycles += (transfer_bus_cycles(soc, in_bytes) + transfer_bus_cycles(soc, out_bytes)) * npu_per_bus;
    result.compute_cycles += double(command_cycles({Opcode::VectorPad, {}, v}, soc.npu, lanes));
    result.bytes_moved += in_bytes + out_bytes;
  }
  result.roofline = std::max(result.dma_cycles, result.compute_cycles);
  result.cycles = result.roofline + std::min(result.dma_cycles, result.compute_cycles) / result.chunks;
  return result;
}

// Chunk k: its input rows from the input, one vpad, its padded rows to the
// output after those of the chunks before.
std::vector<VectorChunk> chunks(const VectorLayerIo& io) {
  const kernels::PadParams p = lowering::pad_params(io.g, io.op);
  const uint64_t in_row = uint64_t(p.in_w) * p.c, out_row = uint64_t(p.out_w()) * p.c;
  const uint64_t in_addr = io.addr[io.op.inputs[0]], out_addr = io.addr[io.op.outputs[0]];
  std::vector<VectorChunk> out;
  for (uint32_t k = 0; k < io.plan.chunks; ++k) {
    const VectorPadCmd v = chunk_command(p, io.plan, k);
    const uint64_t iy0 = uint64_t(k) * io.plan.chunk, oy0 = k == 0 ? 0 : p.pad_top + iy0;
    VectorChunk c;
    c.loads.push_back(
        vector_dma(Opcode::DmaLoad, io.load_channel, in_addr + iy0 * in_row, v.in, 1, uint32_t(v.in_h * in_row), 0));
    c.compute = {Opcode::VectorPad, {}, v};
    c.store = vector_dma(Opcode::DmaStore, io.store_channel, out_addr + oy0 * out_row, v.out, 1,
                         uint32_t(v.out_h() * out_row), 0);
    out.push_back(c);
  }
  return out;
}

}  // namespace

KILN_REGISTER_VECTOR_MAPPING({"pad", takes, plan, chunks, "rows"})

}  // namespace kiln::mapping
