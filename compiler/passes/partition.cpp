#include "compiler/passes/partition.h"

#include <optional>

#include "arch/error.h"
#include "arch/mcu_op.h"
#include "compiler/lowering/mcu_call.h"
#include "compiler/mapping/cost_model.h"
#include "compiler/mapping/tiler.h"

namespace kiln::passes {

const char* to_string(Unit u) {
  switch (u) {
    case Unit::Npu: return "npu";
    case Unit::Mcu: return "mcu";
    case Unit::None: return "-";
    case Unit::Vector: return "vector";
  }
  return "?";
}

bool npu_shape(const ir::Graph& g, const ir::Op& op, mapping::ConvShape* s) {
  const ir::Tensor& in = g.tensors[op.inputs[0]];
  const ir::Tensor& out = g.tensors[op.outputs[0]];
  const auto windowed = [&](bool depthwise) {
    *s = mapping::ConvShape{};
    s->in_h = in.shape[1], s->in_w = in.shape[2], s->in_c = in.shape[3];
    s->out_h = out.shape[1], s->out_w = out.shape[2], s->out_c = out.shape[3];
    s->kh = op.window.kernel_h, s->kw = op.window.kernel_w;
    s->stride_h = op.window.stride_h, s->stride_w = op.window.stride_w;
    s->dil_h = op.window.dilation_h, s->dil_w = op.window.dilation_w;
    s->pad_top = op.window.pad.top, s->pad_left = op.window.pad.left;
    s->depthwise = depthwise;
    return true;
  };
  if (op.kind == ir::OpKind::Conv2d && in.shape.size() == 4 && in.shape[0] == 1) return windowed(false);
  // Depth multiplier 1: output channel c reads input channel c only.
  if (op.kind == ir::OpKind::DepthwiseConv2d && op.depth_multiplier == 1 && in.shape.size() == 4 &&
      in.shape[0] == 1 && in.shape[3] == out.shape[3])
    return windowed(true);
  if (op.kind == ir::OpKind::FullyConnected) {
    const ir::Tensor& w = g.tensors[op.inputs[1]];
    // [batches, in] as a 1 x batches image of `in` channels, 1x1 kernel.
    *s = mapping::ConvShape{};
    s->in_c = w.shape[1];
    s->out_c = w.shape[0];
    s->in_w = s->out_w = uint32_t(in.num_elements() / w.shape[1]);
    return true;
  }
  return false;
}

namespace {

// ConvCmd carries kernel size, stride, dilation and padding in 8 bits.
bool fits_command_fields(const mapping::ConvShape& s) {
  return s.kh < 256 && s.kw < 256 && s.stride_h < 256 && s.stride_w < 256 && s.dil_h < 256 && s.dil_w < 256 &&
         s.pad_top < 256 && s.pad_left < 256;
}

}  // namespace

uint64_t op_macs(const ir::Graph& g, const ir::Op& op) {
  return lowering::mcu_call(g, op).kernel->macs();
}

McuWork mcu_work(const ir::Graph& g, const ir::Op& op) {
  const lowering::McuCall call = lowering::mcu_call(g, op);
  return McuWork{call.kernel->spec().name, call.kernel->macs(), call.kernel->output_elements()};
}

double mcu_cycles(const ir::Graph& g, const ir::Op& op, const SocConfig& soc) {
  const McuWork w = mcu_work(g, op);
  const McuKernelCost* cost = find_mcu_cost(soc.mcu.costs, w.kernel);
  if (!cost) return 0.0;
  return cost->fixed + cost->per_mac * double(w.macs) + cost->per_element * double(w.elements);
}

void check_compilable(const ir::Graph& g) {
  for (const auto& op : g.ops) {
    for (int t : op.outputs)
      if (g.tensors[t].type != lowering::output_type(op))
        throw Error(g.source + ": " + g.describe(op) + ": " + ir::data_type_name(g.tensors[t].type) +
                    (op.kind == ir::OpKind::Kernel
                         ? std::string(" output; its MCU kernel writes ") + ir::data_type_name(lowering::output_type(op))
                         : std::string(" output (ConvInteger/MatMulInteger) is supported by the reference interpreter "
                                       "only, not compiled")));
    if ((op.kind == ir::OpKind::Conv2d || op.kind == ir::OpKind::DepthwiseConv2d ||
         op.kind == ir::OpKind::FullyConnected) && op.inputs.size() > 1)
      for (int32_t zp : g.tensors[op.inputs[1]].quant.zero_point)
        if (zp != 0)
          throw Error(g.source + ": " + g.describe(op) +
                      ": weights with a non-zero zero point are supported by the reference interpreter only, not "
                      "compiled yet");
  }
}

std::vector<Placement> partition(const ir::Graph& g, const SocConfig& soc, const mapping::Residence& residence,
                                 const PartitionOptions& options) {
  check_compilable(g);
  std::vector<Placement> out;
  const mapping::CostModel model(soc, {}, residence);
  // Layers of one shape (a network's repeated blocks) get one search.
  std::vector<std::pair<mapping::ConvShape, std::optional<mapping::RankedTiling>>> searched;
  const auto tiling_of = [&](const mapping::ConvShape& shape) {
    for (const auto& [s, t] : searched)
      if (s == shape) return t;
    searched.emplace_back(shape, mapping::best_tiling(shape, soc, model));
    return searched.back().second;
  };
  for (const auto& op : g.ops) {
    Placement p;
    mapping::ConvShape shape;
    std::optional<mapping::RankedTiling> best;
    const double on_mcu = mcu_cycles(g, op, soc);
    std::string no_vector;
    std::optional<mapping::VectorPlan> vector;
    if (!options.mcu_only && op.kind != ir::OpKind::Reshape) vector = mapping::plan_vector_op(g, op, soc, &no_vector);
    const bool array_mapping = npu_shape(g, op, &shape);
    if (op.kind == ir::OpKind::Reshape) {
      p.unit = Unit::None, p.reason = "reshape: the output aliases the input";
    } else if (vector && !array_mapping) {
      const bool faster = vector->cycles / soc.npu.clock_mhz < on_mcu / soc.mcu.clock_mhz;
      p.unit = faster ? Unit::Vector : Unit::Mcu;
      p.reason = faster ? "vector unit" : "cheaper on the MCU than on the vector unit by the cost model";
      p.vector = *vector;
    } else if (!array_mapping) {
      p.unit = Unit::Mcu, p.reason = ir::op_name(op) + " has no NPU mapping";
    } else if (options.mcu_only) {
      p.unit = Unit::Mcu, p.reason = "MCU only (--mcu-only)";
    } else if (!fits_command_fields(shape)) {
      p.unit = Unit::Mcu, p.reason = "window parameters exceed the command fields";
    } else if (!(best = tiling_of(shape))) {
      p.unit = Unit::Mcu, p.reason = "no tile fits the scratchpads";
    } else if (best->prediction.cycles / soc.npu.clock_mhz >= on_mcu / soc.mcu.clock_mhz) {
      p.unit = Unit::Mcu, p.reason = "cheaper on the MCU by the cost model";
    } else {
      p.unit = Unit::Npu, p.reason = "array";
      p.best = *best;
    }
    // An op both the array and the vector unit run (a depthwise
    // convolution): the vector unit when it beats what was chosen above.
    if (vector && array_mapping && p.unit != Unit::None) {
      const double chosen = p.unit == Unit::Npu ? best->prediction.cycles / soc.npu.clock_mhz : on_mcu / soc.mcu.clock_mhz;
      if (vector->cycles / soc.npu.clock_mhz < chosen) {
        p.reason = p.unit == Unit::Npu ? "vector unit: cheaper than the array by the cost model" : "vector unit";
        p.unit = Unit::Vector;
        p.vector = *vector;
      }
    }
    p.array_mapping = array_mapping && fits_command_fields(shape);
    p.shape = shape;
    p.mcu_cycles = on_mcu;
    out.push_back(p);
  }
  return out;
}

}  // namespace kiln::passes
