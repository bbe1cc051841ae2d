#include "compiler/ir/batch_matmul.h"

#include <algorithm>
#include <utility>

#include "arch/error.h"
#include "compiler/ir/quant_params.h"

namespace kiln::ir {

namespace {

bool flag(const Op& op, const char* name) {
  const auto it = op.attrs.find(name);
  return it != op.attrs.end() && it->second.size() == 1 && it->second[0] != 0;
}

int32_t attr_or(const Op& op, const char* name, int32_t fallback) {
  const auto it = op.attrs.find(name);
  return it != op.attrs.end() && it->second.size() == 1 ? int32_t(it->second[0]) : fallback;
}

bool per_tensor_int8(const Tensor& t) {
  return t.type == DataType::Int8 && t.quant.scale.size() == 1 && t.quant.zero_point.size() == 1;
}

// The ops replacing `op` when it fits (see the header), else none.
std::vector<Op> as_fully_connected(Graph& g, const Op& op) {
  if (op.kind != OpKind::Kernel || op.kernel != "batch_matmul" || op.inputs.size() != 2 || op.outputs.size() != 1)
    return {};
  // Copies: add_tensor may move g.tensors.
  const Tensor lhs = g.tensors[size_t(op.inputs[0])], rhs = g.tensors[size_t(op.inputs[1])];
  const Tensor out = g.tensors[size_t(op.outputs[0])];
  if (lhs.is_constant() || !rhs.is_constant() || !per_tensor_int8(lhs) || !per_tensor_int8(rhs) ||
      !per_tensor_int8(out) || rhs.zero_point() != 0)
    return {};
  const size_t lr = lhs.shape.size(), rr = rhs.shape.size();
  if (lr < 2 || lr > 5 || rr < 2 || rr > 5) return {};
  for (size_t d = 0; d + 2 < rr; ++d)
    if (rhs.shape[d] != 1) return {};
  const bool adj_x = flag(op, "adj_x"), adj_y = flag(op, "adj_y");
  const int32_t rows = lhs.shape[adj_x ? lr - 1 : lr - 2], depth = lhs.shape[adj_x ? lr - 2 : lr - 1];
  const int32_t rhs_depth = rhs.shape[adj_y ? rr - 1 : rr - 2], cols = rhs.shape[adj_y ? rr - 2 : rr - 1];
  // The output: the LHS's batch dimensions (the RHS's are 1s, perhaps more of them), rows x cols.
  Shape expected(std::max(lr, rr) - lr, 1);
  expected.insert(expected.end(), lhs.shape.begin(), lhs.shape.end() - 2);
  expected.insert(expected.end(), {rows, cols});
  if (depth != rhs_depth || out.shape != expected) return {};
  const int32_t act_min = attr_or(op, "act_min", -128), act_max = attr_or(op, "act_max", 127);
  Rescale one;
  try {
    one = fully_connected_rescale(lhs.scale(), rhs.scale(), out.scale());
  } catch (const Error&) {
    return {};  // a scale of 2^30 or more: the kernel's checks refuse it, naming the op
  }

  std::vector<Op> ops;
  int rows_in = op.inputs[0];
  if (adj_x) {
    Tensor t = lhs;
    t.name = out.name + "/lhs_rows";
    std::swap(t.shape[lr - 1], t.shape[lr - 2]);
    rows_in = g.add_tensor(std::move(t));
    std::vector<int64_t> perm;
    for (size_t d = 0; d < lr; ++d) perm.push_back(int64_t(d));
    std::swap(perm[lr - 1], perm[lr - 2]);
    Op transpose = op;
    transpose.kernel = "transpose";
    transpose.attrs = {{"perm", perm}};
    transpose.inputs = {op.inputs[0]};
    transpose.outputs = {rows_in};
    ops.push_back(std::move(transpose));
  }
  Tensor w;  // [cols][depth]
  w.name = out.name + "/weights";
  w.shape = {cols, depth};
  w.quant.scale = rhs.quant.scale;
  w.quant.zero_point = {0};
  w.data.resize(size_t(cols) * size_t(depth));
  for (int32_t n = 0; n < cols; ++n)
    for (int32_t k = 0; k < depth; ++k)
      w.data[size_t(n) * size_t(depth) + size_t(k)] =
          rhs.data[adj_y ? size_t(n) * size_t(depth) + size_t(k) : size_t(k) * size_t(cols) + size_t(n)];
  const int weights = g.add_tensor(std::move(w));
  Tensor b;
  b.name = out.name + "/zero_bias";
  b.shape = {cols};
  b.type = DataType::Int32;
  b.data.assign(size_t(cols) * 4, 0);
  const int bias = g.add_tensor(std::move(b));
  Op fc = op;
  fc.kind = OpKind::FullyConnected;
  fc.kernel.clear();
  fc.attrs.clear();
  fc.inputs = {rows_in, weights, bias};
  fc.act = {act_min, act_max};
  fc.rescale.multiplier.assign(size_t(cols), one.multiplier[0]);
  fc.rescale.shift.assign(size_t(cols), one.shift[0]);
  ops.push_back(std::move(fc));
  return ops;
}

}  // namespace

int batch_matmul_as_fully_connected(Graph& g) {
  int rewritten = 0;
  std::vector<Op> ops;
  ops.reserve(g.ops.size());
  for (Op& op : g.ops) {
    std::vector<Op> fc = as_fully_connected(g, op);
    if (fc.empty()) {
      ops.push_back(std::move(op));
      continue;
    }
    ++rewritten;
    for (Op& o : fc) ops.push_back(std::move(o));
  }
  g.ops = std::move(ops);
  return rewritten;
}

}  // namespace kiln::ir
