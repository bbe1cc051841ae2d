#include "compiler/frontend/tflite_reader.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <utility>

#include <flatbuffers/reflection.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "arch/error.h"
#include "arch/escaped.h"
#include "arch/file_bytes.h"
#include "compiler/frontend/flatbuffer_locate.h"
#include "compiler/frontend/tflite_schema_bfbs_generated.h"
#include "compiler/frontend/tflite_schema_generated.h"
#include "compiler/frontend/lut_op.h"
#include "compiler/ir/broadcast.h"
#include "compiler/ir/depth_space.h"
#include "compiler/ir/quant_params.h"
#include "compiler/ir/transpose_conv.h"
#include "kernels/lut_tables.h"
#include "kernels/mcu_kernel_table.h"
#include "kernels/slice.h"
#include "kernels/transpose.h"

namespace kiln::frontend {

namespace {

using ir::DataType;
using ir::OpKind;

const std::vector<std::pair<tflite::BuiltinOperator, OpKind>>& supported_table() {
  static const std::vector<std::pair<tflite::BuiltinOperator, OpKind>> table = {
      {tflite::BuiltinOperator_ADD, OpKind::Add},
      {tflite::BuiltinOperator_AVERAGE_POOL_2D, OpKind::AvgPool},
      {tflite::BuiltinOperator_CONCATENATION, OpKind::Concat},
      {tflite::BuiltinOperator_CONV_2D, OpKind::Conv2d},
      // A dilate kernel op and a Conv2d (compiler/ir/transpose_conv.h).
      {tflite::BuiltinOperator_TRANSPOSE_CONV, OpKind::Conv2d},
      {tflite::BuiltinOperator_DEPTHWISE_CONV_2D, OpKind::DepthwiseConv2d},
      {tflite::BuiltinOperator_DEQUANTIZE, OpKind::Dequantize},
      {tflite::BuiltinOperator_FULLY_CONNECTED, OpKind::FullyConnected},
      {tflite::BuiltinOperator_MAX_POOL_2D, OpKind::MaxPool},
      {tflite::BuiltinOperator_MAXIMUM, OpKind::Maximum},
      {tflite::BuiltinOperator_MEAN, OpKind::Mean},
      {tflite::BuiltinOperator_MINIMUM, OpKind::Minimum},
      {tflite::BuiltinOperator_MUL, OpKind::Mul},
      {tflite::BuiltinOperator_PAD, OpKind::Pad},
      {tflite::BuiltinOperator_PADV2, OpKind::Pad},
      {tflite::BuiltinOperator_QUANTIZE, OpKind::Requantize},
      {tflite::BuiltinOperator_RELU, OpKind::Relu},
      {tflite::BuiltinOperator_RELU6, OpKind::Relu6},
      {tflite::BuiltinOperator_RELU_N1_TO_1, OpKind::Requantize},
      {tflite::BuiltinOperator_RESHAPE, OpKind::Reshape},
      // Operators one MCU kernel runs as they are (ir::OpKind::Kernel).
      {tflite::BuiltinOperator_RESIZE_NEAREST_NEIGHBOR, OpKind::Kernel},
      {tflite::BuiltinOperator_MIRROR_PAD, OpKind::Kernel},
      {tflite::BuiltinOperator_RESIZE_BILINEAR, OpKind::Kernel},
      // Reshapes by another name: the output tensor's shape says what they did.
      {tflite::BuiltinOperator_SQUEEZE, OpKind::Reshape},
      {tflite::BuiltinOperator_EXPAND_DIMS, OpKind::Reshape},
      {tflite::BuiltinOperator_SOFTMAX, OpKind::Softmax},
      {tflite::BuiltinOperator_SUB, OpKind::Sub},
      {tflite::BuiltinOperator_TRANSPOSE, OpKind::Kernel},
      // A reshape, a transpose and a reshape (compiler/ir/depth_space.h).
      {tflite::BuiltinOperator_DEPTH_TO_SPACE, OpKind::Kernel},
      {tflite::BuiltinOperator_SPACE_TO_DEPTH, OpKind::Kernel},
      // Reshapes of each input, then their concatenation.
      {tflite::BuiltinOperator_PACK, OpKind::Concat},
      // Slices: SPLIT, SPLIT_V and UNPACK become one per output.
      {tflite::BuiltinOperator_SLICE, OpKind::Kernel},
      {tflite::BuiltinOperator_STRIDED_SLICE, OpKind::Kernel},
      {tflite::BuiltinOperator_SPLIT, OpKind::Kernel},
      {tflite::BuiltinOperator_SPLIT_V, OpKind::Kernel},
      {tflite::BuiltinOperator_UNPACK, OpKind::Kernel},
      // Unary int8 functions: 256-entry tables (kernels/lut_tables.h).
      {tflite::BuiltinOperator_ELU, OpKind::Lut},
      {tflite::BuiltinOperator_HARD_SWISH, OpKind::Lut},
      {tflite::BuiltinOperator_LEAKY_RELU, OpKind::Lut},
      {tflite::BuiltinOperator_LOGISTIC, OpKind::Lut},
      {tflite::BuiltinOperator_TANH, OpKind::Lut},
  };
  return table;
}

std::string builtin_name(int code) {
  if (code >= tflite::BuiltinOperator_MIN && code <= tflite::BuiltinOperator_MAX) {
    const char* name = tflite::EnumNameBuiltinOperator(static_cast<tflite::BuiltinOperator>(code));
    if (name && *name) return name;
  }
  return fmt::format("BUILTIN_{}", code);
}

std::string tensor_type_name(tflite::TensorType type) {
  const char* name = tflite::EnumNameTensorType(type);
  return name && *name ? name : fmt::format("type {}", int(type));
}

// Output size and explicit padding of one spatial dimension, as TFLite's
// ComputeOutSize and ComputePaddingWithOffset (in 64 bits: the parameters come
// from the file). `ok` is false when no output fits or the padding is absurd.
struct Spatial {
  int32_t out = 0;
  int32_t before = 0;
  int32_t after = 0;
  bool ok = false;
};
Spatial spatial(tflite::Padding padding, int64_t in, int64_t filter, int64_t stride, int64_t dilation) {
  constexpr int64_t kMaxPad = int64_t(1) << 24;
  const int64_t effective = (filter - 1) * dilation + 1;
  const int64_t out = padding == tflite::Padding_SAME ? (in + stride - 1) / stride : (in - effective + stride) / stride;
  const int64_t total = std::max<int64_t>(0, (out - 1) * stride + effective - in);
  Spatial s;
  s.ok = out >= 1 && total <= kMaxPad;
  if (!s.ok) return s;
  s.out = int32_t(out);
  s.before = int32_t(total / 2);
  s.after = int32_t(total - total / 2);
  return s;
}

constexpr int64_t kMaxElements = int64_t(1) << 30;

class Reader {
 public:
  Reader(const uint8_t* data, size_t size, std::string name) : data_(data), size_(size), file_(std::move(name)) {}

  ir::Graph read() {
    verify();
    model_ = tflite::GetModel(data_);
    if (!model_->subgraphs() || model_->subgraphs()->size() == 0) fail("the model has no subgraph");
    sg_ = model_->subgraphs()->Get(0);
    if (!sg_->tensors()) fail("subgraph 0 has no tensors");
    graph_.source = file_;
    imported_.assign(sg_->tensors()->size(), -1);

    if (!sg_->inputs() || sg_->inputs()->size() == 0) fail("subgraph 0 has no inputs");
    if (!sg_->outputs() || sg_->outputs()->size() == 0) fail("subgraph 0 has no outputs");
    for (int32_t index : *sg_->inputs()) graph_.inputs.push_back(edge(index, "graph input"));
    if (sg_->operators())
      for (uint32_t i = 0; i < sg_->operators()->size(); ++i) read_operator(int(i), sg_->operators()->Get(i));
    for (int32_t index : *sg_->outputs()) graph_.outputs.push_back(edge(index, "graph output"));
    ir::validate(graph_);
    return std::move(graph_);
  }

 private:
  // Escaped: messages quote names from the model, which may hold any byte.
  [[noreturn]] void fail(const std::string& what) const { throw Error(fmt::format("{}: {}", file_, escaped(what, 4000))); }

  void verify() const {
    if (size_ < 8 || !flatbuffers::BufferHasIdentifier(data_, tflite::ModelIdentifier()))
      fail("not a TFLite model (no 'TFL3' file identifier)");
    flatbuffers::Verifier verifier(data_, size_);
    if (tflite::VerifyModelBuffer(verifier)) return;
    const auto* schema = reflection::GetSchema(tflite::ModelBinarySchema::data());
    const std::string where = locate_verification_failure(*schema, data_, size_);
    fail("malformed TFLite flatbuffer: " +
         (where.empty() ? "more tables or deeper nesting than the verifier allows" : where));
  }

  // ---- tensors ------------------------------------------------------------

  std::string tensor_where(int index) const {
    const tflite::Tensor* t = sg_->tensors()->Get(uint32_t(index));
    return fmt::format("tensor '{}' (index {})", t->name() ? t->name()->str() : "", index);
  }

  [[noreturn]] void fail_tensor(int index, const std::string& what) const {
    fail(fmt::format("{}: {}", tensor_where(index), what));
  }

  int import(int index, const std::string& role) {
    const int count = int(sg_->tensors()->size());
    if (index < 0 || index >= count) fail(fmt::format("{}: tensor index {} out of range [0, {})", role, index, count));
    if (imported_[index] >= 0) return imported_[index];
    const tflite::Tensor* t = sg_->tensors()->Get(uint32_t(index));
    ir::Tensor out;
    out.name = t->name() ? t->name()->str() : fmt::format("tensor{}", index);
    out.source_index = index;
    if (t->shape()) {
      int64_t elements = 1;
      for (int32_t d : *t->shape()) {
        if (d < 0) fail_tensor(index, fmt::format("dynamic or negative dimension {}: unsupported", d));
        // No kernel runs on an empty tensor (and sizes divided by a dimension stay defined).
        if (d == 0) fail_tensor(index, fmt::format("dimension 0 in shape {}: empty tensors unsupported",
                                                   fmt::join(*t->shape(), "x")));
        elements *= d;
        // Keeps every size computation in range (and far above any MCU's memory).
        if (elements > kMaxElements)
          fail_tensor(index, fmt::format("more than {} elements: unsupported", kMaxElements));
        out.shape.push_back(d);
      }
    }
    // An INT64 constant (indices, axes, paddings, shapes: converters write
    // either width) is read as INT32 below, where every value fits.
    const bool int64 = t->type() == tflite::TensorType_INT64;
    switch (t->type()) {
      case tflite::TensorType_INT8: out.type = DataType::Int8; break;
      case tflite::TensorType_INT32: out.type = DataType::Int32; break;
      case tflite::TensorType_INT64: out.type = DataType::Int32; break;
      case tflite::TensorType_FLOAT32: out.type = DataType::Float32; break;
      default:
        fail_tensor(index, fmt::format("type {} unsupported; supported: INT8 (activations, weights), INT32 (biases), "
                                       "INT64 and INT32 constants (indices, axes, shapes), FLOAT32 (graph inputs and "
                                       "outputs)",
                                       tensor_type_name(t->type())));
    }
    if (t->sparsity()) fail_tensor(index, "sparse tensors are unsupported");
    if (t->is_variable()) fail_tensor(index, "variable (state) tensors are unsupported");
    if (const tflite::QuantizationParameters* q = t->quantization()) {
      if (q->details_type() != tflite::QuantizationDetails_NONE)
        fail_tensor(index, "custom quantization is unsupported");
      const size_t n = q->scale() ? q->scale()->size() : 0;
      const size_t nz = q->zero_point() ? q->zero_point()->size() : 0;
      if (n > 0) {
        if (nz != n && nz != 0)
          fail_tensor(index, fmt::format("{} scales but {} zero points", n, nz));
        for (size_t i = 0; i < n; ++i) {
          const float s = q->scale()->Get(uint32_t(i));
          if (!(s > 0.0f) || !std::isfinite(s)) fail_tensor(index, fmt::format("scale {} is not positive", s));
          out.quant.scale.push_back(s);
          // By memcpy: the verifier checks a vector's 4-byte length prefix, not
          // that its int64 elements are 8-byte aligned, so a file may misalign them.
          int64_t zp = 0;
          if (nz) std::memcpy(&zp, q->zero_point()->Data() + i * sizeof(int64_t), sizeof(int64_t));
          if (zp < -128 || zp > 127) fail_tensor(index, fmt::format("zero point {} outside int8", zp));
          out.quant.zero_point.push_back(int32_t(zp));
        }
        out.quant.axis = q->quantized_dimension();
        // An int32 bias's quantization is never read, by TFLite Micro or here:
        // its scale is the input's times the weights' by the specification.
        // Converters write it in any form (per-channel along a dimension past
        // the bias's rank among them), so it is dropped, not checked.
        if (out.type == DataType::Int32) out.quant = {};
        else if (n > 1 && (out.quant.axis < 0 || out.quant.axis >= int(out.shape.size()) ||
                           int64_t(out.shape[out.quant.axis]) != int64_t(n)))
          fail_tensor(index, fmt::format("{} per-channel scales do not match dimension {} of shape {}", n,
                                         out.quant.axis, ir::shape_string(out.shape)));
      }
    }
    const uint32_t buffer = t->buffer();
    const uint32_t buffers = model_->buffers() ? model_->buffers()->size() : 0;
    if (buffer != 0) {
      if (buffer >= buffers) fail_tensor(index, fmt::format("buffer {} out of range [0, {})", buffer, buffers));
      const tflite::Buffer* b = model_->buffers()->Get(buffer);
      if (b->offset() > 1) fail_tensor(index, "data stored outside the flatbuffer (models over 2 GB) is unsupported");
      if (b->data() && b->data()->size() > 0) {
        const size_t bytes = int64 ? 2 * out.byte_size() : out.byte_size();
        if (b->data()->size() != bytes)
          fail_tensor(index, fmt::format("buffer holds {} bytes, shape {} of {} needs {}", b->data()->size(),
                                         ir::shape_string(out.shape), int64 ? "INT64" : ir::data_type_name(out.type),
                                         bytes));
        if (int64)
          out.data = narrow_int64(index, b->data()->data(), size_t(out.num_elements()));
        else
          out.data.assign(b->data()->begin(), b->data()->end());
      }
    }
    if (int64 && out.data.empty())
      fail_tensor(index, "INT64 activations are unsupported; supported: INT64 constants (indices, axes, shapes)");
    imported_[index] = graph_.add_tensor(std::move(out));
    return imported_[index];
  }

  // `n` little-endian int64 values as int32 bytes; each must fit.
  std::vector<uint8_t> narrow_int64(int index, const uint8_t* data, size_t n) const {
    std::vector<uint8_t> out(4 * n);
    for (size_t k = 0; k < n; ++k) {
      int64_t v = 0;
      std::memcpy(&v, data + 8 * k, sizeof v);  // the file's bytes are little-endian, as this host is
      if (v < INT32_MIN || v > INT32_MAX)
        fail_tensor(index, fmt::format("INT64 value {} (entry {}) does not fit INT32", v, k));
      const uint32_t u = uint32_t(int32_t(v));
      for (size_t b = 0; b < 4; ++b) out[4 * k + b] = uint8_t(u >> (8 * b));
    }
    return out;
  }

  // An int8 activation with per-tensor quantization.
  int activation(int index, const std::string& role) {
    const int id = import(index, role);
    const ir::Tensor& t = graph_.tensors[id];
    if (t.type != DataType::Int8) fail_tensor(index, fmt::format("{} must be INT8, not {}", role, ir::data_type_name(t.type)));
    if (t.is_constant()) fail_tensor(index, fmt::format("{} must not be a constant", role));
    if (t.quant.empty() || t.quant.per_channel())
      fail_tensor(index, fmt::format("{} needs one scale and zero point", role));
    return id;
  }

  // A graph input or output: an int8 activation, or float32 (quantized at
  // once by QUANTIZE, or just dequantized by DEQUANTIZE); an output also
  // int32 when an operator wrote it so (index_output).
  int edge(int index, const std::string& role) {
    const int id = import(index, role);
    const ir::Tensor& t = graph_.tensors[id];
    const bool written = std::any_of(graph_.ops.begin(), graph_.ops.end(), [&](const ir::Op& op) {
      return std::find(op.outputs.begin(), op.outputs.end(), id) != op.outputs.end();
    });
    if (t.type == DataType::Int32 && written) return id;
    if (t.type != DataType::Float32) return activation(index, role);
    if (t.is_constant()) fail_tensor(index, fmt::format("{} must not be a constant", role));
    return id;
  }

  bool is_graph_input(int index) const {
    return std::find(sg_->inputs()->begin(), sg_->inputs()->end(), index) != sg_->inputs()->end();
  }
  bool is_graph_output(int index) const {
    return std::find(sg_->outputs()->begin(), sg_->outputs()->end(), index) != sg_->outputs()->end();
  }

  // ---- operators ----------------------------------------------------------

  struct Context {
    int index = 0;
    int builtin = 0;      // TFLite's BuiltinOperator
    std::string op_name;  // TFLite name
    std::string name;     // first output tensor's name
    std::vector<int32_t> inputs;
    std::vector<int32_t> outputs;
    const tflite::Operator* op = nullptr;
  };

  std::string where(const Context& c) const { return fmt::format("operator {} ({}, '{}')", c.index, c.op_name, c.name); }
  [[noreturn]] void fail_op(const Context& c, const std::string& what) const {
    fail(fmt::format("{}: {}", where(c), what));
  }

  void read_operator(int index, const tflite::Operator* op) {
    Context c;
    c.index = index;
    c.op = op;
    const uint32_t codes = model_->operator_codes() ? model_->operator_codes()->size() : 0;
    if (op->opcode_index() >= codes)
      fail(fmt::format("operator {}: opcode index {} out of range [0, {})", index, op->opcode_index(), codes));
    const tflite::OperatorCode* code = model_->operator_codes()->Get(op->opcode_index());
    // As TFLite's GetBuiltinCode: the larger of the byte-sized legacy field and
    // the int32 field (older writers fill only the first).
    const int builtin = std::max<int>(code->builtin_code(), code->deprecated_builtin_code());
    c.builtin = builtin;
    c.op_name = builtin_name(builtin);
    if (builtin == tflite::BuiltinOperator_CUSTOM && code->custom_code())
      c.op_name = fmt::format("CUSTOM '{}'", code->custom_code()->str());
    if (op->inputs()) c.inputs.assign(op->inputs()->begin(), op->inputs()->end());
    if (op->outputs()) c.outputs.assign(op->outputs()->begin(), op->outputs()->end());
    if (!c.outputs.empty() && c.outputs[0] >= 0 && c.outputs[0] < int(sg_->tensors()->size())) {
      const tflite::Tensor* t = sg_->tensors()->Get(uint32_t(c.outputs[0]));
      if (t->name()) c.name = t->name()->str();
    }

    const auto& table = supported_table();
    auto it = std::find_if(table.begin(), table.end(), [&](const auto& e) { return int(e.first) == builtin; });
    // Else an operator an MCU kernel runs as it is, read as its table entry says.
    const auto [kernel, form] = it == table.end() ? kernels::find_operator_kernel("tflite", c.op_name)
                                                  : std::pair<const kernels::McuKernelBinding*,
                                                              const kernels::McuOperatorForm*>{};
    if (it == table.end() && !kernel) {
      std::string list;
      for (const std::string& s : tflite_supported_operators()) list += (list.empty() ? "" : ", ") + s;
      fail_op(c, "unsupported; supported: " + list);
    }
    const bool splits = builtin == tflite::BuiltinOperator_SPLIT || builtin == tflite::BuiltinOperator_SPLIT_V ||
                        builtin == tflite::BuiltinOperator_UNPACK;
    if (splits ? c.outputs.empty() : c.outputs.size() != 1)
      fail_op(c, fmt::format("expected {} output, found {}", splits ? "at least 1" : "1", c.outputs.size()));

    ir::Op out;
    out.kind = kernel ? OpKind::Kernel : it->second;
    // QUANTIZE from float32 is the float edge; from int8 a requantization.
    if (builtin == tflite::BuiltinOperator_QUANTIZE && !c.inputs.empty() && c.inputs[0] >= 0 &&
        c.inputs[0] < int(sg_->tensors()->size()) &&
        sg_->tensors()->Get(uint32_t(c.inputs[0]))->type() == tflite::TensorType_FLOAT32)
      out.kind = OpKind::Quantize;
    out.name = c.name;
    out.source_index = index;
    out.source_op = c.op_name;
    try {
      if (kernel)
        read_kernel_operator(c, out, *kernel, *form);
      else
        read_op(c, out);
    } catch (const ir::ScaleError& e) {
      fail_op(c, e.what());
    }
    graph_.ops.push_back(std::move(out));
  }

  // An operator that an MCU kernel runs as it is (kernels::McuOperatorForm):
  // its operand inputs in order, its output, and its integer inputs and
  // options as attributes; the kernel's table entry checks the rest when the
  // op is lowered, and the error names this operator.
  void read_kernel_operator(const Context& c, ir::Op& op, const kernels::McuKernelBinding& kernel,
                            const kernels::McuOperatorForm& form) {
    expect_inputs(c, form.inputs.size(), form.inputs.size());
    op.kernel = kernel.spec().name;
    for (size_t i = 0; i < form.inputs.size(); ++i) {
      if (!form.inputs[i]) {
        op.inputs.push_back(operand_tensor(c, i));
        continue;
      }
      const int id = constant(c, i, DataType::Int32, form.inputs[i]);
      std::vector<int64_t>& values = op.attrs[form.inputs[i]];
      for (int64_t k = 0; k < tensor(id).num_elements(); ++k) values.push_back(tensor(id).int32_at(size_t(k)));
    }
    op.outputs = {written_element(kernel.spec()) == McuElement::Int32 ? index_output(c) : act_output(c)};
    read_options(c, form, op);
  }

  // The output of a kernel that writes int32 values that are no quantized
  // reals (arg_max's indices): an INT32 activation, its quantization unread.
  int index_output(const Context& c) {
    const int id = import(c.outputs[0], fmt::format("output of {}", where(c)));
    if (tensor(id).type != DataType::Int32)
      fail_tensor(c.outputs[0], fmt::format("output of {} must be INT32, not {}", where(c),
                                            ir::data_type_name(tensor(id).type)));
    if (tensor(id).is_constant()) fail_tensor(c.outputs[0], fmt::format("output of {} must not be a constant", where(c)));
    return id;
  }

  // An input the kernel reads: an int8 activation, or a constant of any type
  // (the kernel's entry checks its type and quantization).
  int operand_tensor(const Context& c, size_t i) {
    if (c.inputs[i] < 0) fail_op(c, fmt::format("input {} is missing", i));
    const int id = import(c.inputs[i], fmt::format("input {} of {}", i, where(c)));
    return tensor(id).is_constant() ? id : act_input(c, i);
  }

  // The options a form names, read by field id from the operator's options
  // table when it has the form's union type (else every option is its
  // default). The table is verified here: the model's verification skips the
  // options of operators the schema subset has no table for.
  void read_options(const Context& c, const kernels::McuOperatorForm& form, ir::Op& op) const {
    if (form.options.empty()) return;
    // As TFLite Micro's parser: options of another union type are absent.
    const auto* options = int(c.op->builtin_options_type()) == form.options_type
                              ? static_cast<const flatbuffers::Table*>(c.op->builtin_options())
                              : nullptr;
    flatbuffers::Verifier verifier(data_, size_);
    if (options && !options->VerifyTableStart(verifier)) fail_op(c, "malformed options table");
    using Option = kernels::McuOperatorForm::Option;
    for (const auto& f : form.options) {
      const auto field = flatbuffers::voffset_t(4 + 2 * f.id);
      const size_t bytes = f.type == Option::Int32 || f.type == Option::Float32 ? 4 : 1;
      const bool ok = !options || (bytes == 4 ? options->VerifyField<int32_t>(verifier, field, 4)
                                              : options->VerifyField<int8_t>(verifier, field, 1));
      if (!ok) fail_op(c, fmt::format("malformed options table: field {} ({})", f.id, f.attr));
      switch (f.type) {
        case Option::Bool: op.attrs[f.attr] = {options ? options->GetField<uint8_t>(field, 0) != 0 : 0}; break;
        case Option::Int8: op.attrs[f.attr] = {options ? options->GetField<int8_t>(field, 0) : 0}; break;
        case Option::Int32: op.attrs[f.attr] = {options ? options->GetField<int32_t>(field, 0) : 0}; break;
        case Option::Float32: op.real_attrs[f.attr] = options ? options->GetField<float>(field, 0.0f) : 0.0; break;
      }
    }
  }

  void read_op(const Context& c, ir::Op& out) {
    switch (out.kind) {
      case OpKind::Conv2d:
        if (c.builtin == tflite::BuiltinOperator_TRANSPOSE_CONV)
          read_transpose_conv(c, out);
        else
          read_conv(c, out, false);
        break;
      case OpKind::DepthwiseConv2d: read_conv(c, out, true); break;
      case OpKind::FullyConnected: read_fully_connected(c, out); break;
      case OpKind::Add: read_add(c, out); break;
      case OpKind::AvgPool:
      case OpKind::MaxPool: read_pool(c, out); break;
      case OpKind::Mean: read_mean(c, out); break;
      case OpKind::Reshape: read_reshape(c, out); break;
      case OpKind::Pad: read_pad(c, out); break;
      case OpKind::Kernel:
        switch (c.builtin) {
          case tflite::BuiltinOperator_RESIZE_NEAREST_NEIGHBOR:
          case tflite::BuiltinOperator_RESIZE_BILINEAR: read_resize(c, out); break;
          case tflite::BuiltinOperator_TRANSPOSE: read_transpose(c, out); break;
          case tflite::BuiltinOperator_MIRROR_PAD: read_mirror_pad(c, out); break;
          case tflite::BuiltinOperator_DEPTH_TO_SPACE:
          case tflite::BuiltinOperator_SPACE_TO_DEPTH: read_depth_space(c, out); break;
          case tflite::BuiltinOperator_SLICE: read_slice(c, out); break;
          case tflite::BuiltinOperator_STRIDED_SLICE: read_strided_slice(c, out); break;
          default: read_split(c, out); break;  // SPLIT, SPLIT_V, UNPACK
        }
        break;
      case OpKind::Softmax: read_softmax(c, out); break;
      case OpKind::Relu:
      case OpKind::Relu6:
      case OpKind::Requantize: read_rescale(c, out); break;
      case OpKind::Concat:
        if (c.builtin == tflite::BuiltinOperator_PACK)
          read_pack(c, out);
        else
          read_concat(c, out);
        break;
      case OpKind::Quantize: read_quantize(c, out); break;
      case OpKind::Dequantize: read_dequantize(c, out); break;
      case OpKind::Lut: read_lut(c, out); break;
      case OpKind::Maximum:
      case OpKind::Minimum: read_max_min(c, out); break;
      case OpKind::Sub:
      case OpKind::Mul: read_sub_mul(c, out); break;
    }
  }

  // Float runs only at the graph's edges: QUANTIZE of a float graph input,
  // DEQUANTIZE into a float graph output.
  void read_quantize(const Context& c, ir::Op& op) {
    expect_inputs(c, 1, 1);
    if (c.inputs[0] < 0) fail_op(c, "input 0 is missing");
    const int in = import(c.inputs[0], fmt::format("input 0 of {}", where(c)));
    if (tensor(in).is_constant()) fail_op(c, "a constant float input is unsupported");
    if (!is_graph_input(c.inputs[0]))
      fail_op(c, "its float32 input is not a graph input: float operators inside the network are unsupported "
                 "(kiln runs float32 only at the graph's inputs and outputs)");
    const int out = act_output(c);
    check_shape(c, out, tensor(in).shape);
    op.inputs = {in};
    op.outputs = {out};
  }

  void read_dequantize(const Context& c, ir::Op& op) {
    expect_inputs(c, 1, 1);
    const int in = act_input(c, 0);
    const int out = import(c.outputs[0], fmt::format("output of {}", where(c)));
    if (tensor(out).type != DataType::Float32)
      fail_op(c, fmt::format("output must be FLOAT32, not {}", ir::data_type_name(tensor(out).type)));
    if (!is_graph_output(c.outputs[0]))
      fail_op(c, "its float32 output is not a graph output: float operators inside the network are unsupported "
                 "(kiln runs float32 only at the graph's inputs and outputs)");
    check_shape(c, out, tensor(in).shape);
    op.inputs = {in};
    op.outputs = {out};
  }

  void expect_inputs(const Context& c, size_t min, size_t max) const {
    if (c.inputs.size() < min || c.inputs.size() > max)
      fail_op(c, min == max ? fmt::format("expected {} inputs, found {}", min, c.inputs.size())
                            : fmt::format("expected {} to {} inputs, found {}", min, max, c.inputs.size()));
  }

  int act_input(const Context& c, size_t i) {
    if (c.inputs[i] < 0) fail_op(c, fmt::format("input {} is missing", i));
    return activation(c.inputs[i], fmt::format("input {} of {}", i, where(c)));
  }
  int act_output(const Context& c) { return activation(c.outputs[0], fmt::format("output of {}", where(c))); }
  const ir::Tensor& tensor(int id) const { return graph_.tensors[id]; }

  int constant(const Context& c, size_t i, DataType type, const char* role) {
    if (i >= c.inputs.size() || c.inputs[i] < 0) fail_op(c, fmt::format("{} is missing", role));
    const int id = import(c.inputs[i], fmt::format("{} of {}", role, where(c)));
    const ir::Tensor& t = tensor(id);
    if (t.type != type)
      fail_tensor(c.inputs[i], fmt::format("{} of {} must be {}, not {}", role, where(c), ir::data_type_name(type),
                                           ir::data_type_name(t.type)));
    if (!t.is_constant()) fail_tensor(c.inputs[i], fmt::format("{} of {} must be a constant", role, where(c)));
    return id;
  }

  ir::Activation fused(const Context& c, tflite::ActivationFunctionType f) const {
    switch (f) {
      case tflite::ActivationFunctionType_NONE: return ir::Activation::None;
      case tflite::ActivationFunctionType_RELU: return ir::Activation::Relu;
      case tflite::ActivationFunctionType_RELU6: return ir::Activation::Relu6;
      case tflite::ActivationFunctionType_RELU_N1_TO_1: return ir::Activation::ReluN1To1;
      default: break;
    }
    const char* name = tflite::EnumNameActivationFunctionType(f);
    fail_op(c, fmt::format("fused activation {} unsupported; supported: NONE, RELU, RELU6, RELU_N1_TO_1",
                           name && *name ? name : std::to_string(int(f))));
  }

  ir::ActRange act_range(ir::Activation act, int output) const {
    return ir::activation_range(act, tensor(output).scale(), tensor(output).zero_point());
  }

  void check_shape(const Context& c, int id, const ir::Shape& expected) const {
    if (tensor(id).shape != expected)
      fail_op(c, fmt::format("output shape {} differs from the expected {}", ir::shape_string(tensor(id).shape),
                             ir::shape_string(expected)));
  }

  void check_rank(const Context& c, int id, size_t rank, const char* role) const {
    if (tensor(id).shape.size() != rank)
      fail_op(c, fmt::format("{} must have rank {}, has shape {}", role, rank, ir::shape_string(tensor(id).shape)));
  }

  // Symmetric int8 weights: one scale, or one per output channel along `axis`.
  std::vector<float> weight_scales(const Context& c, int id, int axis, int32_t channels) const {
    const ir::Tensor& w = tensor(id);
    if (w.quant.empty()) fail_op(c, "weights are not quantized");
    for (int32_t zp : w.quant.zero_point)
      if (zp != 0) fail_op(c, fmt::format("weights have zero point {}; TFLite int8 weights are symmetric", zp));
    if (w.quant.per_channel() && (w.quant.axis != axis || int32_t(w.quant.scale.size()) != channels))
      fail_op(c, fmt::format("per-channel weight scales must run along dimension {} ({} channels)", axis, channels));
    return w.quant.per_channel() ? w.quant.scale : std::vector<float>(size_t(channels), w.quant.scale[0]);
  }

  // TFLite Micro's per-tensor fully connected honours a weight zero point
  // (older converters wrote one): it sums (w - zp) * (x - in_zp). The same
  // integers with symmetric weights w - zp, when every one of them is int8,
  // so the weights are shifted here (in a copy: a constant may be shared)
  // and every unit computes the layer unchanged.
  int symmetric_fc_weights(const Context& c, int id) {
    const ir::Tensor& w = tensor(id);
    if (w.quant.per_channel() || w.quant.zero_point.empty() || w.quant.zero_point[0] == 0) return id;
    const int32_t zp = w.quant.zero_point[0];
    ir::Tensor shifted = w;
    shifted.name = w.name + "/zero_point_folded";
    shifted.quant.zero_point.assign(1, 0);
    size_t outside = 0;
    for (auto& byte : shifted.data) {
      const int32_t v = int32_t(int8_t(byte)) - zp;
      outside += v < -128 || v > 127;
      byte = uint8_t(int8_t(std::clamp(v, -128, 127)));
    }
    if (outside)
      fail_op(c, fmt::format("weights have zero point {}: {} of them minus it leave int8, which kiln's units do not "
                             "compute; requantize the weights symmetric (zero point 0)",
                             zp, outside));
    return graph_.add_tensor(std::move(shifted));
  }

  int bias(const Context& c, size_t i, int32_t channels) {
    if (i < c.inputs.size() && c.inputs[i] >= 0) {
      const int id = constant(c, i, DataType::Int32, "bias");
      if (tensor(id).shape != ir::Shape{channels})
        fail_op(c, fmt::format("bias shape {} must be {}", ir::shape_string(tensor(id).shape), channels));
      return id;
    }
    // No bias in the model: an explicit zero bias keeps every kernel's inputs alike.
    ir::Tensor zero;
    zero.name = c.name + "/zero_bias";
    zero.shape = {channels};
    zero.type = DataType::Int32;
    zero.data.assign(size_t(channels) * 4, 0);
    return graph_.add_tensor(std::move(zero));
  }

  void read_conv(const Context& c, ir::Op& op, bool depthwise) {
    expect_inputs(c, 2, 3);
    const int in = act_input(c, 0);
    const int filter = constant(c, 1, DataType::Int8, "filter");
    check_rank(c, in, 4, "input");
    check_rank(c, filter, 4, "filter");
    const ir::Shape is = tensor(in).shape;  // a copy: importing tensors may move graph_.tensors
    const ir::Shape fs = tensor(filter).shape;
    tflite::Padding padding;
    int32_t stride_h, stride_w, dil_h, dil_w;
    tflite::ActivationFunctionType act;
    int32_t out_c;
    if (!depthwise) {
      const tflite::Conv2DOptions* o = c.op->builtin_options_as_Conv2DOptions();
      if (!o) fail_op(c, "missing Conv2DOptions");
      padding = o->padding();
      stride_h = o->stride_h(), stride_w = o->stride_w(), dil_h = o->dilation_h_factor(), dil_w = o->dilation_w_factor();
      act = o->fused_activation_function();
      out_c = fs[0];
      if (fs[3] != is[3])
        fail_op(c, fmt::format("filter depth {} differs from input channels {} (grouped convolution unsupported)",
                               fs[3], is[3]));
    } else {
      const tflite::DepthwiseConv2DOptions* o = c.op->builtin_options_as_DepthwiseConv2DOptions();
      if (!o) fail_op(c, "missing DepthwiseConv2DOptions");
      padding = o->padding();
      stride_h = o->stride_h(), stride_w = o->stride_w(), dil_h = o->dilation_h_factor(), dil_w = o->dilation_w_factor();
      act = o->fused_activation_function();
      out_c = fs[3];
      if (fs[0] != 1) fail_op(c, fmt::format("depthwise filter shape {} must be 1xKHxKWxC", ir::shape_string(fs)));
      if (is[3] <= 0 || out_c % is[3] != 0)
        fail_op(c, fmt::format("output channels {} are not a multiple of input channels {}", out_c, is[3]));
      op.depth_multiplier = out_c / is[3];
    }
    if (stride_h < 1 || stride_w < 1 || dil_h < 1 || dil_w < 1)
      fail_op(c, fmt::format("stride {}x{} and dilation {}x{} must be positive", stride_h, stride_w, dil_h, dil_w));
    const int32_t kh = fs[1], kw = fs[2];
    const Spatial h = spatial(padding, is[1], kh, stride_h, dil_h);
    const Spatial w = spatial(padding, is[2], kw, stride_w, dil_w);
    if (!h.ok || !w.ok)
      fail_op(c, fmt::format("filter {}x{} (dilation {}x{}) does not fit input {}x{}", kh, kw, dil_h, dil_w, is[1], is[2]));
    // TFLite Micro's int8 convolutions read no weight zero point (ConvPerChannel
    // and DepthwiseConvPerChannel take only the input's), so one that older
    // converters wrote is dropped here and the op computes what TFLite Micro does.
    for (int32_t& zp : graph_.tensors[size_t(filter)].quant.zero_point) zp = 0;
    const std::vector<float> scales = weight_scales(c, filter, depthwise ? 3 : 0, out_c);
    const int b = bias(c, 2, out_c);
    const int out = act_output(c);
    check_shape(c, out, {is[0], h.out, w.out, out_c});

    op.inputs = {in, filter, b};
    op.outputs = {out};
    op.window = {kh, kw, stride_h, stride_w, dil_h, dil_w, {h.before, h.after, w.before, w.after}};
    op.act = act_range(fused(c, act), out);
    op.rescale = ir::conv_rescale(tensor(in).scale(), scales, tensor(out).scale());
  }

  // TRANSPOSE_CONV as TFLite Micro runs it: inputs output_shape (an INT32
  // constant, which TFLite Micro does not read: the output tensor's shape is
  // the one used, so the two must agree), weights [out_c, kh, kw, in_c],
  // input, optional int32 bias; the padding is TFLite's for a convolution
  // from the OUTPUT's height and width to the input's (ComputePaddingHeightWidth,
  // dilation 1), of which the rows and columns before are cropped.
  void read_transpose_conv(const Context& c, ir::Op& op) {
    expect_inputs(c, 3, 4);
    const int in = act_input(c, 2);
    const int filter = constant(c, 1, DataType::Int8, "filter");
    const int shape = constant(c, 0, DataType::Int32, "output_shape");
    check_rank(c, in, 4, "input");
    check_rank(c, filter, 4, "filter");
    const ir::Shape is = tensor(in).shape;  // copies: importing tensors may move graph_.tensors
    const ir::Shape fs = tensor(filter).shape;
    const auto* o = static_cast<const tflite::TransposeConvOptions*>(
        c.op->builtin_options_type() == tflite::BuiltinOptions_TransposeConvOptions ? c.op->builtin_options()
                                                                                      : nullptr);
    if (!o) fail_op(c, "missing TransposeConvOptions");
    const int32_t stride_h = o->stride_h(), stride_w = o->stride_w();
    if (stride_h < 1 || stride_w < 1) fail_op(c, fmt::format("stride {}x{} must be positive", stride_h, stride_w));
    if (o->padding() != tflite::Padding_SAME && o->padding() != tflite::Padding_VALID)
      fail_op(c, fmt::format("padding {} unsupported; supported: SAME, VALID", int(o->padding())));
    const int32_t out_c = fs[0], kh = fs[1], kw = fs[2];
    if (fs[3] != is[3])
      fail_op(c, fmt::format("filter depth {} differs from input channels {} (grouped convolution unsupported)",
                             fs[3], is[3]));
    // As read_conv: TFLite Micro's int8 transpose convolution reads no weight zero point.
    for (int32_t& zp : graph_.tensors[size_t(filter)].quant.zero_point) zp = 0;
    const std::vector<float> scales = weight_scales(c, filter, 0, out_c);
    const int b = bias(c, 3, out_c);
    const int out = act_output(c);
    check_rank(c, out, 4, "output");
    const ir::Shape os = tensor(out).shape;
    if (os[0] != is[0] || os[3] != out_c)
      fail_op(c, fmt::format("output shape {} must hold {} images of {} channels (the input's batch, the filter's "
                             "outputs)",
                             ir::shape_string(os), is[0], out_c));
    const ir::Tensor& shape_t = tensor(shape);
    std::vector<int32_t> written;
    for (int64_t k = 0; k < shape_t.num_elements(); ++k) written.push_back(shape_t.int32_at(size_t(k)));
    if (written != std::vector<int32_t>(os.begin(), os.end()))
      fail_op(c, fmt::format("output_shape [{}] differs from the output tensor's shape {}", fmt::join(written, ", "),
                             ir::shape_string(os)));
    if (ir::transpose_conv_spread_elements(is, kh, kw, os) > kMaxElements)
      fail_op(c, fmt::format("the input spread over output {} by a {}x{} kernel has more than {} elements: "
                             "unsupported",
                             ir::shape_string(os), kh, kw, kMaxElements));
    const Spatial h = spatial(o->padding(), os[1], kh, stride_h, 1);
    const Spatial w = spatial(o->padding(), os[2], kw, stride_w, 1);
    if (!h.ok || !w.ok)
      fail_op(c, fmt::format("filter {}x{} does not fit output {}x{} with VALID padding", kh, kw, os[1], os[2]));

    op.act = act_range(fused(c, o->fused_activation_function()), out);
    op.rescale = ir::conv_rescale(tensor(in).scale(), scales, tensor(out).scale());
    ir::append_transpose_conv(graph_, op, in, tensor(filter), b, out, {stride_h, stride_w, h.before, w.before});
    take_last(op);
  }

  void read_fully_connected(const Context& c, ir::Op& op) {
    expect_inputs(c, 2, 3);
    const int in = act_input(c, 0);
    const int weights = symmetric_fc_weights(c, constant(c, 1, DataType::Int8, "weights"));
    check_rank(c, weights, 2, "weights");
    const tflite::FullyConnectedOptions* o = c.op->builtin_options_as_FullyConnectedOptions();
    if (!o) fail_op(c, "missing FullyConnectedOptions");
    if (o->weights_format() != tflite::FullyConnectedOptionsWeightsFormat_DEFAULT)
      fail_op(c, "shuffled weights format unsupported");
    const int32_t out_features = tensor(weights).shape[0];
    const int32_t in_features = tensor(weights).shape[1];
    const int64_t elements = tensor(in).num_elements();
    if (in_features <= 0 || elements % in_features != 0)
      fail_op(c, fmt::format("input shape {} does not divide into rows of {} features", ir::shape_string(tensor(in).shape),
                             in_features));
    const int32_t batches = int32_t(elements / in_features);
    const std::vector<float> scales = weight_scales(c, weights, 0, out_features);
    const int b = bias(c, 2, out_features);
    const int out = act_output(c);
    if (tensor(out).num_elements() != int64_t(batches) * out_features || tensor(out).shape.empty() ||
        tensor(out).shape.back() != out_features)
      fail_op(c, fmt::format("output shape {} must hold {} rows of {} features", ir::shape_string(tensor(out).shape),
                             batches, out_features));
    op.inputs = {in, weights, b};
    op.outputs = {out};
    op.act = act_range(fused(c, o->fused_activation_function()), out);
    if (tensor(weights).quant.per_channel()) {
      op.rescale = ir::conv_rescale(tensor(in).scale(), scales, tensor(out).scale());
    } else {
      const ir::Rescale one = ir::fully_connected_rescale(tensor(in).scale(), scales[0], tensor(out).scale());
      op.rescale.multiplier.assign(size_t(out_features), one.multiplier[0]);
      op.rescale.shift.assign(size_t(out_features), one.shift[0]);
    }
  }

  // MAXIMUM, MINIMUM: no options, no quantization parameters of their own
  // (TFLite Micro compares the stored values).
  void read_max_min(const Context& c, ir::Op& op) { read_same_shape_pair(c, op); }

  // Two activations of one shape (no broadcasting) and an output of it.
  void read_same_shape_pair(const Context& c, ir::Op& op) {
    expect_inputs(c, 2, 2);
    const int a = act_input(c, 0);
    const int b = act_input(c, 1);
    const int out = act_output(c);
    if (tensor(a).shape != tensor(b).shape)
      fail_op(c, fmt::format("input shapes {} and {} differ (broadcasting unsupported)", ir::shape_string(tensor(a).shape),
                             ir::shape_string(tensor(b).shape)));
    check_shape(c, out, tensor(a).shape);
    op.inputs = {a, b};
    op.outputs = {out};
  }

  void read_add(const Context& c, ir::Op& op) {
    read_same_shape_pair(c, op);
    const int a = op.inputs[0], b = op.inputs[1], out = op.outputs[0];
    const tflite::AddOptions* o = c.op->builtin_options_as_AddOptions();
    op.act = act_range(o ? fused(c, o->fused_activation_function()) : ir::Activation::None, out);
    try {
      op.add = ir::add_params(tensor(a).scale(), tensor(b).scale(), tensor(out).scale());
    } catch (const Error& e) {
      fail_op(c, e.what());
    }
  }

  // SUB, MUL: two int8 operands, activations or per-tensor constants, one of
  // which may repeat along the other's innermost dimensions
  // (compiler/ir/broadcast.h); TFLite Micro's Prepare derives the parameters.
  void read_sub_mul(const Context& c, ir::Op& op) {
    expect_inputs(c, 2, 2);
    const int a = operand(c, 0);
    const int b = operand(c, 1);
    if (tensor(a).is_constant() && tensor(b).is_constant()) fail_op(c, "both inputs are constants: unsupported");
    const int out = act_output(c);
    std::string why;
    const ir::Shape shape = ir::innermost_broadcast(tensor(a).shape, tensor(b).shape, &why);
    if (shape.empty() && !why.empty()) fail_op(c, why);
    check_shape(c, out, shape);
    op.inputs = {a, b};
    op.outputs = {out};
    const float sa = tensor(a).scale(), sb = tensor(b).scale(), so = tensor(out).scale();
    try {
      if (op.kind == OpKind::Sub) {
        const tflite::SubOptions* o = c.op->builtin_options_as_SubOptions();
        op.act = act_range(o ? fused(c, o->fused_activation_function()) : ir::Activation::None, out);
        op.add = ir::add_params(sa, sb, so);
      } else {
        const tflite::MulOptions* o = c.op->builtin_options_as_MulOptions();
        op.act = act_range(o ? fused(c, o->fused_activation_function()) : ir::Activation::None, out);
        op.rescale = ir::mul_rescale(sa, sb, so);
      }
    } catch (const Error& e) {
      fail_op(c, e.what());
    }
  }

  // An int8 input with one scale and zero point: an activation, or a constant
  // (a SUB or MUL operand).
  int operand(const Context& c, size_t i) {
    if (c.inputs[i] < 0) fail_op(c, fmt::format("input {} is missing", i));
    const int id = import(c.inputs[i], fmt::format("input {} of {}", i, where(c)));
    if (!tensor(id).is_constant()) return act_input(c, i);
    if (tensor(id).type != DataType::Int8)
      fail_tensor(c.inputs[i], fmt::format("input {} of {} must be INT8, not {}", i, where(c),
                                           ir::data_type_name(tensor(id).type)));
    if (tensor(id).quant.empty() || tensor(id).quant.per_channel())
      fail_tensor(c.inputs[i], fmt::format("input {} of {} needs one scale and zero point", i, where(c)));
    return id;
  }

  void same_quantization(const Context& c, int in, int out) const {
    if (tensor(in).quant != tensor(out).quant)
      fail_op(c, fmt::format("output quantization ({}, {}) differs from the input's ({}, {}): unsupported",
                             tensor(out).scale(), tensor(out).zero_point(), tensor(in).scale(), tensor(in).zero_point()));
  }

  void read_pool(const Context& c, ir::Op& op) {
    expect_inputs(c, 1, 1);
    const int in = act_input(c, 0);
    check_rank(c, in, 4, "input");
    const tflite::Pool2DOptions* o = c.op->builtin_options_as_Pool2DOptions();
    if (!o) fail_op(c, "missing Pool2DOptions");
    const int32_t kh = o->filter_height(), kw = o->filter_width();
    if (kh < 1 || kw < 1 || o->stride_h() < 1 || o->stride_w() < 1)
      fail_op(c, fmt::format("filter {}x{} and stride {}x{} must be positive", kh, kw, o->stride_h(), o->stride_w()));
    const ir::Shape is = tensor(in).shape;  // a copy: importing tensors may move graph_.tensors
    const Spatial h = spatial(o->padding(), is[1], kh, o->stride_h(), 1);
    const Spatial w = spatial(o->padding(), is[2], kw, o->stride_w(), 1);
    if (!h.ok || !w.ok) fail_op(c, fmt::format("window {}x{} does not fit input {}x{}", kh, kw, is[1], is[2]));
    const int out = act_output(c);
    check_shape(c, out, {is[0], h.out, w.out, is[3]});
    same_quantization(c, in, out);
    op.inputs = {in};
    op.outputs = {out};
    op.window = {kh, kw, o->stride_h(), o->stride_w(), 1, 1, {h.before, h.after, w.before, w.after}};
    op.act = act_range(fused(c, o->fused_activation_function()), out);
  }

  void read_mean(const Context& c, ir::Op& op) {
    expect_inputs(c, 2, 2);
    const int in = act_input(c, 0);
    check_rank(c, in, 4, "input");
    const int axes = constant(c, 1, DataType::Int32, "axes");
    std::vector<int32_t> list;
    for (int64_t i = 0; i < tensor(axes).num_elements(); ++i) {
      const int32_t a = tensor(axes).int32_at(size_t(i));
      list.push_back(a < 0 ? a + 4 : a);
    }
    std::sort(list.begin(), list.end());
    if (list != std::vector<int32_t>{1, 2}) fail_op(c, "only the mean over height and width (axes 1, 2) is supported");
    const ir::Shape is = tensor(in).shape;  // a copy: importing tensors may move graph_.tensors
    const tflite::ReducerOptions* o = c.op->builtin_options_as_ReducerOptions();
    const bool keep = o && o->keep_dims();
    const int out = act_output(c);
    check_shape(c, out, keep ? ir::Shape{is[0], 1, 1, is[3]} : ir::Shape{is[0], is[3]});
    op.inputs = {in};
    op.outputs = {out};
    op.rescale = ir::ratio_rescale(tensor(in).scale(), tensor(out).scale());
  }

  void read_reshape(const Context& c, ir::Op& op) {
    expect_inputs(c, 1, 2);
    const int in = act_input(c, 0);
    const int out = act_output(c);
    if (tensor(in).num_elements() != tensor(out).num_elements())
      fail_op(c, fmt::format("shapes {} and {} hold different numbers of elements", ir::shape_string(tensor(in).shape),
                             ir::shape_string(tensor(out).shape)));
    same_quantization(c, in, out);
    op.inputs = {in};
    op.outputs = {out};
  }

  // The values of constant int32 input i: a vector of `n` entries (n < 0: any).
  std::vector<int32_t> int32_vector(const Context& c, size_t i, const char* role, int64_t n) {
    const int id = constant(c, i, DataType::Int32, role);
    const ir::Tensor& t = tensor(id);
    if (t.shape.size() > 1 || (n >= 0 && t.num_elements() != n))
      fail_op(c, fmt::format("{} shape {} must be [{}]", role, ir::shape_string(t.shape),
                             n >= 0 ? std::to_string(n) : std::string("n")));
    std::vector<int32_t> v;
    for (int64_t k = 0; k < t.num_elements(); ++k) v.push_back(t.int32_at(size_t(k)));
    return v;
  }

  // One Slice op of `in` into output tensor `out`: begin, stride and size per
  // input dimension (already resolved), the output holding their product.
  ir::Op slice_op(const Context& c, const ir::Op& like, int in, int out, std::vector<int32_t> begin,
                  std::vector<int32_t> stride, std::vector<int32_t> size) {
    int64_t count = 1;
    for (size_t k = 0; k < size.size(); ++k) {
      if (size[k] < 1) fail_op(c, fmt::format("an empty slice (dimension {}) is unsupported", k));
      count *= size[k];
    }
    if (tensor(out).num_elements() != count)
      fail_op(c, fmt::format("output '{}' of shape {} does not hold the {} elements of the slice",
                             tensor(out).name, ir::shape_string(tensor(out).shape), count));
    same_quantization(c, in, out);
    ir::Op op = like;
    op.kind = OpKind::Kernel;
    op.kernel = "slice";
    op.inputs = {in};
    op.outputs = {out};
    op.attrs = {{"begin", {begin.begin(), begin.end()}},
                {"stride", {stride.begin(), stride.end()}},
                {"size", {size.begin(), size.end()}}};
    return op;
  }

  int slice_input(const Context& c, size_t i) {
    const int in = act_input(c, i);
    const size_t rank = tensor(in).shape.size();
    if (rank == 0 || rank > size_t(kernels::kMaxSliceRank))
      fail_op(c, fmt::format("input rank {} unsupported; supported: 1 to {}", rank, kernels::kMaxSliceRank));
    return in;
  }

  // SLICE: begin and size (-1: to the end) per dimension, constant int32.
  void read_slice(const Context& c, ir::Op& op) {
    expect_inputs(c, 3, 3);
    const int in = slice_input(c, 0);
    const ir::Shape is = tensor(in).shape;
    std::vector<int32_t> begin = int32_vector(c, 1, "begin", int64_t(is.size()));
    std::vector<int32_t> size = int32_vector(c, 2, "size", int64_t(is.size()));
    for (size_t k = 0; k < is.size(); ++k) {
      if (begin[k] < 0 || begin[k] >= is[k])
        fail_op(c, fmt::format("begin {} of dimension {} outside [0, {}]", begin[k], k, is[k] - 1));
      if (size[k] == -1) size[k] = is[k] - begin[k];
      if (size[k] < 0 || int64_t(begin[k]) + size[k] > is[k])
        fail_op(c, fmt::format("size {} from {} of dimension {} past its extent {}", size[k], begin[k], k, is[k]));
    }
    op = slice_op(c, op, in, act_output(c), std::move(begin), std::vector<int32_t>(is.size(), 1), std::move(size));
  }

  // STRIDED_SLICE as TFLite Micro evaluates it (strided_slice_logic.h's
  // StridedSliceStartForAxis and StridedSliceEndForAxis): negative indices
  // count from the end, begin_mask and end_mask take the whole axis, indices
  // clamp to it, and a shrunk axis takes one index and leaves the output.
  void read_strided_slice(const Context& c, ir::Op& op) {
    expect_inputs(c, 4, 4);
    const int in = slice_input(c, 0);
    const ir::Shape is = tensor(in).shape;
    const int64_t r = int64_t(is.size());
    const std::vector<int32_t> begin = int32_vector(c, 1, "begin", r), end = int32_vector(c, 2, "end", r);
    const std::vector<int32_t> strides = int32_vector(c, 3, "strides", r);
    const tflite::StridedSliceOptions* o = c.op->builtin_options_as_StridedSliceOptions();
    const int32_t begin_mask = o ? o->begin_mask() : 0, end_mask = o ? o->end_mask() : 0;
    const int32_t shrink = o ? o->shrink_axis_mask() : 0;
    if (o && (o->ellipsis_mask() != 0 || o->new_axis_mask() != 0 || o->offset()))
      fail_op(c, "ellipsis_mask, new_axis_mask and offset are unsupported (TFLite Micro does not apply them)");
    std::vector<int32_t> first(is.size()), size(is.size());
    ir::Shape expected;
    for (size_t k = 0; k < is.size(); ++k) {
      const int64_t extent = is[k], stride = strides[k];
      if (stride == 0) fail_op(c, fmt::format("stride of dimension {} is 0", k));
      const bool whole_begin = begin_mask >> k & 1, whole_end = end_mask >> k & 1, shrunk = shrink >> k & 1;
      int64_t start = begin[k] < 0 ? int64_t(begin[k]) + extent : begin[k];
      start = stride > 0 ? std::clamp<int64_t>(start, 0, extent) : std::clamp<int64_t>(start, -1, extent - 1);
      if (whole_begin) start = stride > 0 ? 0 : extent - 1;
      int64_t stop;
      if (shrunk) {
        stop = start >= extent ? start : start + 1;
      } else {
        stop = end[k] < 0 ? int64_t(end[k]) + extent : end[k];
        stop = stride > 0 ? std::clamp<int64_t>(stop, 0, extent) : std::clamp<int64_t>(stop, -1, extent - 1);
        if (whole_end) stop = stride > 0 ? extent : -1;
      }
      const int64_t span = stride > 0 ? stop - start : start - stop, step = stride > 0 ? stride : -stride;
      const int64_t n = span > 0 ? (span + step - 1) / step : 0;
      first[k] = int32_t(start);
      size[k] = int32_t(n);
      if (!shrunk) expected.push_back(int32_t(n));
    }
    const int out = act_output(c);
    check_shape(c, out, expected);
    op = slice_op(c, op, in, out, std::move(first), strides, std::move(size));
  }

  // The axis of SPLIT, SPLIT_V or UNPACK, negative counted from the end.
  size_t split_axis(const Context& c, int64_t axis, size_t rank) {
    if (axis < -int64_t(rank) || axis >= int64_t(rank))
      fail_op(c, fmt::format("axis {} outside [{}, {}]", axis, -int64_t(rank), int64_t(rank) - 1));
    return size_t(axis < 0 ? axis + int64_t(rank) : axis);
  }

  // SPLIT, SPLIT_V and UNPACK: one Slice per output along the axis, in the
  // model's order; all but the last go into the graph here, the last is `op`.
  void read_split(const Context& c, ir::Op& op) {
    const int kind = c.builtin;
    int in;
    size_t axis;
    std::vector<int32_t> parts;  // elements of the axis per output
    if (kind == tflite::BuiltinOperator_UNPACK) {
      expect_inputs(c, 1, 1);
      in = slice_input(c, 0);
      const tflite::UnpackOptions* o = c.op->builtin_options_as_UnpackOptions();
      axis = split_axis(c, o ? o->axis() : 0, tensor(in).shape.size());
      parts.assign(size_t(tensor(in).shape[axis]), 1);
      if (o && o->num() != int32_t(parts.size()))
        fail_op(c, fmt::format("num {} differs from the axis's extent {}", o->num(), parts.size()));
    } else if (kind == tflite::BuiltinOperator_SPLIT) {
      expect_inputs(c, 2, 2);
      in = slice_input(c, 1);
      axis = split_axis(c, int32_vector(c, 0, "axis", 1)[0], tensor(in).shape.size());
      const int64_t n = int64_t(c.outputs.size()), extent = tensor(in).shape[axis];
      if (n < 1 || extent % n != 0)
        fail_op(c, fmt::format("{} outputs do not split dimension {} of {} evenly", n, axis, extent));
      parts.assign(size_t(n), int32_t(extent / n));
    } else {  // SPLIT_V
      expect_inputs(c, 3, 3);
      in = slice_input(c, 0);
      axis = split_axis(c, int32_vector(c, 2, "axis", 1)[0], tensor(in).shape.size());
      parts = int32_vector(c, 1, "size_splits", int64_t(c.outputs.size()));
      const int64_t extent = tensor(in).shape[axis];
      int64_t known = 0;
      int infer = -1;
      for (size_t k = 0; k < parts.size(); ++k) {
        if (parts[k] == -1 && infer < 0) {
          infer = int(k);
          continue;
        }
        if (parts[k] < 1) fail_op(c, fmt::format("size_splits entry {} is {}", k, parts[k]));
        known += parts[k];
      }
      if (infer >= 0) parts[size_t(infer)] = int32_t(extent - known);
      if (infer >= 0 ? known >= extent : known != extent)
        fail_op(c, fmt::format("size_splits do not add up to dimension {}'s extent {}", axis, extent));
    }
    if (parts.size() != c.outputs.size())
      fail_op(c, fmt::format("{} outputs for {} parts", c.outputs.size(), parts.size()));
    const ir::Shape is = tensor(in).shape;
    int32_t at = 0;
    for (size_t k = 0; k < parts.size(); ++k) {
      std::vector<int32_t> begin(is.size(), 0), size(is.begin(), is.end());
      begin[axis] = at;
      size[axis] = parts[k];
      at += parts[k];
      const int out = activation(c.outputs[k], fmt::format("output {} of {}", k, where(c)));
      ir::Op part = slice_op(c, op, in, out, std::move(begin), std::vector<int32_t>(is.size(), 1), std::move(size));
      part.name = tensor(out).name;
      if (k + 1 == parts.size())
        op = std::move(part);
      else
        graph_.ops.push_back(std::move(part));
    }
  }

  // RESIZE_NEAREST_NEIGHBOR (one NHWC image) and RESIZE_BILINEAR (NHWC
  // images): the output size is a constant int32 pair (TFLite Micro takes no
  // other) that the output's shape repeats; one quantization in and out.
  void read_resize(const Context& c, ir::Op& op) {
    const bool bilinear = c.builtin == tflite::BuiltinOperator_RESIZE_BILINEAR;
    expect_inputs(c, 2, 2);
    const int in = act_input(c, 0);
    const ir::Shape is = tensor(in).shape;
    if (is.size() != 4 || (!bilinear && is[0] != 1))
      fail_op(c, fmt::format("input shape {} unsupported; supported: {}", ir::shape_string(is),
                             bilinear ? "NHWC images, NxHxWxC" : "one NHWC image, 1xHxWxC"));
    const std::vector<int32_t> size = int32_vector(c, 1, "size", 2);
    if (size[0] < 1 || size[1] < 1) fail_op(c, fmt::format("output size {}x{} must be positive", size[0], size[1]));
    const int out = act_output(c);
    check_shape(c, out, {is[0], size[0], size[1], is[3]});
    same_quantization(c, in, out);
    bool align_corners = false, half_pixel_centers = false;
    if (bilinear) {
      const tflite::ResizeBilinearOptions* o = c.op->builtin_options_as_ResizeBilinearOptions();
      align_corners = o && o->align_corners(), half_pixel_centers = o && o->half_pixel_centers();
      if (align_corners && half_pixel_centers)
        fail_op(c, "align_corners and half_pixel_centers are both set (TFLite Micro refuses them together)");
    } else {
      const tflite::ResizeNearestNeighborOptions* o = c.op->builtin_options_as_ResizeNearestNeighborOptions();
      align_corners = o && o->align_corners(), half_pixel_centers = o && o->half_pixel_centers();
    }
    op.kernel = bilinear ? "resize_bilinear" : "resize_nearest";
    op.inputs = {in};
    op.outputs = {out};
    op.attrs = {{"align_corners", {align_corners ? 1 : 0}}, {"half_pixel_centers", {half_pixel_centers ? 1 : 0}}};
  }

  // The last op a reader appended to the graph, taken back as `op` (the
  // caller appends it): for readers that build several.
  void take_last(ir::Op& op) {
    op = std::move(graph_.ops.back());
    graph_.ops.pop_back();
  }

  // DEPTH_TO_SPACE, SPACE_TO_DEPTH: block_size from the options.
  void read_depth_space(const Context& c, ir::Op& op) {
    expect_inputs(c, 1, 1);
    const int in = act_input(c, 0);
    const bool to_space = c.builtin == tflite::BuiltinOperator_DEPTH_TO_SPACE;
    int32_t block = 0;
    if (to_space) {
      const tflite::DepthToSpaceOptions* o = c.op->builtin_options_as_DepthToSpaceOptions();
      block = o ? o->block_size() : 0;
    } else {
      const tflite::SpaceToDepthOptions* o = c.op->builtin_options_as_SpaceToDepthOptions();
      block = o ? o->block_size() : 0;
    }
    const ir::DepthSpace kind = to_space ? ir::DepthSpace::DepthToSpace : ir::DepthSpace::SpaceToDepth;
    std::string why;
    const ir::Shape expected = ir::depth_space_shape(tensor(in).shape, block, kind, &why);
    if (expected.empty()) fail_op(c, why);
    const int out = act_output(c);
    check_shape(c, out, expected);
    same_quantization(c, in, out);
    ir::append_depth_space(graph_, op, in, out, block, kind);
    take_last(op);
  }

  // PACK: each input reshaped with a dimension of 1 at `axis`, then
  // concatenated along it (TFLite Micro copies the bytes: one quantization).
  void read_pack(const Context& c, ir::Op& op) {
    if (c.inputs.empty()) fail_op(c, "no inputs");
    const tflite::PackOptions* o = c.op->builtin_options_as_PackOptions();
    const int out = act_output(c);
    const int64_t rank = int64_t(tensor(out).shape.size());
    const int64_t axis = o ? (o->axis() < 0 ? o->axis() + rank : o->axis()) : 0;
    if (axis < 0 || axis >= rank) fail_op(c, fmt::format("axis {} out of range for output rank {}", o ? o->axis() : 0, rank));
    if (o && o->values_count() != int32_t(c.inputs.size()))
      fail_op(c, fmt::format("values_count {} differs from the {} inputs", o->values_count(), c.inputs.size()));
    const ir::Shape first = tensor(act_input(c, 0)).shape;
    ir::Shape expected = first;
    expected.insert(expected.begin() + axis, int32_t(c.inputs.size()));
    std::vector<int> parts;
    for (size_t i = 0; i < c.inputs.size(); ++i) {
      const int in = act_input(c, i);
      same_quantization(c, in, out);
      ir::Shape s = tensor(in).shape;
      if (s != first) fail_op(c, fmt::format("input {} shape {} differs from input 0's", i, ir::shape_string(s)));
      s.insert(s.begin() + axis, 1);
      ir::Tensor t = tensor(out);
      t.name = fmt::format("{}/{}", tensor(out).name, i);
      t.shape = s;
      const int part = graph_.add_tensor(std::move(t));
      ir::Op reshape = op;
      reshape.kind = OpKind::Reshape;
      reshape.inputs = {in};
      reshape.outputs = {part};
      graph_.ops.push_back(std::move(reshape));
      parts.push_back(part);
    }
    check_shape(c, out, expected);
    op.kind = OpKind::Concat;
    op.inputs = parts;
    op.outputs = {out};
    op.axis = int32_t(axis);
  }

  // TRANSPOSE: the permutation is a constant int32 vector of the input's rank
  // (TFLite Micro takes no other); the output keeps the input's quantization.
  void read_transpose(const Context& c, ir::Op& op) {
    expect_inputs(c, 2, 2);
    const int in = act_input(c, 0);
    const int perm = constant(c, 1, DataType::Int32, "perm");
    const ir::Shape is = tensor(in).shape;  // a copy: importing tensors may move graph_.tensors
    if (is.empty() || is.size() > size_t(kernels::kMaxTransposeRank))
      fail_op(c, fmt::format("input rank {} unsupported; supported: 1 to {}", is.size(), kernels::kMaxTransposeRank));
    if (tensor(perm).shape != ir::Shape{int32_t(is.size())})
      fail_op(c, fmt::format("perm shape {} must be [{}], the input's rank", ir::shape_string(tensor(perm).shape),
                             is.size()));
    ir::Shape expected;
    std::vector<int64_t> order;
    uint32_t seen = 0;
    for (size_t i = 0; i < is.size(); ++i) {
      const int32_t p = tensor(perm).int32_at(i);
      if (p < 0 || size_t(p) >= is.size() || (seen >> p & 1u))
        fail_op(c, fmt::format("perm entry {} is {}: perm must be a permutation of 0 to {}", i, p, is.size() - 1));
      seen |= 1u << p;
      order.push_back(p);
      expected.push_back(is[size_t(p)]);
    }
    op.kernel = "transpose";
    op.attrs = {{"perm", std::move(order)}};
    const int out = act_output(c);
    check_shape(c, out, expected);
    same_quantization(c, in, out);
    op.inputs = {in};
    op.outputs = {out};
  }

  // The constant int32 [rank, 2] paddings (input 1) of PAD, PADV2 and
  // MIRROR_PAD for input `in`: (before, after) per dimension, each
  // non-negative; `padded` receives the padded shape.
  std::vector<std::array<int32_t, 2>> padding_matrix(const Context& c, int in, ir::Shape* padded) {
    const int pads = constant(c, 1, DataType::Int32, "paddings");
    const ir::Shape is = tensor(in).shape;  // a copy: importing tensors may move graph_.tensors
    if (tensor(pads).shape != ir::Shape{int32_t(is.size()), 2})
      fail_op(c, fmt::format("paddings shape {} must be {}x2", ir::shape_string(tensor(pads).shape), is.size()));
    std::vector<std::array<int32_t, 2>> out;
    padded->clear();
    for (size_t d = 0; d < is.size(); ++d) {
      const int32_t before = tensor(pads).int32_at(2 * d), after = tensor(pads).int32_at(2 * d + 1);
      if (before < 0 || after < 0) fail_op(c, fmt::format("negative padding {}, {}", before, after));
      if (int64_t(is[d]) + before + after > kMaxElements) fail_op(c, fmt::format("padding {}, {} too large", before, after));
      out.push_back({before, after});
      padded->push_back(is[d] + before + after);
    }
    return out;
  }

  void read_pad(const Context& c, ir::Op& op) {
    const bool v2 = c.builtin == tflite::BuiltinOperator_PADV2;
    expect_inputs(c, 2, v2 ? 3 : 2);
    const int in = act_input(c, 0);
    const size_t rank = tensor(in).shape.size();
    ir::Shape expected;
    op.pads = padding_matrix(c, in, &expected);
    if (rank != 4 || op.pads[0] != std::array<int32_t, 2>{0, 0} || op.pads[3] != std::array<int32_t, 2>{0, 0})
      fail_op(c, "only padding of height and width of a rank-4 tensor is supported");
    const int out = act_output(c);
    check_shape(c, out, expected);
    same_quantization(c, in, out);
    // PADV2's constant: an int8 scalar in the output's quantization, whose
    // stored value TFLite Micro writes.
    if (v2 && c.inputs.size() == 3 && c.inputs[2] >= 0) {
      const int value = constant(c, 2, DataType::Int8, "constant_values");
      if (tensor(value).num_elements() != 1)
        fail_op(c, fmt::format("constant_values shape {} must hold one value", ir::shape_string(tensor(value).shape)));
      if (tensor(value).quant != tensor(out).quant)
        fail_op(c, "constant_values must have the output's quantization (TFLite Micro requires it)");
      op.has_pad_value = true;
      op.pad_value = tensor(value).int8_at(0);
    }
    op.inputs = {in};
    op.outputs = {out};
  }


  // MIRROR_PAD: a constant int32 [rank, 2] padding matrix and the mode
  // (REFLECT or SYMMETRIC); the kernel's table entry checks the amounts
  // against the input (kernels/mirror_pad.h).
  void read_mirror_pad(const Context& c, ir::Op& op) {
    expect_inputs(c, 2, 2);
    const int in = act_input(c, 0);
    ir::Shape expected;
    std::vector<int64_t> before, after;
    for (const auto& [b, a] : padding_matrix(c, in, &expected)) before.push_back(b), after.push_back(a);
    const int out = act_output(c);
    check_shape(c, out, expected);
    same_quantization(c, in, out);
    const tflite::MirrorPadOptions* o = c.op->builtin_options_as_MirrorPadOptions();
    if (!o) fail_op(c, "MirrorPadOptions are missing (TFLite Micro requires its mode)");
    if (o->mode() != tflite::MirrorPadMode_REFLECT && o->mode() != tflite::MirrorPadMode_SYMMETRIC)
      fail_op(c, fmt::format("mode {} unsupported; supported: REFLECT (0), SYMMETRIC (1)", int(o->mode())));
    op.kernel = "mirror_pad";
    op.inputs = {in};
    op.outputs = {out};
    op.attrs = {{"before", std::move(before)},
                {"after", std::move(after)},
                {"symmetric", {o->mode() == tflite::MirrorPadMode_SYMMETRIC ? 1 : 0}}};
  }

  void read_softmax(const Context& c, ir::Op& op) {
    expect_inputs(c, 1, 1);
    const int in = act_input(c, 0);
    const int out = act_output(c);
    check_shape(c, out, tensor(in).shape);
    // TFLite's int8 softmax writes probabilities in steps of 1/256 from -128.
    if (tensor(out).scale() != 1.0f / 256 || tensor(out).zero_point() != -128)
      fail_op(c, fmt::format("output quantization ({}, {}) must be (1/256, -128)", tensor(out).scale(),
                             tensor(out).zero_point()));
    const tflite::SoftmaxOptions* o = c.op->builtin_options_as_SoftmaxOptions();
    op.inputs = {in};
    op.outputs = {out};
    try {
      op.softmax = ir::softmax_params(o ? o->beta() : 1.0f, tensor(in).scale());
    } catch (const Error& e) {
      fail_op(c, e.what());
    }
  }

  void read_rescale(const Context& c, ir::Op& op) {
    expect_inputs(c, 1, 1);
    const int in = act_input(c, 0);
    const int out = act_output(c);
    check_shape(c, out, tensor(in).shape);
    op.inputs = {in};
    op.outputs = {out};
    op.rescale = ir::ratio_rescale(tensor(in).scale(), tensor(out).scale());
    // RELU_N1_TO_1 as TFLite's own kernel computes it (QuantizedReluX): the
    // requantization clamped to the quantized -1 and 1; TFLite Micro has none.
    const ir::Activation act = op.kind == OpKind::Relu                              ? ir::Activation::Relu
                               : op.kind == OpKind::Relu6                           ? ir::Activation::Relu6
                               : c.builtin == tflite::BuiltinOperator_RELU_N1_TO_1 ? ir::Activation::ReluN1To1
                                                                                    : ir::Activation::None;
    op.act = act_range(act, out);
  }

  // A unary int8 function: its table from the tensors' quantization, as
  // TFLite Micro's kernel computes each element.
  void read_lut(const Context& c, ir::Op& op) {
    expect_inputs(c, 1, 1);
    const int in = act_input(c, 0);
    const int out = act_output(c);
    check_shape(c, out, tensor(in).shape);
    const float si = tensor(in).scale(), so = tensor(out).scale();
    const int32_t zi = tensor(in).zero_point(), zo = tensor(out).zero_point();
    kernels::LutTable table;
    try {
      if (c.op_name == "LOGISTIC") {
        if (zo != -128) fail_op(c, fmt::format("output zero point {} must be -128 (TFLite Micro's int8 LOGISTIC)", zo));
        table = kernels::logistic_table(si, zi);
      } else if (c.op_name == "TANH") {
        table = kernels::tanh_table(si, zi);
      } else if (c.op_name == "HARD_SWISH") {
        table = kernels::hard_swish_table(si, zi, so, zo);
      } else if (c.op_name == "LEAKY_RELU") {
        const tflite::LeakyReluOptions* o = c.op->builtin_options_as_LeakyReluOptions();
        table = kernels::leaky_relu_table(si, zi, so, zo, o ? o->alpha() : 0.0f);
      } else {
        table = kernels::elu_table(si, zi, so, zo);
      }
    } catch (const Error& e) {
      if (std::string(e.what()).rfind(file_, 0) == 0) throw;  // already located
      fail_op(c, e.what());
    }
    make_lut(graph_, op, in, out, table);
  }

  void read_concat(const Context& c, ir::Op& op) {
    if (c.inputs.empty()) fail_op(c, "no inputs");
    const tflite::ConcatenationOptions* o = c.op->builtin_options_as_ConcatenationOptions();
    if (!o) fail_op(c, "missing ConcatenationOptions");
    const int out = act_output(c);
    const int rank = int(tensor(out).shape.size());
    const int axis = o->axis() < 0 ? o->axis() + rank : o->axis();
    if (axis < 0 || axis >= rank) fail_op(c, fmt::format("axis {} out of range for rank {}", o->axis(), rank));
    ir::Shape expected;
    for (size_t i = 0; i < c.inputs.size(); ++i) {
      const int in = act_input(c, i);
      const ir::Shape s = tensor(in).shape;
      if (int(s.size()) != rank) fail_op(c, fmt::format("input {} has rank {}, output {}", i, s.size(), rank));
      same_quantization(c, in, out);
      if (expected.empty()) {
        expected = s;
      } else {
        for (int d = 0; d < rank; ++d)
          if (d != axis && s[d] != expected[d])
            fail_op(c, fmt::format("input {} shape {} differs outside axis {}", i, ir::shape_string(s), axis));
        if (int64_t(expected[axis]) + s[axis] > kMaxElements) fail_op(c, "concatenated extent too large");
        expected[axis] += s[axis];
      }
      op.inputs.push_back(in);
    }
    check_shape(c, out, expected);
    op.outputs = {out};
    op.axis = axis;
    op.act = act_range(fused(c, o->fused_activation_function()), out);
  }

  const uint8_t* data_;
  size_t size_;
  std::string file_;
  const tflite::Model* model_ = nullptr;
  const tflite::SubGraph* sg_ = nullptr;
  ir::Graph graph_;
  std::vector<int> imported_;  // source tensor index -> IR tensor id, or -1
};

}  // namespace

const std::vector<std::string>& tflite_supported_operators() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (const auto& e : supported_table()) v.push_back(builtin_name(e.first));
    for (const auto& k : kernels::mcu_kernel_table())
      for (const auto& form : k->operator_forms())
        if (std::string(form.format) == "tflite") v.push_back(form.name);
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
    return v;
  }();
  return names;
}

ir::Graph read_tflite_buffer(const uint8_t* data, size_t size, const std::string& name) {
  return Reader(data, size, name).read();
}

ir::Graph read_tflite(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw Error(fmt::format("{}: cannot open: {}", path, std::strerror(errno)));
  const std::string bytes = read_stream(file);
  if (file.bad()) throw Error(fmt::format("{}: read error", path));
  return read_tflite_buffer(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), path);
}

}  // namespace kiln::frontend
