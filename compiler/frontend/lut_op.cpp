#include "compiler/frontend/lut_op.h"

namespace kiln::frontend {

void make_lut(ir::Graph& g, ir::Op& op, int input, int output, const kernels::LutTable& table) {
  ir::Tensor t;
  t.name = g.tensors[size_t(output)].name + "/table";
  t.shape = {kernels::kLutEntries};
  t.type = ir::DataType::Int8;
  t.data.assign(reinterpret_cast<const uint8_t*>(table.data()),
                reinterpret_cast<const uint8_t*>(table.data()) + table.size());
  const int id = g.add_tensor(std::move(t));
  op.kind = ir::OpKind::Lut;
  op.inputs = {input, id};
  op.outputs = {output};
}

}  // namespace kiln::frontend
