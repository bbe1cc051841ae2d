#include "compiler/ir/printer.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace kiln::ir {

namespace {

std::string quant_string(const Quantization& q) {
  if (q.empty()) return "";
  if (!q.per_channel()) return fmt::format(" q({:.9g}, {})", q.scale[0], q.zero_point.empty() ? 0 : q.zero_point[0]);
  return fmt::format(" q(per-channel x{} on axis {}, first {:.9g})", q.scale.size(), q.axis, q.scale[0]);
}

std::string rescale_string(const Rescale& r) {
  if (r.multiplier.empty()) return "";
  if (r.multiplier.size() == 1) return fmt::format(" mult={} shift={}", r.multiplier[0], r.shift[0]);
  return fmt::format(" mult=[{} per channel, first {}] shift=[first {}]", r.multiplier.size(), r.multiplier[0],
                     r.shift[0]);
}

}  // namespace

std::string tensor_string(const Graph& graph, int id) {
  const Tensor& t = graph.tensors.at(id);
  return fmt::format("%{} '{}' {} {}{}{}", id, t.name, data_type_name(t.type), shape_string(t.shape),
                     quant_string(t.quant), t.is_constant() ? " const" : "");
}

std::string op_string(const Graph& graph, const Op& op) {
  std::string s;
  for (size_t i = 0; i < op.outputs.size(); ++i) s += fmt::format("{}%{}", i ? ", " : "", op.outputs[i]);
  s += fmt::format(" = {}(", op_name(op));
  for (size_t i = 0; i < op.inputs.size(); ++i) s += fmt::format("{}%{}", i ? ", " : "", op.inputs[i]);
  s += ")";
  const Window& w = op.window;
  switch (op.kind) {
    case OpKind::Conv2d:
    case OpKind::DepthwiseConv2d:
    case OpKind::AvgPool:
    case OpKind::MaxPool:
      s += fmt::format(" kernel={}x{} stride={}x{} dilation={}x{} pad=[t{} b{} l{} r{}]", w.kernel_h, w.kernel_w,
                       w.stride_h, w.stride_w, w.dilation_h, w.dilation_w, w.pad.top, w.pad.bottom, w.pad.left,
                       w.pad.right);
      if (op.kind == OpKind::DepthwiseConv2d) s += fmt::format(" depth_multiplier={}", op.depth_multiplier);
      break;
    case OpKind::Add:
    case OpKind::Sub:
      s += fmt::format(" left_shift={} in1=({}, {}) in2=({}, {}) out=({}, {})", op.add.left_shift,
                       op.add.in1_multiplier, op.add.in1_shift, op.add.in2_multiplier, op.add.in2_shift,
                       op.add.out_multiplier, op.add.out_shift);
      break;
    case OpKind::Softmax:
      s += fmt::format(" beta={} input_multiplier={} input_left_shift={} diff_min={}", op.softmax.beta,
                       op.softmax.input_multiplier, op.softmax.input_left_shift, op.softmax.diff_min);
      break;
    case OpKind::Concat: s += fmt::format(" axis={}", op.axis); break;
    case OpKind::Pad:
      s += " pads=[";
      for (size_t i = 0; i < op.pads.size(); ++i) s += fmt::format("{}({}, {})", i ? " " : "", op.pads[i][0], op.pads[i][1]);
      s += "]";
      if (op.has_pad_value) s += fmt::format(" value={}", op.pad_value);
      break;
    case OpKind::Kernel:
      for (const auto& [name, values] : op.attrs)
        s += values.size() == 1 ? fmt::format(" {}={}", name, values[0])
                                : fmt::format(" {}=[{}]", name, fmt::join(values, ", "));
      for (const auto& [name, value] : op.real_attrs) s += fmt::format(" {}={:.9g}", name, value);
      break;
    case OpKind::Quantize: s += op.round_half_to_even ? " round=half_to_even" : " round=half_away_from_zero"; break;
    default: break;
  }
  s += rescale_string(op.rescale);
  if (op.kind != OpKind::Reshape && op.kind != OpKind::Kernel) s += fmt::format(" act=[{}, {}]", op.act.min, op.act.max);
  s += fmt::format("  # {}", graph.describe(op));
  return s;
}

std::string print_graph(const Graph& graph) {
  std::string s = fmt::format("graph '{}': {} tensors, {} ops\n", graph.source, graph.tensors.size(), graph.ops.size());
  for (int id : graph.inputs) s += "input  " + tensor_string(graph, id) + "\n";
  for (int id : graph.outputs) s += "output " + tensor_string(graph, id) + "\n";
  for (size_t i = 0; i < graph.tensors.size(); ++i)
    if (graph.tensors[i].is_constant()) s += "const  " + tensor_string(graph, int(i)) + "\n";
  for (const Op& op : graph.ops) {
    s += op_string(graph, op) + "\n";
    for (int id : op.outputs) s += "    " + tensor_string(graph, id) + "\n";
  }
  return s;
}

}  // namespace kiln::ir
