#include "compiler/ir/concat_chain.h"

#include <fmt/format.h>

namespace kiln::ir {

int chain_concats(Graph& g) {
  int rewritten = 0;
  std::vector<Op> ops;
  ops.reserve(g.ops.size());
  for (Op& op : g.ops) {
    if (op.kind != OpKind::Concat || op.inputs.size() <= 2) {
      ops.push_back(std::move(op));
      continue;
    }
    ++rewritten;
    const size_t joins = op.inputs.size() - 1;
    int acc = op.inputs[0];
    for (size_t j = 1; j <= joins; ++j) {
      Op link = op;
      link.inputs = {acc, op.inputs[j]};
      if (j < joins) {
        // The first j+1 inputs joined: the output's shape with the axis extent so far.
        Tensor t;
        const Tensor& out = g.tensors[size_t(op.outputs[0])];
        t.name = fmt::format("{}/join{}", out.name, j);
        t.shape = out.shape;
        t.type = out.type;
        t.quant = out.quant;
        t.shape[size_t(op.axis)] = g.tensors[size_t(acc)].shape[size_t(op.axis)] +
                                   g.tensors[size_t(op.inputs[j])].shape[size_t(op.axis)];
        const int id = g.add_tensor(std::move(t));
        link.outputs = {id};
        link.name = fmt::format("{} (join {} of {})", op.name, j, joins);
        acc = id;
      } else {
        link.name = fmt::format("{} (join {} of {})", op.name, j, joins);
      }
      ops.push_back(std::move(link));
    }
  }
  g.ops = std::move(ops);
  return rewritten;
}

}  // namespace kiln::ir
