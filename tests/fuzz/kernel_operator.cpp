// Kernel operators: one-op TFLite models of the operators that MCU kernels
// read from their kernel table entries' forms (kernels::McuOperatorForm:
// REDUCE_MAX, SUM, GATHER, SPACE_TO_BATCH_ND, PRELU, SQUARED_DIFFERENCE and
// whatever else the table holds), the operator picked by a byte from the
// table itself, so that a kernel added to the table is fuzzed without a
// change here. The bytes choose shapes of rank 0 to 4 with extreme
// dimensions, absent inputs, attribute inputs as INT32, INT64 (values beyond
// INT32 among them) or FLOAT32 constants of any length and value, operands
// as activations or constants with absurd quantization, int32 operands of
// any value (indices outside their axis), and options tables with each field
// present or not, of any value, or of another union type. Read, compiled and
// run by the reference as a model file would be, for the default SoC or (one
// bit after the model) the default SoC with the vector unit.
//
// KILN_FUZZ_DUMP_MODEL=FILE writes the model built from the input to FILE,
// to replay a finding through the command line (kiln run FILE).
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include <flatbuffers/flatbuffers.h>

#include "compiler/frontend/tflite_reader.h"
#include "compiler/frontend/tflite_schema_generated.h"
#include "kernels/mcu_kernel_table.h"
#include "tests/fuzz/model_pipeline.h"
#include "tests/fuzz/tflite_model_bytes.h"

namespace {

namespace tfl = tflite;
using kiln::fuzz::Bytes;
using kiln::fuzz::ModelBuilder;
using kiln::kernels::McuOperatorForm;

struct Form {
  const kiln::McuKernelSpec* spec;
  const McuOperatorForm* form;
  tfl::BuiltinOperator code;
};

// Every TFLite form in the kernel table, in id order.
const std::vector<Form>& tflite_forms() {
  static const std::vector<Form> forms = [] {
    std::vector<Form> out;
    for (const auto& b : kiln::kernels::mcu_kernel_table())
      for (const McuOperatorForm& f : b->operator_forms()) {
        if (std::string(f.format) != "tflite") continue;
        for (tfl::BuiltinOperator code : tfl::EnumValuesBuiltinOperator())
          if (std::string(tfl::EnumNameBuiltinOperator(code)) == f.name) out.push_back({&b->spec(), &f, code});
      }
    return out;
  }();
  return forms;
}

// Mostly rank 1 to 4 with small dimensions; sometimes a scalar or an extreme dimension.
std::vector<int32_t> shape(Bytes& in) {
  const uint8_t r = in.u8();
  const int rank = r < 240 ? 1 + r % 4 : 0;
  std::vector<int32_t> s;
  for (int k = 0; k < rank; ++k) s.push_back(in.dim());
  return s;
}

int32_t value(Bytes& in) {
  if (in.u8() < 220) return in.small(-6, 6);
  return in.pick<int32_t>({std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max(), 1 << 20, -(1 << 20),
                           65535, 100});
}

// An input that becomes an attribute: a constant vector, mostly INT32, else
// INT64 (a value beyond INT32 sometimes) or FLOAT32.
int attribute_input(Bytes& in, ModelBuilder& m) {
  const int32_t n = in.small(0, 6);
  const uint8_t type = in.u8();
  std::vector<uint8_t> bytes;
  if (type < 220) {
    std::vector<int32_t> v;
    for (int32_t k = 0; k < n; ++k) v.push_back(value(in));
    return m.int32_constant(v);
  }
  const bool int64 = type < 245;
  for (int32_t k = 0; k < n; ++k) {
    if (int64) {
      const int64_t v = in.u8() < 230 ? int64_t(value(in)) : int64_t(1) << 40;
      for (int b = 0; b < 8; ++b) bytes.push_back(uint8_t(uint64_t(v) >> (8 * b)));
    } else {
      const float f = float(value(in)) + 0.5f;
      uint32_t u;
      std::memcpy(&u, &f, 4);
      for (int b = 0; b < 4; ++b) bytes.push_back(uint8_t(u >> (8 * b)));
    }
  }
  return m.tensor({n}, int64 ? tfl::TensorType_INT64 : tfl::TensorType_FLOAT32, 0, m.constant({n}, int64 ? 8 : 4, bytes));
}

// The options table: the form's fields, each present or not, of any value; sometimes of another union type.
std::pair<tfl::BuiltinOptions, flatbuffers::Offset<void>> options(Bytes& in, ModelBuilder& m, const McuOperatorForm& f) {
  if (f.options_type == 0 && in.u8() < 240) return {tfl::BuiltinOptions_NONE, 0};
  auto& fbb = m.fbb();
  const auto type = tfl::BuiltinOptions(in.u8() < 230 && f.options_type ? f.options_type : 1 + in.u8() % 120);
  const flatbuffers::uoffset_t start = fbb.StartTable();
  for (const McuOperatorForm::OptionField& o : f.options) {
    if (in.u8() >= 230) continue;
    const auto field = flatbuffers::voffset_t(4 + 2 * o.id);
    switch (o.type) {
      case McuOperatorForm::Option::Bool: fbb.AddElement<uint8_t>(field, in.u8() < 200 ? in.u8() & 1 : in.u8(), 0); break;
      case McuOperatorForm::Option::Int8: fbb.AddElement<int8_t>(field, int8_t(in.u8()), 0); break;
      case McuOperatorForm::Option::Int32: fbb.AddElement<int32_t>(field, value(in), 0); break;
      case McuOperatorForm::Option::Float32: fbb.AddElement<float>(field, in.flag() ? in.scale() : -in.scale(), 0.0f); break;
    }
  }
  return {type, flatbuffers::Offset<void>(fbb.EndTable(start))};
}

std::vector<uint8_t> build_model(Bytes& in) {
  const std::vector<Form>& forms = tflite_forms();
  const Form& f = forms[in.u8() % forms.size()];
  std::vector<kiln::McuElement> operand_elements;  // the kernel's Read operands, in order
  for (const kiln::McuArg& a : f.spec->args)
    if (a.type == kiln::McuArgType::Read) operand_elements.push_back(a.element);
  ModelBuilder m(in);
  std::vector<int> inputs, graph_inputs;
  std::vector<int32_t> first_shape;
  size_t operand = 0;
  for (const char* role : f.form->inputs) {
    if (in.u8() >= 250) {  // absent (-1)
      inputs.push_back(-1);
      operand += role ? 0 : 1;
      continue;
    }
    if (role) {
      inputs.push_back(attribute_input(in, m));
      continue;
    }
    const kiln::McuElement e = operand < operand_elements.size() ? operand_elements[operand] : kiln::McuElement::Int8;
    ++operand;
    const std::vector<int32_t> s = shape(in);
    if (e == kiln::McuElement::Int32) {  // indices and the like: any values
      std::vector<uint8_t> bytes;
      const int64_t n = kiln::fuzz::elements(s);
      for (int64_t k = 0; k < (n >= 0 && n <= 4096 ? n : 4); ++k) {
        const int32_t v = in.u8() < 220 ? in.small(-2, 12) : value(in);
        for (int b = 0; b < 4; ++b) bytes.push_back(uint8_t(uint32_t(v) >> (8 * b)));
      }
      inputs.push_back(m.tensor(s, tfl::TensorType_INT32, 0, m.constant(s, 4, bytes)));
    } else if (in.u8() < 210) {
      inputs.push_back(m.activation(s));
      graph_inputs.push_back(inputs.back());
      if (first_shape.empty()) first_shape = s;
    } else {  // an int8 constant, per tensor or per channel along its last dimension
      const size_t count = in.flag() && !s.empty() ? m.channel_count(s.back()) : 1;
      inputs.push_back(m.tensor(s, tfl::TensorType_INT8, m.quant(count, int(s.size()) - 1), m.constant(s, 1)));
    }
  }
  const std::vector<int32_t> out_shape = in.u8() < 128 && !first_shape.empty() ? first_shape : shape(in);
  // The output of the kernel's type: int8, or int32 (indices, unquantized).
  const int y = kiln::written_element(*f.spec) == kiln::McuElement::Int32 ? m.tensor(out_shape, tfl::TensorType_INT32, 0)
                                                                            : m.activation(out_shape);
  const auto [type, table] = options(in, m, *f.form);
  return m.finish(f.code, inputs, {y}, type, table, graph_inputs);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Bytes in(data, size);
  const std::vector<uint8_t> model = build_model(in);
  // Read after the model, so that an input's model does not depend on it.
  const bool with_vector_unit = in.flag();
  if (const char* dump = std::getenv("KILN_FUZZ_DUMP_MODEL"))
    std::ofstream(dump, std::ios::binary).write(reinterpret_cast<const char*>(model.data()), std::streamsize(model.size()));
  return kiln::fuzz::expect_errors("fuzz_kernel_op.tflite", [&] {
    kiln::fuzz::compile_and_run(
        kiln::frontend::read_tflite_buffer(model.data(), model.size(), "fuzz_kernel_op.tflite"), with_vector_unit);
  });
}
