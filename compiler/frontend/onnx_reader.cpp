#include "compiler/frontend/onnx_reader.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <functional>
#include <iterator>
#include <limits>
#include <memory>
#include <set>
#include <tuple>
#include <utility>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "arch/error.h"
#include "arch/escaped.h"
#include "arch/file_bytes.h"
#include "compiler/frontend/lut_op.h"
#include "compiler/frontend/onnx_fold.h"
#include "compiler/frontend/onnx_tensor.h"
#include "compiler/ir/broadcast.h"
#include "compiler/ir/depth_space.h"
#include "compiler/ir/quant_params.h"
#include "compiler/ir/transpose_conv.h"
#include "kernels/log_softmax.h"
#include "kernels/float_binary.h"
#include "kernels/float_unary.h"
#include "kernels/lut_tables.h"
#include "kernels/mirror_pad.h"
#include "kernels/slice.h"
#include "kernels/transpose.h"

namespace kiln::frontend {

namespace {

using ir::DataType;
using ir::OpKind;
using onnx_frontend::ConstTensor;

const std::vector<std::string> kSupported = {
    "QuantizeLinear", "DequantizeLinear", "QLinearConv", "QLinearMatMul", "ConvInteger", "MatMulInteger",
    "Conv",           "Gemm",             "MatMul",      "Add",           "AveragePool", "MaxPool",
    "GlobalAveragePool", "Relu",          "Clip",        "Softmax",       "Reshape",     "Flatten",
    "Pad",            "Concat",           "Constant",    "Identity",      "Max",         "Min",
    "Sub",            "Mul",              "Transpose",   "Squeeze",       "Unsqueeze",
    "Slice",          "Split",            "DepthToSpace", "SpaceToDepth",  "GlobalMaxPool",
    "ReduceMean",     "Resize",           "PRelu",       "ReduceMax",     "ReduceMin",   "ReduceSum",
    "Gather",         "Shape",            "Cast",        "ConstantOfShape", "Range",     "Equal",
    "Where",          "Neg",              "Div",         "ConvTranspose", "LogSoftmax", "ArgMax",
    "ArgMin",
    "Sigmoid",        "Tanh",             "HardSwish",   "HardSigmoid",   "LeakyRelu",   "Elu",
    "com.microsoft.QLinearSigmoid",       "com.microsoft.QLinearLeakyRelu", "com.microsoft.QLinearMul",
    "com.microsoft.QLinearAdd",           "com.microsoft.QLinearConcat",    "com.microsoft.QLinearAveragePool",
    "com.microsoft.QLinearGlobalAveragePool", "com.microsoft.QGemm",     "com.microsoft.QLinearSoftmax",
    "Exp",            "Sqrt"};

// The operators an MCU float kernel runs (kernels/float_*.h) where they are
// no QDQ node unit (Reader::runs_in_float).
const std::vector<std::string> kFloatOperators = {
    "Add",     "Sub",  "Mul",        "Div",         "Max",       "Min",       "Relu",        "Clip",
    "Sigmoid", "Tanh", "HardSigmoid", "HardSwish",  "LeakyRelu", "Elu",       "Exp",         "Sqrt",
    "Softmax", "Concat", "AveragePool", "GlobalAveragePool", "ReduceMean"};

// The unary float operators of a QDQ model (and the com.microsoft QLinear
// ones), run as 256-entry tables (kernels/lut.h).
bool is_unary_function(const std::string& op) {
  return op == "Sigmoid" || op == "Tanh" || op == "HardSwish" || op == "HardSigmoid" || op == "LeakyRelu" ||
         op == "Elu";
}

constexpr float kInf = std::numeric_limits<float>::infinity();

// One ONNX tensor name as the conversion sees it.
struct Value {
  enum class Kind {
    Const,         // a constant (initializer, Constant node, bound input, folded QuantizeLinear)
    Act,           // an int8 IR activation (QuantizeLinear or QLinear output, graph input)
    Dequant,       // the float view (DequantizeLinear) of an IR activation
    DequantConst,  // the float view of an integer constant: weights and biases
    Pending,       // a float op's output, waiting for its QuantizeLinear
    Int32,         // the int32 output of ConvInteger / MatMulInteger
    FloatInput,    // a float32 graph input, which only QuantizeLinear may read
    Float,         // a float32 IR tensor of a float island (float ops that are no QDQ node unit)
  };
  Kind kind = Kind::Const;
  std::shared_ptr<const ConstTensor> c;  // Const, DequantConst: the (integer) values
  std::vector<float> scale;              // DequantConst
  std::vector<int64_t> zero_point;       // DequantConst (source type, uint8 not shifted)
  int axis = 1;                          // DequantConst: per-channel axis in ONNX order
  int id = -1;                           // Act, Dequant, Int32, FloatInput, Float: IR tensor id
  bool uint8 = false;                    // Act, Dequant: ONNX element type is uint8
  int rank = 0;                          // Act, Dequant, Int32, Float: ONNX rank
  int node = -1;                         // Pending: the float node; Dequant: the DequantizeLinear
  float lo = -kInf, hi = kInf;           // Pending: fused Relu/Clip bounds
};

// Per-tensor activation quantization from a scale and zero-point pair.
struct ActQuant {
  float scale = 1.0f;
  int32_t zero_point = 0;  // int8 (already shifted for uint8)
  bool uint8 = false;
};

std::vector<int32_t> nchw_to_nhwc(const std::vector<int32_t>& s) {
  return s.size() == 4 ? std::vector<int32_t>{s[0], s[2], s[3], s[1]} : s;
}
std::vector<int32_t> nhwc_to_nchw(const std::vector<int32_t>& s) {
  return s.size() == 4 ? std::vector<int32_t>{s[0], s[3], s[1], s[2]} : s;
}

class Reader {
 public:
  Reader(std::string file, const OnnxOptions& options) : file_(std::move(file)), options_(options) {}

  ir::Graph read(const void* data, size_t size) {
    if (size > size_t(std::numeric_limits<int>::max())) fail("the file is too large (over 2 GB)");
    if (!model_.ParseFromArray(data, int(size))) fail("not an ONNX model (the protobuf does not parse)");
    if (!model_.has_graph()) fail("the model has no graph");
    check_opset();
    graph_.source = file_;
    const onnx::GraphProto& g = model_.graph();
    for (int i = 0; i < g.initializer_size(); ++i) {
      const onnx::TensorProto& t = g.initializer(i);
      define_const(t.name(), decode(t, fmt::format("initializer '{}'", t.name())));
    }
    for (const auto& [name, path] : options_.constant_inputs) {
      const onnx::TensorProto t = onnx_frontend::read_tensor_proto(path);
      define_const(name, onnx_frontend::decode_tensor(t, path));
    }
    for (int i = 0; i < g.input_size(); ++i)
      if (!values_.count(g.input(i).name())) read_graph_input(g.input(i));
    index_readers();
    for (int i = 0; i < g.node_size(); ++i) {
      try {
        read_node(i);
      } catch (const ir::ScaleError& e) {
        fail_node(i, e.what());
      }
    }
    if (g.output_size() == 0) fail("the graph has no outputs");
    for (int i = 0; i < g.output_size(); ++i) read_graph_output(g.output(i));
    for (int id : graph_.inputs)
      if (graph_.tensors[size_t(id)].type == DataType::Float32 && !quantized_float_input(id))
        fail(fmt::format("graph input '{}' is float32 and no QuantizeLinear reads it; supported: a float32 input "
                         "read only by QuantizeLinear",
                         graph_.tensors[size_t(id)].name));
      else if (graph_.tensors[size_t(id)].type != DataType::Float32 && graph_.tensors[size_t(id)].quant.empty())
        fail(fmt::format("graph input '{}' is never dequantized, so its quantization is unknown",
                         graph_.tensors[size_t(id)].name));
    ir::validate(graph_);
    return std::move(graph_);
  }

 private:
  // ---- messages -------------------------------------------------------------

  // Escaped: messages quote names from the model, which may hold any byte.
  [[noreturn]] void fail(const std::string& what) const { throw Error(fmt::format("{}: {}", file_, escaped(what, 4000))); }

  const onnx::NodeProto& node(int i) const { return model_.graph().node(i); }
  std::string node_name(int i) const {
    const onnx::NodeProto& n = node(i);
    return !n.name().empty() ? n.name() : n.output_size() > 0 ? n.output(0) : std::string();
  }
  std::string where(int i) const { return fmt::format("node {} ({}, '{}')", i, node(i).op_type(), node_name(i)); }
  [[noreturn]] void fail_node(int i, const std::string& what) const {
    fail(fmt::format("{}: {}", where(i), what));
  }

  void check_opset() {
    bool found = false;
    for (const onnx::OperatorSetIdProto& o : model_.opset_import()) {
      if (o.domain().empty() || o.domain() == "ai.onnx") {
        found = true;
        opset_ = o.version();
      }
    }
    if (!found) fail("the model imports no opset of the standard ONNX domain");
    if (opset_ < 10)
      fail(fmt::format("opset {} is older than 10, the first with quantized operators; supported: 10 and later", opset_));
  }

  // Its errors name the tensor as the model spells it: escaped, on one line, as fail's.
  ConstTensor decode(const onnx::TensorProto& t, const std::string& what) const {
    try {
      return onnx_frontend::decode_tensor(t, what);
    } catch (const Error& e) {
      fail(e.what());
    }
  }

  void define_const(const std::string& name, ConstTensor c) {
    Value v;
    v.kind = Value::Kind::Const;
    v.c = std::make_shared<const ConstTensor>(std::move(c));
    values_[name] = std::move(v);
  }

  // ---- graph inputs and outputs ---------------------------------------------

  void read_graph_input(const onnx::ValueInfoProto& in) {
    const std::string what = fmt::format("graph input '{}'", in.name());
    if (!in.type().has_tensor_type()) fail(what + ": not a tensor");
    const onnx::TypeProto_Tensor& tt = in.type().tensor_type();
    const int32_t type = tt.elem_type();
    const bool is_float = type == onnx::TensorProto::FLOAT;
    if (type != onnx::TensorProto::INT8 && type != onnx::TensorProto::UINT8 && !is_float)
      fail(fmt::format("{}: type {} unsupported; supported model inputs: INT8, UINT8 (quantized activations), FLOAT "
                       "(read by QuantizeLinear)",
                       what, onnx_frontend::data_type_name(type)));
    if (!tt.has_shape()) fail(what + ": no shape");
    ir::Shape shape;
    for (int d = 0; d < tt.shape().dim_size(); ++d) {
      const onnx::TensorShapeProto_Dimension& dim = tt.shape().dim(d);
      if (dim.has_dim_value() && dim.dim_value() > 0 && dim.dim_value() <= std::numeric_limits<int32_t>::max()) {
        shape.push_back(int32_t(dim.dim_value()));
      } else if (d == 0 && !dim.has_dim_value()) {
        shape.push_back(1);  // a symbolic batch: one sample
      } else {
        fail(fmt::format("{}: dimension {} is not a positive static size", what, d));
      }
    }
    if (shape.empty() || shape.size() > 4) fail(fmt::format("{}: rank {} unsupported; supported: 1 to 4", what, shape.size()));
    int64_t elements = 1;  // each dimension fits int32; their product is checked before any size uses it
    for (int32_t d : shape)
      if ((elements *= d) > std::numeric_limits<int32_t>::max())
        fail(fmt::format("{}: shape {} has more than {} elements: unsupported", what, fmt::join(shape, "x"),
                         std::numeric_limits<int32_t>::max()));
    ir::Tensor t;
    t.name = in.name();
    t.shape = nchw_to_nhwc(shape);
    t.type = is_float ? DataType::Float32 : DataType::Int8;  // int8: quantization set by the first node that reads it
    t.source_uint8 = type == onnx::TensorProto::UINT8;
    Value v;
    v.kind = is_float ? Value::Kind::FloatInput : Value::Kind::Act;
    v.id = graph_.add_tensor(std::move(t));
    v.uint8 = type == onnx::TensorProto::UINT8;
    v.rank = int(shape.size());
    graph_.inputs.push_back(v.id);
    values_[in.name()] = v;
  }

  void read_graph_output(const onnx::ValueInfoProto& out) {
    auto it = values_.find(out.name());
    if (it == values_.end()) fail(fmt::format("graph output '{}' is not produced by any node", out.name()));
    const Value& v = it->second;
    if (v.kind == Value::Kind::Float || float_views_.count(out.name())) return float_output(out, v);
    if (v.kind == Value::Kind::Dequant) return dequantize_output(out, v);
    if (v.kind != Value::Kind::Act && v.kind != Value::Kind::Int32)
      fail(fmt::format("graph output '{}' is {}; supported outputs: quantized int8/uint8 tensors (end the graph with "
                       "QuantizeLinear), their DequantizeLinear (float32), int32 ConvInteger/MatMulInteger results "
                       "and int64 ArgMax/ArgMin indices",
                       out.name(), v.kind == Value::Kind::Const ? "a constant" : "a float tensor"));
    if (v.kind == Value::Kind::Act && v.uint8) graph_.tensors[size_t(v.id)].source_uint8 = true;
    graph_.outputs.push_back(v.id);
  }

  // A float32 graph output from DequantizeLinear: the Dequantize op at the edge.
  void dequantize_output(const onnx::ValueInfoProto& out, const Value& v) {
    const int32_t type = out.type().has_tensor_type() ? out.type().tensor_type().elem_type() : 0;
    if (type != onnx::TensorProto::FLOAT && type != onnx::TensorProto::UNDEFINED)
      fail(fmt::format("graph output '{}' is the float output of a DequantizeLinear but declared {}", out.name(),
                       onnx_frontend::data_type_name(type)));
    ir::Tensor t;
    t.name = out.name();
    t.shape = tensor(v.id).shape;
    t.type = DataType::Float32;
    const int id = graph_.add_tensor(std::move(t));
    ir::Op op = new_op(v.node, OpKind::Dequantize);
    op.inputs = {v.id};
    op.outputs = {id};
    graph_.ops.push_back(std::move(op));
    graph_.outputs.push_back(id);
  }

  bool quantized_float_input(int id) const {
    return std::any_of(graph_.ops.begin(), graph_.ops.end(),
                       [&](const ir::Op& op) { return op.kind == OpKind::Quantize && op.inputs.at(0) == id; });
  }

  // ---- node inputs ----------------------------------------------------------

  bool has_input(int i, int k) const { return k < node(i).input_size() && !node(i).input(k).empty(); }

  const Value& input(int i, int k) const {
    if (!has_input(i, k)) fail_node(i, fmt::format("input {} is missing", k));
    auto it = values_.find(node(i).input(k));
    if (it == values_.end())
      fail_node(i, fmt::format("input {} '{}' is not produced by an earlier node", k, node(i).input(k)));
    return it->second;
  }

  const ConstTensor& const_input(int i, int k, const char* role) const {
    const Value& v = input(i, k);
    if (v.kind != Value::Kind::Const)
      fail_node(i, fmt::format("{} (input {} '{}') must be a constant", role, k, node(i).input(k)));
    return *v.c;
  }

  // Constant input k holding exactly one value (a Clip bound), as a double.
  double const_scalar(int i, int k, const char* role) const {
    const ConstTensor& t = const_input(i, k, role);
    if (t.element_count() != 1)
      fail_node(i, fmt::format("{} (input {} '{}') must hold one value, not {}", role, k, node(i).input(k),
                               t.element_count()));
    return t.real(0);
  }

  const Value& act_input(int i, int k) const {
    const Value& v = input(i, k);
    if (v.kind != Value::Kind::Act)
      fail_node(i, fmt::format("input {} '{}' must be a quantized int8/uint8 activation", k, node(i).input(k)));
    return v;
  }

  const Value& dequant_input(int i, int k) const {
    const Value& v = input(i, k);
    if (v.kind != Value::Kind::Dequant)
      fail_node(i, fmt::format("input {} '{}' must be the output of a DequantizeLinear of an activation (a float "
                               "tensor from a float operator is read by float operators only: {}; quantize it)",
                               k, node(i).input(k), fmt::join(kFloatOperators, ", ")));
    return v;
  }

  // A scalar scale / zero-point pair of an activation; zero point absent means uint8 0.
  ActQuant act_quant(int i, int ks, int kz) const {
    const ConstTensor& s = const_input(i, ks, "scale");
    if (!s.is_float() || s.element_count() != 1)
      fail_node(i, fmt::format("scale (input {}) must be one float; per-axis activation scales are unsupported", ks));
    ActQuant q;
    q.scale = float(s.real(0));
    if (!(q.scale > 0.0f) || !std::isfinite(q.scale)) fail_node(i, fmt::format("scale {} is not positive", q.scale));
    q.uint8 = true;
    if (has_input(i, kz)) {
      const ConstTensor& z = const_input(i, kz, "zero point");
      if (z.element_count() != 1) fail_node(i, fmt::format("zero point (input {}) must be one value", kz));
      if (z.data_type != onnx::TensorProto::INT8 && z.data_type != onnx::TensorProto::UINT8)
        fail_node(i, fmt::format("zero point type {} unsupported; supported: INT8, UINT8",
                                 onnx_frontend::data_type_name(z.data_type)));
      q.uint8 = z.data_type == onnx::TensorProto::UINT8;
      q.zero_point = int32_t(z.integer(0));
    }
    if (q.uint8) q.zero_point -= 128;
    return q;
  }

  // Reading an activation with the quantization a node states for it: the
  // first statement defines a graph input's; later ones must agree.
  void bind_quant(int i, const Value& v, const ActQuant& q) {
    ir::Tensor& t = graph_.tensors[size_t(v.id)];
    if (q.uint8 != v.uint8)
      fail_node(i, fmt::format("zero point type {} differs from the tensor '{}' type {}", q.uint8 ? "UINT8" : "INT8",
                               t.name, v.uint8 ? "UINT8" : "INT8"));
    if (t.quant.empty()) {
      t.quant.scale = {q.scale};
      t.quant.zero_point = {q.zero_point};
      return;
    }
    if (t.scale() != q.scale || t.zero_point() != q.zero_point)
      fail_node(i, fmt::format("quantization ({}, {}) of '{}' differs from the ({}, {}) it was produced with: "
                               "unsupported",
                               q.scale, q.zero_point, t.name, t.scale(), t.zero_point()));
  }

  const ir::Tensor& tensor(int id) const { return graph_.tensors[size_t(id)]; }
  ir::Shape onnx_shape(const Value& v) const { return v.rank == 4 ? nhwc_to_nchw(tensor(v.id).shape) : tensor(v.id).shape; }

  // ---- attributes -----------------------------------------------------------

  const onnx::AttributeProto* attr(int i, const char* name) const {
    for (const onnx::AttributeProto& a : node(i).attribute())
      if (a.name() == name) return &a;
    return nullptr;
  }
  int64_t attr_int(int i, const char* name, int64_t dflt) const {
    const onnx::AttributeProto* a = attr(i, name);
    return a ? a->i() : dflt;
  }
  float attr_float(int i, const char* name, float dflt) const {
    const onnx::AttributeProto* a = attr(i, name);
    return a ? a->f() : dflt;
  }
  std::string attr_string(int i, const char* name, const std::string& dflt) const {
    const onnx::AttributeProto* a = attr(i, name);
    return a ? a->s() : dflt;
  }
  std::vector<int64_t> attr_ints(int i, const char* name) const {
    const onnx::AttributeProto* a = attr(i, name);
    return a ? std::vector<int64_t>(a->ints().begin(), a->ints().end()) : std::vector<int64_t>{};
  }

  // ---- IR building ----------------------------------------------------------

  int new_act(const std::string& name, const ir::Shape& onnx_shape, float scale, int32_t zero_point) {
    ir::Tensor t;
    t.name = name;
    t.shape = nchw_to_nhwc(onnx_shape);
    t.type = DataType::Int8;
    t.quant.scale = {scale};
    t.quant.zero_point = {zero_point};
    return graph_.add_tensor(std::move(t));
  }

  ir::Op new_op(int i, OpKind kind) const {
    ir::Op op;
    op.kind = kind;
    op.name = node_name(i);
    op.source_index = i;
    op.source_op = node(i).op_type();
    return op;
  }

  Value act_value(int id, bool uint8, int rank) const {
    Value v;
    v.kind = Value::Kind::Act;
    v.id = id;
    v.uint8 = uint8;
    v.rank = rank;
    return v;
  }

  void define(int i, int k, Value v) {
    if (k >= node(i).output_size() || node(i).output(k).empty()) fail_node(i, fmt::format("output {} is missing", k));
    values_[node(i).output(k)] = std::move(v);
  }

  // The clamp of a fused Relu / Clip on an int8 output (TFLite's
  // CalculateActivationRangeQuantized: quantize each bound, clamp to int8).
  static ir::ActRange clamp(float lo, float hi, float scale, int32_t zp) {
    if (lo == 0.0f && hi == kInf) return ir::activation_range(ir::Activation::Relu, scale, zp);
    if (lo == 0.0f && hi == 6.0f) return ir::activation_range(ir::Activation::Relu6, scale, zp);
    ir::ActRange r;
    auto quantize = [&](float f) { return double(zp) + std::round(double(f / scale)); };
    if (lo > -kInf) r.min = int32_t(std::clamp(quantize(lo), -128.0, 127.0));
    if (hi < kInf) r.max = int32_t(std::clamp(quantize(hi), -128.0, 127.0));
    return r;
  }

  // Appends a Requantize from tensor `in` to the quantization (scale, zp) and returns the new tensor.
  int requantize(int i, int in, const std::string& name, float scale, int32_t zp) {
    const int out = new_act(name, nhwc_to_nchw(tensor(in).shape), scale, zp);
    graph_.tensors[size_t(out)].shape = tensor(in).shape;
    ir::Op op = new_op(i, OpKind::Requantize);
    op.inputs = {in};
    op.outputs = {out};
    op.rescale = ir::ratio_rescale(tensor(in).scale(), scale);
    graph_.ops.push_back(std::move(op));
    return out;
  }

  // ---- nodes ----------------------------------------------------------------

  void read_node(int i) {
    const onnx::NodeProto& n = node(i);
    if (n.domain() == "com.microsoft" && (n.op_type() == "QLinearSigmoid" || n.op_type() == "QLinearLeakyRelu"))
      return read_qlinear_unary(i);
    if (n.domain() == "com.microsoft" && n.op_type() == "QLinearMul") return read_qlinear_mul(i);
    if (n.domain() == "com.microsoft" && n.op_type() == "QLinearAdd") return read_qlinear_add(i);
    if (n.domain() == "com.microsoft" && n.op_type() == "QGemm") return read_matmul(i, Form::QLinear);
    if (n.domain() == "com.microsoft" && n.op_type() == "QLinearSoftmax") return read_qlinear_softmax(i);
    if (n.domain() == "com.microsoft" && n.op_type() == "QLinearConcat") return read_qlinear_concat(i);
    if (n.domain() == "com.microsoft" && (n.op_type() == "QLinearAveragePool" || n.op_type() == "QLinearGlobalAveragePool"))
      return read_qlinear_pool(i);
    if (!n.domain().empty() && n.domain() != "ai.onnx")
      fail_node(i, fmt::format("operator of domain '{}' unsupported; supported: the standard ONNX domain: {}",
                               n.domain(), fmt::join(kSupported, ", ")));
    const std::string& t = n.op_type();
    if (n.output_size() < 1) fail_node(i, "no outputs");
    if (runs_in_float(i)) return read_float_node(i);
    if (t == "Constant") return read_constant(i);
    if (t == "Identity") return define(i, 0, input(i, 0));
    if (t == "Shape") return read_shape(i);
    if (onnx_frontend::is_foldable(t)) {
      if (constant_inputs(i)) return fold(i);
      if (t == "Cast" || t == "ConstantOfShape" || t == "Range" || t == "Equal" || t == "Where" || t == "Neg" ||
          t == "Div")
        fail_node(i, "a non-constant input unsupported; supported: constants (shape arithmetic, evaluated when the "
                     "model is read)");
    }
    if (t == "QuantizeLinear") return read_quantize(i);
    if (t == "DequantizeLinear") return read_dequantize(i);
    if (t == "QLinearConv") return read_conv(i, Form::QLinear);
    if (t == "ConvInteger") return read_conv(i, Form::Integer);
    if (t == "QLinearMatMul") return read_matmul(i, Form::QLinear);
    if (t == "MatMulInteger") return read_matmul(i, Form::Integer);
    if (t == "Reshape" || t == "Flatten" || t == "Squeeze" || t == "Unsqueeze") return read_reshape(i);
    if (t == "Transpose") return read_transpose(i);
    if (t == "Slice") return read_slice(i);
    if (t == "DepthToSpace" || t == "SpaceToDepth") return read_depth_space(i);
    if (t == "Split") return read_split(i);
    if (t == "ReduceMax" || t == "ReduceMin") return read_reduce_extremum(i);
    if (t == "Gather") return read_gather(i);
    if (t == "ArgMax" || t == "ArgMin") return read_arg_min_max(i);
    if (t == "Relu" || t == "Clip") return read_activation(i);
    if (t == "Conv" || t == "ConvTranspose" || t == "Gemm" || t == "MatMul" || t == "Add" || t == "Softmax" ||
        t == "LogSoftmax" || t == "Concat" || t == "ReduceMean" || t == "ReduceSum" || t == "Max" || t == "Min" ||
        t == "Sub" || t == "Mul" || t == "PRelu" || is_unary_function(t))
      return defer(i);
    if (t == "AveragePool" || t == "MaxPool" || t == "GlobalAveragePool" || t == "GlobalMaxPool") return read_pool(i);
    if (t == "Pad") return read_pad(i);
    if (t == "Resize") return read_resize(i);
    fail_node(i, fmt::format("unsupported operator; supported: {}", fmt::join(kSupported, ", ")));
  }

  // True when every input node i has is a constant (and it has one).
  bool constant_inputs(int i) const {
    bool any = false;
    for (int k = 0; k < node(i).input_size(); ++k) {
      if (!has_input(i, k)) continue;
      if (input(i, k).kind != Value::Kind::Const) return false;
      any = true;
    }
    return any;
  }

  // Node i on constants, evaluated now (onnx_fold.h).
  void fold(int i) {
    std::vector<const ConstTensor*> in;
    for (int k = 0; k < node(i).input_size(); ++k) in.push_back(has_input(i, k) ? input(i, k).c.get() : nullptr);
    try {
      define_const(node(i).output(0), onnx_frontend::fold_node(node(i), in, opset_));
    } catch (const Error& e) {
      fail_node(i, e.what());
    }
  }

  // Shape: the (static) shape of any tensor, as a constant.
  void read_shape(int i) {
    const Value& v = input(i, 0);
    std::vector<int64_t> shape;
    if (v.kind == Value::Kind::Const || v.kind == Value::Kind::DequantConst) {
      shape = v.c->dims;
    } else if (v.kind == Value::Kind::Pending) {
      fail_node(i, "the shape of a float operator's output before its QuantizeLinear unsupported");
    } else {
      const ir::Shape s = onnx_shape(v);
      shape.assign(s.begin(), s.end());
    }
    define_const(node(i).output(0), onnx_frontend::shape_tensor(shape, attr_int(i, "start", 0),
                                                                attr_int(i, "end", int64_t(shape.size()))));
  }

  void read_constant(int i) {
    const onnx::AttributeProto* a = attr(i, "value");
    if (!a || !a->has_t()) fail_node(i, "only Constant nodes with a 'value' tensor are supported");
    define_const(node(i).output(0), decode(a->t(), where(i)));
  }

  // Output i's float op waits for the QuantizeLinear that gives its output quantization.
  void defer(int i) {
    Value v;
    v.kind = Value::Kind::Pending;
    v.node = i;
    define(i, 0, v);
  }

  // Clip's bounds: attributes before opset 11, optional constant inputs from it on.
  std::pair<float, float> clip_bounds(int i) const {
    if (opset_ < 11) return {attr_float(i, "min", -kInf), attr_float(i, "max", kInf)};
    return {has_input(i, 1) ? float(const_scalar(i, 1, "min")) : -kInf,
            has_input(i, 2) ? float(const_scalar(i, 2, "max")) : kInf};
  }

  void read_activation(int i) {
    float lo = 0.0f, hi = kInf;
    if (node(i).op_type() == "Clip") std::tie(lo, hi) = clip_bounds(i);
    const Value& in = input(i, 0);
    if (in.kind == Value::Kind::Pending) {  // fused into the producing op
      Value v = in;
      v.lo = std::max(v.lo, lo);
      v.hi = std::min(v.hi, hi);
      return define(i, 0, v);
    }
    if (in.kind != Value::Kind::Dequant)
      fail_node(i, "input must be a float op's output or a DequantizeLinear of an activation");
    if (!(lo <= hi)) fail_node(i, fmt::format("Clip({}, {}): min above max", lo, hi));
    defer(i);  // a requantization clamped to [lo, hi] (Relu, Relu6 by name where it is one)
    values_[node(i).output(0)].lo = lo;
    values_[node(i).output(0)].hi = hi;
  }

  void read_dequantize(int i) {
    const Value& in = input(i, 0);
    if (in.kind == Value::Kind::Act) {
      if (attr(i, "axis") && tensor(in.id).shape.size() > 1 && const_input(i, 1, "scale").element_count() > 1)
        fail_node(i, "per-axis dequantization of an activation is unsupported");
      const ActQuant q = act_quant(i, 1, 2);
      bind_quant(i, in, q);
      Value v = in;
      v.kind = Value::Kind::Dequant;
      v.node = i;
      return define(i, 0, v);
    }
    if (in.kind != Value::Kind::Const)
      fail_node(i, "input must be a quantized activation or an integer constant");
    const ConstTensor& c = *in.c;
    const int32_t type = c.data_type;
    if (type != onnx::TensorProto::INT8 && type != onnx::TensorProto::UINT8 && type != onnx::TensorProto::INT32)
      fail_node(i, fmt::format("constant type {} unsupported; supported: INT8, UINT8 (weights), INT32 (biases)",
                               onnx_frontend::data_type_name(type)));
    const ConstTensor& s = const_input(i, 1, "scale");
    if (!s.is_float()) fail_node(i, "scale must be a float tensor");
    Value v;
    v.kind = Value::Kind::DequantConst;
    v.c = in.c;
    v.axis = int(attr_int(i, "axis", 1));
    if (v.axis < 0) v.axis += int(c.dims.size());
    for (int64_t k = 0; k < s.element_count(); ++k) v.scale.push_back(float(s.real(k)));
    if (has_input(i, 2)) {
      const ConstTensor& z = const_input(i, 2, "zero point");
      if (z.data_type != type) fail_node(i, "zero point type differs from the input's");
      if (z.element_count() != s.element_count()) fail_node(i, "scale and zero point differ in size");
      v.zero_point = z.ints;
    } else {
      v.zero_point.assign(v.scale.size(), 0);
    }
    if (v.scale.size() > 1 && (v.axis < 0 || size_t(v.axis) >= c.dims.size() ||
                               c.dims[size_t(v.axis)] != int64_t(v.scale.size())))
      fail_node(i, fmt::format("{} scales do not match axis {} of the constant", v.scale.size(), v.axis));
    define(i, 0, v);
  }

  void read_quantize(int i) {
    const ActQuant q = act_quant(i, 1, 2);
    const Value& in = input(i, 0);
    const std::string& out_name = node(i).output(0);
    switch (in.kind) {
      case Value::Kind::Const: return quantize_const(i, *in.c, q);
      case Value::Kind::Dequant: {  // requantize, or the same tensor again
        if (tensor(in.id).scale() == q.scale && tensor(in.id).zero_point() == q.zero_point)
          return define(i, 0, act_value(in.id, q.uint8, in.rank));
        return define(i, 0, act_value(requantize(i, in.id, out_name, q.scale, q.zero_point), q.uint8, in.rank));
      }
      case Value::Kind::Pending: return define(i, 0, materialize(in, i, q));
      case Value::Kind::Float:       // the end of a float island
      case Value::Kind::FloatInput: {  // the float edge: the Quantize op, rounding half to even as ONNX does
        const int out = new_act(out_name, onnx_shape(in), q.scale, q.zero_point);
        ir::Op op = new_op(i, OpKind::Quantize);
        op.inputs = {in.id};
        op.outputs = {out};
        op.round_half_to_even = true;
        graph_.ops.push_back(std::move(op));
        return define(i, 0, act_value(out, q.uint8, in.rank));
      }
      default: break;
    }
    fail_node(i, "input must be a float op's output, a DequantizeLinear output, a float constant or a float32 graph "
                 "input");
  }

  // QuantizeLinear of a float constant (weights stored in float): round half to even, saturate.
  void quantize_const(int i, const ConstTensor& c, const ActQuant& q) {
    if (!c.is_float()) fail_node(i, "constant input must be float");
    ConstTensor out;
    out.data_type = q.uint8 ? onnx::TensorProto::UINT8 : onnx::TensorProto::INT8;
    out.dims = c.dims;
    const int32_t zp = q.uint8 ? q.zero_point + 128 : q.zero_point;
    const double lo = q.uint8 ? 0 : -128, hi = q.uint8 ? 255 : 127;
    for (double f : c.floats) out.ints.push_back(int64_t(std::clamp(std::nearbyint(f / q.scale) + zp, lo, hi)));
    define_const(node(i).output(0), std::move(out));
  }

  // ---- float ops, materialized at their QuantizeLinear ----------------------

  Value materialize(const Value& pending, int qnode, const ActQuant& q) {
    const int i = pending.node;
    const std::string& t = node(i).op_type();
    const std::string out_name = node(qnode).output(0);
    int out = -1;
    int rank = 0;
    if (t == "Conv") {
      out = emit_conv(i, Form::Qdq, q, out_name, pending.lo, pending.hi, &rank);
    } else if (t == "ConvTranspose") {
      out = emit_conv_transpose(i, q, out_name, pending.lo, pending.hi, &rank);
    } else if (t == "MatMul" && !weights_matmul(i)) {
      out = emit_batch_matmul(i, q, out_name, pending.lo, pending.hi, &rank);
    } else if (t == "Gemm" || t == "MatMul") {
      out = emit_fully_connected(i, Form::Qdq, q, out_name, pending.lo, pending.hi, &rank);
    } else if (t == "Add") {
      out = emit_add(i, q, out_name, pending.lo, pending.hi, &rank);
    } else if (t == "Sub" || t == "Mul") {
      out = emit_sub_mul(i, q, out_name, pending.lo, pending.hi, &rank);
    } else if (t == "Softmax" || t == "LogSoftmax" || t == "Concat" || t == "Max" || t == "Min" ||
               t == "ReduceMean" || t == "ReduceSum" || t == "PRelu" || is_unary_function(t)) {
      if (pending.lo != -kInf || pending.hi != kInf)
        fail_node(i, "a Relu or Clip fused after it is unsupported; supported after Conv, ConvTranspose, Gemm, "
                     "MatMul, Add");
    }
    if (is_unary_function(t)) {
      const Value& in = dequant_input(i, 0);
      rank = in.rank;
      out = emit_lut(i, in.id, q, out_name);
    } else if (t == "Max" || t == "Min") {
      out = emit_max_min(i, q, out_name, &rank);
    } else if (t == "Softmax") {
      out = emit_softmax(i, q, out_name, &rank);
    } else if (t == "LogSoftmax") {
      out = emit_log_softmax(i, q, out_name, &rank);
    } else if (t == "ReduceMean") {
      out = emit_reduce_mean(i, q, out_name, &rank);
    } else if (t == "ReduceSum") {
      const Value in = dequant_input(i, 0);  // a copy: emitting may move the values
      out = emit_reduce(i, in, "sum", out_name, q.scale, q.zero_point, &rank);
    } else if (t == "PRelu") {
      out = emit_prelu(i, q, out_name, &rank);
    } else if (t == "Concat") {
      out = emit_concat(i, q, out_name, &rank);
    } else if (t == "Relu" || t == "Clip") {
      const Value& in = dequant_input(i, 0);
      rank = in.rank;
      out = new_act(out_name, onnx_shape(in), q.scale, q.zero_point);
      const bool relu = pending.lo == 0.0f && pending.hi == kInf, relu6 = pending.lo == 0.0f && pending.hi == 6.0f;
      ir::Op op = new_op(i, relu ? OpKind::Relu : relu6 ? OpKind::Relu6 : OpKind::Requantize);
      op.inputs = {in.id};
      op.outputs = {out};
      op.rescale = ir::ratio_rescale(tensor(in.id).scale(), q.scale);
      op.act = clamp(pending.lo, pending.hi, q.scale, q.zero_point);
      graph_.ops.push_back(std::move(op));
    }
    return act_value(out, q.uint8, rank);
  }

  enum class Form { Qdq, QLinear, Integer };

  // Weights of a Conv / Gemm / MatMul in any form, as int8 values with their
  // (possibly per-channel along `channel_axis` in ONNX order) scales and zero points.
  struct Weights {
    std::shared_ptr<const ConstTensor> c;
    std::vector<float> scale;        // one, or one per output channel
    std::vector<int32_t> zero_point;  // int8, same count as scale
  };

  Weights weights(int i, Form form, int k, size_t channel_axis) {
    Weights w;
    std::vector<int64_t> zps;
    bool uint8 = false;
    if (form == Form::Qdq) {
      const Value& v = input(i, k);
      if (v.kind != Value::Kind::DequantConst || v.c->data_type == onnx::TensorProto::INT32)
        fail_node(i, fmt::format("weights (input {}) must be an int8/uint8 constant behind DequantizeLinear", k));
      if (v.scale.size() > 1 && size_t(v.axis) != channel_axis)
        fail_node(i, fmt::format("per-channel weight scales along axis {} unsupported; supported: axis {} (output "
                                 "channels)",
                                 v.axis, channel_axis));
      w.c = v.c;
      w.scale = v.scale;
      zps = v.zero_point;
      uint8 = v.c->data_type == onnx::TensorProto::UINT8;
    } else {
      const int ks = form == Form::QLinear ? k + 1 : -1, kz = form == Form::QLinear ? k + 2 : 3;
      w.c = std::make_shared<const ConstTensor>(const_input(i, k, "weights"));
      const int32_t type = w.c->data_type;
      if (type != onnx::TensorProto::INT8 && type != onnx::TensorProto::UINT8)
        fail_node(i, fmt::format("weights type {} unsupported; supported: INT8, UINT8",
                                 onnx_frontend::data_type_name(type)));
      uint8 = type == onnx::TensorProto::UINT8;
      if (ks >= 0) {
        const ConstTensor& s = const_input(i, ks, "weight scale");
        for (int64_t e = 0; e < s.element_count(); ++e) w.scale.push_back(float(s.real(e)));
      } else {
        w.scale = {1.0f};  // ConvInteger/MatMulInteger: the accumulator itself
      }
      if (has_input(i, kz)) {
        const ConstTensor& z = const_input(i, kz, "weight zero point");
        if (z.data_type != type) fail_node(i, "weight zero point type differs from the weights'");
        zps = z.ints;
      } else {
        zps = {0};
      }
    }
    for (float s : w.scale)
      if (!(s > 0.0f) || !std::isfinite(s)) fail_node(i, fmt::format("weight scale {} is not positive", s));
    const int64_t channels = w.c->dims.size() > channel_axis ? w.c->dims[channel_axis] : 0;
    const size_t n = std::max(w.scale.size(), zps.size());
    if ((w.scale.size() != 1 && int64_t(w.scale.size()) != channels) ||
        (zps.size() != 1 && int64_t(zps.size()) != channels) || w.scale.empty() || zps.empty())
      fail_node(i, fmt::format("{} weight scales and {} zero points for {} output channels", w.scale.size(),
                               zps.size(), channels));
    if (n > 1) {  // per channel: both vectors full length
      if (w.scale.size() == 1) w.scale.assign(n, w.scale[0]);
      if (zps.size() == 1) zps.assign(n, zps[0]);
    }
    for (int64_t z : zps) w.zero_point.push_back(int32_t(uint8 ? z - 128 : z));
    if (uint8) {
      auto shifted = std::make_shared<ConstTensor>(*w.c);
      for (int64_t& v : shifted->ints) v -= 128;
      shifted->data_type = onnx::TensorProto::INT8;
      w.c = shifted;
    }
    return w;
  }

  // Bias as int32 at scale in_scale * w_scale[o]: QLinearConv's is so by
  // definition; a QDQ bias is used as is when its scale matches, else rescaled.
  // k < 0: the op has no bias input (a zero bias keeps every kernel's inputs alike).
  int bias(int i, Form form, int k, int32_t channels, float in_scale, const std::vector<float>& w_scale) {
    ir::Tensor b;
    b.name = node_name(i) + "/bias";
    b.shape = {channels};
    b.type = DataType::Int32;
    b.data.assign(size_t(channels) * 4, 0);
    std::vector<int32_t> values(size_t(channels), 0);
    if (k >= 0 && has_input(i, k)) {
      const Value& v = input(i, k);
      const int64_t count = v.c ? v.c->element_count() : 0;
      if ((v.kind != Value::Kind::Const && v.kind != Value::Kind::DequantConst) || count != channels)
        fail_node(i, fmt::format("bias (input {}) must be a constant of {} values", k, channels));
      for (int32_t o = 0; o < channels; ++o) {
        const double want = double(in_scale) * double(w_scale.size() > 1 ? w_scale[size_t(o)] : w_scale[0]);
        if (v.kind == Value::Kind::Const && form == Form::QLinear) {
          if (v.c->data_type != onnx::TensorProto::INT32) fail_node(i, "the bias must be INT32");
          values[size_t(o)] = int32_t(v.c->ints[size_t(o)]);
          continue;
        }
        double real;
        double have = 0;
        if (v.kind == Value::Kind::DequantConst) {
          const size_t e = v.scale.size() > 1 ? size_t(o) : 0;
          have = v.scale[e];
          const int64_t q = v.c->integer(o) - v.zero_point[e];
          if (v.zero_point[e] == 0 && std::abs(have - want) <= 1e-6 * want) {
            values[size_t(o)] = int32_t(q);
            continue;
          }
          real = double(q) * have;
        } else {
          real = v.c->real(o);
        }
        const double r = std::round(real / want);
        if (!(std::abs(r) < 2147483648.0)) fail_node(i, "bias does not fit int32 at scale input*weight");
        values[size_t(o)] = int32_t(r);
      }
    }
    std::memcpy(b.data.data(), values.data(), b.data.size());
    return graph_.add_tensor(std::move(b));
  }

  // Output size and padding of one spatial dimension (ONNX pads or auto_pad).
  struct Spatial {
    int32_t out = 0, before = 0, after = 0;
  };
  Spatial spatial(int i, const std::string& auto_pad, int32_t in, int32_t k, int32_t stride, int32_t dil,
                  int64_t pad_before, int64_t pad_after) const {
    const int32_t eff = (k - 1) * dil + 1;
    Spatial s;
    if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
      s.out = (in + stride - 1) / stride;
      const int32_t total = std::max(0, (s.out - 1) * stride + eff - in);
      s.before = auto_pad == "SAME_UPPER" ? total / 2 : total - total / 2;
      s.after = total - s.before;
      return s;
    }
    if (auto_pad == "VALID") {
      pad_before = pad_after = 0;
    } else if (auto_pad != "NOTSET" && !auto_pad.empty()) {
      fail_node(i, fmt::format("auto_pad '{}' unsupported; supported: NOTSET, VALID, SAME_UPPER, SAME_LOWER", auto_pad));
    }
    if (pad_before < 0 || pad_after < 0 || pad_before > 65535 || pad_after > 65535)
      fail_node(i, "padding must be between 0 and 65535");
    s.before = int32_t(pad_before);
    s.after = int32_t(pad_after);
    const int32_t span = in + s.before + s.after - eff;
    s.out = span < 0 ? 0 : span / stride + 1;
    return s;
  }

  // Window attributes of Conv / pooling on an NCHW input of height h, width w.
  ir::Window window(int i, int32_t h, int32_t w, int32_t kh, int32_t kw, int32_t* oh, int32_t* ow,
                    bool dilations) const {
    std::vector<int64_t> strides = attr_ints(i, "strides"), dil = attr_ints(i, "dilations"), pads = attr_ints(i, "pads");
    if (strides.empty()) strides = {1, 1};
    if (dil.empty()) dil = {1, 1};
    if (pads.empty()) pads = {0, 0, 0, 0};
    if (strides.size() != 2 || dil.size() != 2 || pads.size() != 4)
      fail_node(i, "strides, dilations and pads must describe two spatial dimensions");
    for (int64_t v : strides)
      if (v < 1 || v > 65535) fail_node(i, fmt::format("stride {} out of range", v));
    for (int64_t v : dil)
      if (v < 1 || v > 65535 || (!dilations && v != 1)) fail_node(i, fmt::format("dilation {} unsupported", v));
    const std::string auto_pad = attr_string(i, "auto_pad", "NOTSET");
    const Spatial sh = spatial(i, auto_pad, h, kh, int32_t(strides[0]), int32_t(dil[0]), pads[0], pads[2]);
    const Spatial sw = spatial(i, auto_pad, w, kw, int32_t(strides[1]), int32_t(dil[1]), pads[1], pads[3]);
    if (sh.out < 1 || sw.out < 1) fail_node(i, "the window is larger than the padded input");
    *oh = sh.out;
    *ow = sw.out;
    ir::Window win;
    win.kernel_h = kh;
    win.kernel_w = kw;
    win.stride_h = int32_t(strides[0]);
    win.stride_w = int32_t(strides[1]);
    win.dilation_h = int32_t(dil[0]);
    win.dilation_w = int32_t(dil[1]);
    win.pad = {sh.before, sh.after, sw.before, sw.after};
    return win;
  }

  // The activation input of a Conv / MatMul in each form, bound to its quantization.
  const Value& data_input(int i, Form form, ActQuant* q) {
    if (form == Form::Qdq) {
      const Value& v = dequant_input(i, 0);
      q->scale = tensor(v.id).scale();
      q->zero_point = tensor(v.id).zero_point();
      q->uint8 = v.uint8;
      return v;
    }
    const Value& v = act_input(i, 0);
    if (form == Form::QLinear) {
      *q = act_quant(i, 1, 2);
    } else {  // ConvInteger / MatMulInteger: zero point only, unit scale
      q->uint8 = v.uint8;
      q->scale = 1.0f;
      q->zero_point = 0;
      if (has_input(i, 2)) {
        const ConstTensor& z = const_input(i, 2, "input zero point");
        if (z.element_count() != 1) fail_node(i, "only a single input zero point is supported");
        if ((z.data_type == onnx::TensorProto::UINT8) != v.uint8)
          fail_node(i, "input zero point type differs from the input's");
        q->zero_point = int32_t(z.integer(0));
      }
      if (q->uint8) q->zero_point -= 128;
    }
    bind_quant(i, v, *q);
    return v;
  }

  int int32_output(int i, const ir::Shape& onnx_shape_out) {
    ir::Tensor t;
    t.name = node(i).output(0);
    t.shape = nchw_to_nhwc(onnx_shape_out);
    t.type = DataType::Int32;
    return graph_.add_tensor(std::move(t));
  }

  void read_conv(int i, Form form) {
    if (form == Form::Integer) {
      int rank = 0;
      const int out = emit_conv(i, form, ActQuant{}, node(i).output(0), -kInf, kInf, &rank);
      Value v;
      v.kind = Value::Kind::Int32;
      v.id = out;
      v.rank = rank;
      return define(i, 0, v);
    }
    ActQuant q = act_quant(i, 6, 7);
    int rank = 0;
    const int out = emit_conv(i, form, q, node(i).output(0), -kInf, kInf, &rank);
    define(i, 0, act_value(out, q.uint8, rank));
  }

  int emit_conv(int i, Form form, const ActQuant& oq, const std::string& out_name, float lo, float hi, int* rank) {
    ActQuant iq;
    const Value& in = data_input(i, form, &iq);
    const ir::Shape is = onnx_shape(in);  // N C H W
    if (is.size() != 4) fail_node(i, fmt::format("input shape {} unsupported; supported: rank 4 (2-D convolution)",
                                                 ir::shape_string(is)));
    const int kw_in = form == Form::QLinear ? 3 : 1;
    const Weights w = weights(i, form, kw_in, 0);
    const std::vector<int64_t>& ws = w.c->dims;  // O I/g KH KW
    if (ws.size() != 4) fail_node(i, "weights must have rank 4 (OIHW)");
    const int64_t group = attr_int(i, "group", 1);
    const int32_t c_in = is[1], c_out = int32_t(ws[0]), kh = int32_t(ws[2]), kw = int32_t(ws[3]);
    const std::vector<int64_t> kshape = attr_ints(i, "kernel_shape");
    if (!kshape.empty() && kshape != std::vector<int64_t>{kh, kw})
      fail_node(i, "kernel_shape differs from the weights' shape");
    const bool depthwise = group != 1;
    if (group == 1) {
      if (ws[1] != c_in)
        fail_node(i, fmt::format("weights take {} input channels, the input has {}", ws[1], c_in));
    } else if (group != c_in || ws[1] != 1 || c_out % c_in != 0) {
      fail_node(i, fmt::format("group {} unsupported; supported: 1 (convolution) or the input channel count {} with "
                               "a whole number of outputs per channel (depthwise)",
                               group, c_in));
    }
    int32_t oh = 0, ow = 0;
    ir::Op op = new_op(i, depthwise ? OpKind::DepthwiseConv2d : OpKind::Conv2d);
    op.window = window(i, is[2], is[3], kh, kw, &oh, &ow, true);
    if (depthwise) op.depth_multiplier = c_out / c_in;

    // OIHW -> OHWI (conv) or 1HWO (depthwise).
    ir::Tensor f;
    f.name = node_name(i) + "/weights";
    f.type = DataType::Int8;
    f.shape = depthwise ? ir::Shape{1, kh, kw, c_out} : ir::Shape{c_out, kh, kw, c_in};
    f.data.resize(size_t(f.num_elements()));
    const int32_t cpg = int32_t(ws[1]);
    const int64_t* src = w.c->ints.data();  // OIHW, read in order
    for (int32_t o = 0; o < c_out; ++o)
      for (int32_t c = 0; c < cpg; ++c)
        for (int32_t y = 0; y < kh; ++y) {
          // The destination of tap (y, 0); the next tap along x is `step` further.
          size_t dst = depthwise ? size_t(int64_t(y) * kw * c_out + o) : size_t((int64_t(o) * kh + y) * kw * c_in + c);
          const size_t step = depthwise ? size_t(c_out) : size_t(c_in);
          for (int32_t x = 0; x < kw; ++x, dst += step) f.data[dst] = uint8_t(int8_t(*src++));
        }
    f.quant.scale = w.scale;
    f.quant.zero_point = w.zero_point;
    f.quant.axis = depthwise ? 3 : 0;
    const int filter = graph_.add_tensor(std::move(f));
    const int b = bias(i, form, form == Form::QLinear ? 8 : form == Form::Qdq ? 2 : -1, c_out, iq.scale, w.scale);

    const ir::Shape os = {is[0], c_out, oh, ow};
    *rank = 4;
    int out;
    if (form == Form::Integer) {
      out = int32_output(i, os);
    } else {
      out = new_act(out_name, os, oq.scale, oq.zero_point);
      op.rescale = ir::conv_rescale(iq.scale, w.scale.size() > 1 ? w.scale : std::vector<float>(size_t(c_out), w.scale[0]),
                                    oq.scale);
      op.act = clamp(lo, hi, oq.scale, oq.zero_point);
    }
    op.inputs = {in.id, filter, b};
    op.outputs = {out};
    graph_.ops.push_back(std::move(op));
    return out;
  }

  // One spatial axis of a ConvTranspose: the output size and the pad at its
  // beginning (output rows cropped before the first), from pads, or from
  // output_shape or auto_pad SAME_* through the total padding, as onnxruntime
  // computes them. `axis` 0 is the height.
  struct TransposeAxis {
    int64_t out = 0, pad_begin = 0;
  };
  TransposeAxis transpose_axis(int i, int axis, int64_t in, int64_t k, int64_t stride, int64_t output_padding,
                               const std::string& auto_pad, const std::vector<int64_t>& pads,
                               const std::vector<int64_t>& output_shape) const {
    const char* name = axis == 0 ? "height" : "width";
    const int64_t full = (in - 1) * stride + output_padding + k;  // the output with no padding
    TransposeAxis a;
    const bool same = auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER";
    if (!output_shape.empty() || same) {
      a.out = !output_shape.empty() ? output_shape[output_shape.size() - 2 + size_t(axis)] : in * stride;
      const int64_t total = std::max<int64_t>(0, full - a.out);
      // The ONNX specification puts the odd row at the beginning for NOTSET
      // and at the end for SAME_UPPER, onnxruntime the other way round: an
      // even total is the one both read alike.
      if (total % 2 != 0)
        fail_node(i, fmt::format("output_shape or auto_pad {} leaves an odd total padding {} along the {}, which the "
                                 "ONNX specification and onnxruntime split differently; supported: an even total "
                                 "(or explicit pads)",
                                 auto_pad, total, name));
      a.pad_begin = total / 2;
    } else if (auto_pad == "VALID") {
      a.out = full;
    } else if (auto_pad == "NOTSET") {
      const int64_t begin = pads[size_t(axis)], end = pads[size_t(axis) + 2];
      if (begin < 0 || end < 0 || begin > 65535 || end > 65535) fail_node(i, "pads must be between 0 and 65535");
      a.out = full - begin - end;
      a.pad_begin = begin;
    } else {
      fail_node(i, fmt::format("auto_pad '{}' unsupported; supported: NOTSET, VALID, SAME_UPPER, SAME_LOWER", auto_pad));
    }
    if (a.out < 1 || a.out > kMaxOutputExtent)
      fail_node(i, fmt::format("output {} {} unsupported; supported: 1 to {}", name, a.out, kMaxOutputExtent));
    return a;
  }
  static constexpr int64_t kMaxOutputExtent = int64_t(1) << 24;

  // ConvTranspose in QDQ form, as onnxruntime's quantizer writes it: weights
  // [C_in, C_out, kH, kW] per channel along axis 1 (the output channels), an
  // int32 bias; one group, no dilation. TFLite's TRANSPOSE_CONV computes it
  // with the same integers (compiler/ir/transpose_conv.h).
  int emit_conv_transpose(int i, const ActQuant& oq, const std::string& out_name, float lo, float hi, int* rank) {
    ActQuant iq;
    const Value& in = data_input(i, Form::Qdq, &iq);
    const ir::Shape is = onnx_shape(in);  // N C H W
    if (is.size() != 4)
      fail_node(i, fmt::format("input shape {} unsupported; supported: rank 4 (2-D transpose convolution)",
                               ir::shape_string(is)));
    const Weights w = weights(i, Form::Qdq, 1, 1);
    const std::vector<int64_t>& ws = w.c->dims;  // C_in C_out KH KW
    if (ws.size() != 4) fail_node(i, "weights must have rank 4 ([C_in, C_out, kH, kW])");
    const int64_t group = attr_int(i, "group", 1);
    if (group != 1) fail_node(i, fmt::format("group {} unsupported; supported: 1", group));
    const int32_t c_in = is[1], c_out = int32_t(ws[1]), kh = int32_t(ws[2]), kw = int32_t(ws[3]);
    if (ws[0] != c_in) fail_node(i, fmt::format("weights take {} input channels, the input has {}", ws[0], c_in));
    const std::vector<int64_t> kshape = attr_ints(i, "kernel_shape");
    if (!kshape.empty() && kshape != std::vector<int64_t>{kh, kw})
      fail_node(i, "kernel_shape differs from the weights' shape");
    std::vector<int64_t> strides = attr_ints(i, "strides"), dil = attr_ints(i, "dilations"),
                         pads = attr_ints(i, "pads"), output_padding = attr_ints(i, "output_padding"),
                         output_shape = attr_ints(i, "output_shape");
    if (strides.empty()) strides = {1, 1};
    if (dil.empty()) dil = {1, 1};
    if (pads.empty()) pads = {0, 0, 0, 0};
    if (output_padding.empty()) output_padding = {0, 0};
    if (strides.size() != 2 || dil.size() != 2 || pads.size() != 4 || output_padding.size() != 2 ||
        (!output_shape.empty() && output_shape.size() != 2 && output_shape.size() != 4))
      fail_node(i, "strides, dilations, pads, output_padding and output_shape must describe two spatial dimensions");
    for (int64_t v : strides)
      if (v < 1 || v > 65535) fail_node(i, fmt::format("stride {} out of range", v));
    for (int64_t v : dil)
      if (v != 1) fail_node(i, fmt::format("dilation {} unsupported; supported: 1", v));
    for (size_t k = 0; k < 2; ++k)
      if (output_padding[k] < 0 || output_padding[k] >= strides[k])
        fail_node(i, fmt::format("output_padding {} must be at least 0 and less than the stride {}",
                                 output_padding[k], strides[k]));
    const std::string auto_pad = attr_string(i, "auto_pad", "NOTSET");
    const TransposeAxis ah = transpose_axis(i, 0, is[2], kh, strides[0], output_padding[0], auto_pad, pads,
                                            output_shape);
    const TransposeAxis aw = transpose_axis(i, 1, is[3], kw, strides[1], output_padding[1], auto_pad, pads,
                                            output_shape);
    constexpr int64_t kMaxElements = int64_t(1) << 30;
    const ir::Shape nhwc = {is[0], int32_t(ah.out), int32_t(aw.out), c_out};
    if (ir::num_elements(nhwc) > kMaxElements ||
        ir::transpose_conv_spread_elements({is[0], is[2], is[3], c_in}, kh, kw, nhwc) > kMaxElements)
      fail_node(i, fmt::format("output {}x{}x{}x{}, or the input spread over it by the {}x{} kernel, has more than {} "
                               "elements: unsupported",
                               is[0], c_out, ah.out, aw.out, kh, kw, kMaxElements));

    // [C_in, C_out, kH, kW] -> TFLite's [C_out, kH, kW, C_in].
    ir::Tensor f;
    f.name = node_name(i) + "/weights";
    f.type = DataType::Int8;
    f.shape = {c_out, kh, kw, c_in};
    f.data.resize(size_t(f.num_elements()));
    for (int32_t c = 0; c < c_in; ++c)
      for (int32_t o = 0; o < c_out; ++o)
        for (int32_t y = 0; y < kh; ++y)
          for (int32_t x = 0; x < kw; ++x)
            f.data[size_t(((int64_t(o) * kh + y) * kw + x) * c_in + c)] =
                uint8_t(int8_t(w.c->ints[size_t(((int64_t(c) * c_out + o) * kh + y) * kw + x)]));
    f.quant.scale = w.scale;
    f.quant.zero_point = w.zero_point;
    f.quant.axis = 0;
    const int b = bias(i, Form::Qdq, 2, c_out, iq.scale, w.scale);

    *rank = 4;
    const int out = new_act(out_name, {is[0], c_out, int32_t(ah.out), int32_t(aw.out)}, oq.scale, oq.zero_point);
    ir::Op op = new_op(i, OpKind::Conv2d);
    op.rescale = ir::conv_rescale(iq.scale, w.scale.size() > 1 ? w.scale : std::vector<float>(size_t(c_out), w.scale[0]),
                                  oq.scale);
    op.act = clamp(lo, hi, oq.scale, oq.zero_point);
    ir::append_transpose_conv(graph_, op, in.id, std::move(f), b, out,
                              {int32_t(strides[0]), int32_t(strides[1]), int32_t(ah.pad_begin), int32_t(aw.pad_begin)});
    return out;
  }

  void read_matmul(int i, Form form) {
    if (form == Form::Integer) {
      int rank = 0;
      const int out = emit_fully_connected(i, form, ActQuant{}, node(i).output(0), -kInf, kInf, &rank);
      Value v;
      v.kind = Value::Kind::Int32;
      v.id = out;
      v.rank = rank;
      return define(i, 0, v);
    }
    // QLinearMatMul's output quantization is inputs 6 and 7; com.microsoft
    // QGemm's 7 and 8 (after the optional int32 bias C), and without them its
    // output is float.
    const bool qgemm = node(i).op_type() == "QGemm";
    if (qgemm && !has_input(i, 7)) fail_node(i, "a float output (no y_scale) unsupported; supported: a quantized one");
    const ActQuant q = qgemm ? act_quant(i, 7, 8) : act_quant(i, 6, 7);
    int rank = 0;
    if (!qgemm && input(i, 3).kind == Value::Kind::Act) {
      // QLinearMatMul of two activations (attention's products): the
      // batch_matmul kernel, as MatMul in QDQ form.
      const Value a = act_input(i, 0);  // copies: emitting may move the values
      bind_quant(i, a, act_quant(i, 1, 2));
      const Value b = act_input(i, 3);
      bind_quant(i, b, act_quant(i, 4, 5));
      const int out = emit_batch_matmul(i, a, 0, b, 3, q, node(i).output(0), -kInf, kInf, &rank);
      return define(i, 0, act_value(out, q.uint8, rank));
    }
    const int out = emit_fully_connected(i, form, q, node(i).output(0), -kInf, kInf, &rank);
    define(i, 0, act_value(out, q.uint8, rank));
  }

  // Gemm, MatMul, QLinearMatMul, MatMulInteger, com.microsoft QGemm with
  // constant weights as FullyConnected.
  int emit_fully_connected(int i, Form form, const ActQuant& oq, const std::string& out_name, float lo, float hi,
                           int* rank) {
    const std::string& op_type = node(i).op_type();
    const bool qgemm = op_type == "QGemm";
    const std::string t = qgemm ? "Gemm" : op_type;  // QGemm: Gemm's attributes, QLinear's inputs
    ActQuant iq;
    const Value& in = data_input(i, form, &iq);
    const ir::Shape is = onnx_shape(in);
    if (is.size() < 2 || is.size() > 3 || (t == "Gemm" && is.size() != 2))
      fail_node(i, fmt::format("input shape {} unsupported; supported: [rows, features]{}", ir::shape_string(is),
                               t == "Gemm" ? "" : " or [batch, rows, features]"));
    bool trans_b = false;
    if (t == "Gemm") {
      if (attr_int(i, "transA", 0) != 0) fail_node(i, "transA = 1 unsupported");
      if (attr_float(i, "alpha", 1.0f) != 1.0f || (!qgemm && attr_float(i, "beta", 1.0f) != 1.0f))
        fail_node(i, "alpha and beta other than 1 unsupported");
      trans_b = attr_int(i, "transB", 0) != 0;
    }
    const int kb = form == Form::QLinear ? 3 : 1;
    {
      const Value& bv = input(i, kb);
      if (bv.kind != Value::Kind::Const && bv.kind != Value::Kind::DequantConst)
        fail_node(i, fmt::format("input {} '{}' must be constant weights (a product of two activations is "
                                 "unsupported)",
                                 kb, node(i).input(kb)));
      if (bv.c->dims.size() != 2)
        fail_node(i, fmt::format("weights of rank {} unsupported; supported: rank 2", bv.c->dims.size()));
    }
    const Weights w = weights(i, form, kb, trans_b ? 0 : 1);
    const int32_t k_in = int32_t(trans_b ? w.c->dims[1] : w.c->dims[0]);
    const int32_t n_out = int32_t(trans_b ? w.c->dims[0] : w.c->dims[1]);
    if (is.back() != k_in)
      fail_node(i, fmt::format("input has {} features, the weights take {}", is.back(), k_in));

    ir::Tensor f;  // [out, in]
    f.name = node_name(i) + "/weights";
    f.type = DataType::Int8;
    f.shape = {n_out, k_in};
    f.data.resize(size_t(f.num_elements()));
    for (int32_t o = 0; o < n_out; ++o)
      for (int32_t k = 0; k < k_in; ++k) {
        const int64_t v = w.c->ints[size_t(trans_b ? int64_t(o) * k_in + k : int64_t(k) * n_out + o)];
        f.data[size_t(int64_t(o) * k_in + k)] = uint8_t(int8_t(v));
      }
    f.quant.scale = w.scale;
    f.quant.zero_point = w.zero_point;
    f.quant.axis = 0;
    const int filter = graph_.add_tensor(std::move(f));
    // QGemm's C is int32 at scale a_scale * b_scale by definition, as QLinearConv's bias.
    const int b = qgemm ? bias(i, Form::QLinear, 6, n_out, iq.scale, w.scale)
                        : bias(i, Form::Qdq, t == "Gemm" ? 2 : -1, n_out, iq.scale, w.scale);

    ir::Shape os = is;
    os.back() = n_out;
    *rank = int(os.size());
    ir::Op op = new_op(i, OpKind::FullyConnected);
    int out;
    if (form == Form::Integer) {
      out = int32_output(i, os);
    } else {
      out = new_act(out_name, os, oq.scale, oq.zero_point);
      if (w.scale.size() > 1) {
        op.rescale = ir::conv_rescale(iq.scale, w.scale, oq.scale);
      } else {
        const ir::Rescale one = ir::fully_connected_rescale(iq.scale, w.scale[0], oq.scale);
        op.rescale.multiplier.assign(size_t(n_out), one.multiplier[0]);
        op.rescale.shift.assign(size_t(n_out), one.shift[0]);
      }
      op.act = clamp(lo, hi, oq.scale, oq.zero_point);
    }
    op.inputs = {in.id, filter, b};
    op.outputs = {out};
    graph_.ops.push_back(std::move(op));
    return out;
  }

  // A QDQ MatMul of an activation (rank 2 or 3) by rank-2 constant weights,
  // which emit_fully_connected reads in every quantization form (per
  // channel, weight zero points); any other MatMul is a batch_matmul.
  bool weights_matmul(int i) const {
    const Value& a = input(i, 0);
    const Value& b = input(i, 1);
    return a.kind == Value::Kind::Dequant && a.rank >= 2 && a.rank <= 3 &&
           (b.kind == Value::Kind::Const || b.kind == Value::Kind::DequantConst) && b.c->dims.size() == 2;
  }

  // Operand k of a MatMul as an IR tensor in ONNX order: an activation, as
  // the DequantizeLinear of one or a QLinearMatMul input (a rank-4 one, held
  // NHWC, transposed to NCHW, or renamed when the orders agree), or the
  // DequantizeLinear of a per-tensor int8 or uint8 constant. `onnx` receives
  // its ONNX shape.
  int matmul_operand(int i, int k, const Value& v, ir::Shape* onnx) {
    if (v.kind == Value::Kind::Dequant || v.kind == Value::Kind::Act) {
      *onnx = onnx_shape(v);
      if (v.rank != 4) return v.id;
      const std::string name = fmt::format("{}/input{}_nchw", node_name(i), k);
      if (!same_order(*onnx)) return emit_transpose(i, v.id, {0, 3, 1, 2}, name);
      ir::Tensor t = tensor(v.id);
      t.name = name;
      t.shape = *onnx;
      const int id = graph_.add_tensor(std::move(t));
      ir::Op op = new_op(i, OpKind::Reshape);
      op.inputs = {v.id};
      op.outputs = {id};
      graph_.ops.push_back(std::move(op));
      return id;
    }
    if (v.kind != Value::Kind::DequantConst || v.scale.size() != 1 || v.c->data_type == onnx::TensorProto::INT32)
      fail_node(i, fmt::format("input {} '{}' must be the DequantizeLinear of an activation or of a per-tensor int8 or "
                               "uint8 constant",
                               k, node(i).input(k)));
    const ConstTensor& c = *v.c;
    const bool uint8 = c.data_type == onnx::TensorProto::UINT8;
    ir::Tensor t;
    t.name = node(i).input(k);
    for (int64_t d : c.dims) {
      if (d < 1 || d > std::numeric_limits<int32_t>::max())
        fail_node(i, fmt::format("constant input {} '{}' has dimension {}", k, node(i).input(k), d));
      t.shape.push_back(int32_t(d));
    }
    t.type = DataType::Int8;
    t.quant.scale = {v.scale[0]};
    t.quant.zero_point = {int32_t(uint8 ? v.zero_point[0] - 128 : v.zero_point[0])};
    for (int64_t e = 0; e < c.element_count(); ++e)
      t.data.push_back(uint8_t(int8_t(uint8 ? c.integer(e) - 128 : c.integer(e))));
    *onnx = t.shape;
    return graph_.add_tensor(std::move(t));
  }

  // MatMul of two activations (attention's products), or of an activation
  // and a per-tensor constant of any rank: TFLite's int8 BATCH_MATMUL (the
  // batch_matmul kernel) on the operands in ONNX order, with numpy's
  // broadcasting of the batch dimensions. load_model turns one whose
  // constant right operand is a matrix of weights into a fully connected
  // layer (ir/batch_matmul.h); onnxruntime computes the float product, which
  // the integer result is within a step of.
  int emit_batch_matmul(int i, const ActQuant& oq, const std::string& out_name, float lo, float hi, int* rank) {
    return emit_batch_matmul(i, input(i, 0), 0, input(i, 1), 1, oq, out_name, lo, hi, rank);
  }

  // `va` and `vb` are copies: adding tensors and ops may move the values. `ka`
  // and `kb` are their input indices, for messages.
  int emit_batch_matmul(int i, const Value va, int ka, const Value vb, int kb, const ActQuant& oq,
                        const std::string& out_name, float lo, float hi, int* rank) {
    ir::Shape as, bs;
    const int a = matmul_operand(i, ka, va, &as);
    const int b = matmul_operand(i, kb, vb, &bs);
    for (const ir::Shape* s : {&as, &bs})
      if (s->size() < 2 || s->size() > 4)
        fail_node(i, fmt::format("input {} shape {} unsupported; supported: rank 2 to 4", s == &as ? ka : kb,
                                 ir::shape_string(*s)));
    if (tensor(a).is_constant() && tensor(b).is_constant()) fail_node(i, "both inputs are constants: unsupported");
    if (as.back() != bs[bs.size() - 2])
      fail_node(i, fmt::format("input shapes {} and {}: rows of {} values times columns of {}", ir::shape_string(as),
                               ir::shape_string(bs), as.back(), bs[bs.size() - 2]));
    const size_t r = std::max(as.size(), bs.size());
    ir::Shape os;
    for (size_t d = 0; d + 2 < r; ++d) {
      const int32_t x = d + as.size() >= r ? as[d + as.size() - r] : 1;
      const int32_t y = d + bs.size() >= r ? bs[d + bs.size() - r] : 1;
      if (x != y && x != 1 && y != 1)
        fail_node(i, fmt::format("input shapes {} and {}: batch dimensions {} and {} do not broadcast",
                                 ir::shape_string(as), ir::shape_string(bs), x, y));
      os.push_back(std::max(x, y));
    }
    os.insert(os.end(), {as[as.size() - 2], bs.back()});
    // The product in ONNX order; a rank-4 one goes to NHWC as a Reshape does.
    const bool reorder = r == 4 && !same_order(os);
    int out;
    if (r == 4) {
      ir::Tensor t;
      t.name = out_name + "/nchw_out";
      t.shape = os;
      t.quant.scale = {oq.scale};
      t.quant.zero_point = {oq.zero_point};
      out = graph_.add_tensor(std::move(t));
    } else {
      out = new_act(out_name, os, oq.scale, oq.zero_point);
    }
    const ir::ActRange act = clamp(lo, hi, oq.scale, oq.zero_point);
    ir::Op op = new_op(i, OpKind::Kernel);
    op.kernel = "batch_matmul";
    op.inputs = {a, b};
    op.outputs = {out};
    op.attrs = {{"adj_x", {0}}, {"adj_y", {0}}, {"act_min", {act.min}}, {"act_max", {act.max}}};
    graph_.ops.push_back(std::move(op));
    if (reorder) {
      out = emit_transpose(i, out, {0, 2, 3, 1}, out_name);
    } else if (r == 4) {
      const int nhwc = new_act(out_name, os, oq.scale, oq.zero_point);
      ir::Op reshape = new_op(i, OpKind::Reshape);
      reshape.inputs = {out};
      reshape.outputs = {nhwc};
      graph_.ops.push_back(std::move(reshape));
      out = nhwc;
    }
    *rank = int(r);
    return out;
  }

  int emit_add(int i, const ActQuant& oq, const std::string& out_name, float lo, float hi, int* rank) {
    return emit_add(i, dequant_input(i, 0), dequant_input(i, 1), oq, out_name, lo, hi, rank);
  }

  int emit_add(int i, const Value& a, const Value& b, const ActQuant& oq, const std::string& out_name, float lo,
               float hi, int* rank) {
    if (tensor(a.id).shape != tensor(b.id).shape)
      fail_node(i, fmt::format("input shapes {} and {} differ (broadcasting unsupported)",
                               ir::shape_string(onnx_shape(a)), ir::shape_string(onnx_shape(b))));
    const int out = new_act(out_name, onnx_shape(a), oq.scale, oq.zero_point);
    ir::Op op = new_op(i, OpKind::Add);
    op.inputs = {a.id, b.id};
    op.outputs = {out};
    op.act = clamp(lo, hi, oq.scale, oq.zero_point);
    try {
      op.add = ir::add_params(tensor(a.id).scale(), tensor(b.id).scale(), oq.scale);
    } catch (const Error& e) {
      fail_node(i, e.what());
    }
    graph_.ops.push_back(std::move(op));
    *rank = a.rank;
    return out;
  }

  // An operand of Sub or Mul: the DequantizeLinear of an activation, or of a
  // per-tensor integer constant that needs no layout change (one element, or
  // in a 4-D graph one value per channel, [C, 1, 1] or [1, C, 1, 1], whose
  // NCHW order is the NHWC order of [1, 1, 1, C]).
  struct Operand {
    int id = -1;
    int rank = 0;
  };
  Operand sub_mul_operand(int i, int k) {
    const Value& v = input(i, k);
    if (v.kind == Value::Kind::Dequant) return {v.id, v.rank};
    if (v.kind != Value::Kind::DequantConst || v.scale.size() != 1 || v.c->data_type == onnx::TensorProto::INT32)
      fail_node(i, fmt::format("input {} '{}' must be the DequantizeLinear of an activation or of a per-tensor int8 or "
                               "uint8 constant",
                               k, node(i).input(k)));
    const ConstTensor& c = *v.c;
    const int64_t n = c.element_count();
    int channel_dims = 0;
    for (int64_t d : c.dims) channel_dims += d != 1 ? 1 : 0;
    const size_t rank = c.dims.size();
    const bool per_channel = channel_dims == 1 && (rank == 3 || rank == 4) && c.dims[rank - 1] == 1 &&
                             c.dims[rank - 2] == 1;
    if (n != 1 && !per_channel)
      fail_node(i, fmt::format("constant input {} '{}' of shape {}: supported constants are a scalar and a "
                               "per-channel [C, 1, 1] or [1, C, 1, 1]",
                               k, node(i).input(k), fmt::join(c.dims, "x")));
    const bool uint8 = c.data_type == onnx::TensorProto::UINT8;
    ir::Tensor t;
    t.name = node(i).input(k);
    t.shape = n == 1 ? ir::Shape{1} : ir::Shape{1, 1, 1, int32_t(n)};
    t.type = DataType::Int8;
    t.quant.scale = {v.scale[0]};
    t.quant.zero_point = {int32_t(uint8 ? v.zero_point[0] - 128 : v.zero_point[0])};
    for (int64_t e = 0; e < n; ++e) t.data.push_back(int8_t(uint8 ? c.integer(e) - 128 : c.integer(e)));
    return {graph_.add_tensor(std::move(t)), n == 1 ? 0 : 4};
  }

  // PRelu: TFLite's int8 PRELU (the prelu kernel) of the DequantizeLinear of
  // an activation, its slope a per-tensor constant as Mul's constant
  // operands are (a scalar, or one per channel, [C, 1, 1]).
  int emit_prelu(int i, const ActQuant& oq, const std::string& out_name, int* rank) {
    if (node(i).input_size() != 2) fail_node(i, fmt::format("{} inputs, expected 2", node(i).input_size()));
    const Value& in = dequant_input(i, 0);
    const Value x = in;  // a copy: sub_mul_operand adds tensors
    const Operand slope = sub_mul_operand(i, 1);
    if (!tensor(slope.id).is_constant()) fail_node(i, "the slope must be a constant");
    const int out = new_act(out_name, onnx_shape(x), oq.scale, oq.zero_point);
    ir::Op op = new_op(i, OpKind::Kernel);
    op.kernel = "prelu";
    op.inputs = {x.id, slope.id};
    op.outputs = {out};
    graph_.ops.push_back(std::move(op));
    *rank = x.rank;
    return out;
  }

  // Sub, Mul: TFLite's int8 SUB and MUL arithmetic (onnxruntime computes the
  // float op between DequantizeLinear and QuantizeLinear; the integer result
  // is within one step of it). One operand may repeat along the other's
  // innermost dimensions (compiler/ir/broadcast.h).
  int emit_sub_mul(int i, const ActQuant& oq, const std::string& out_name, float lo, float hi, int* rank) {
    if (node(i).input_size() != 2) fail_node(i, fmt::format("{} inputs, expected 2", node(i).input_size()));
    return emit_sub_mul(i, node(i).op_type() == "Sub", sub_mul_operand(i, 0), sub_mul_operand(i, 1), oq, out_name, lo,
                        hi, rank);
  }

  // com.microsoft QLinearAdd (A, A_scale, A_zero_point, B, B_scale,
  // B_zero_point, C_scale, C_zero_point): ADD of two quantized activations.
  void read_qlinear_add(int i) {
    if (node(i).input_size() != 8) fail_node(i, fmt::format("{} inputs, expected 8", node(i).input_size()));
    const Value a = act_input(i, 0);  // copies: emitting may move the values
    bind_quant(i, a, act_quant(i, 1, 2));
    const Value b = act_input(i, 3);
    bind_quant(i, b, act_quant(i, 4, 5));
    const ActQuant oq = act_quant(i, 6, 7);
    int rank = 0;
    const int out = emit_add(i, a, b, oq, node(i).output(0), -kInf, kInf, &rank);
    define(i, 0, act_value(out, oq.uint8, rank));
  }

  // com.microsoft QLinearSoftmax (X, X_scale, X_zero_point, Y_scale,
  // Y_zero_point), attributes axis and opset (the Softmax opset whose axis
  // rule applies): TFLite's int8 softmax, as Softmax in QDQ form.
  void read_qlinear_softmax(int i) {
    if (node(i).input_size() != 5) fail_node(i, fmt::format("{} inputs, expected 5", node(i).input_size()));
    const Value in = act_input(i, 0);  // a copy: emitting may move the values
    bind_quant(i, in, act_quant(i, 1, 2));
    const ActQuant oq = act_quant(i, 3, 4);
    int rank = 0;
    const int out = emit_softmax(i, in, oq, node(i).output(0), &rank, attr_int(i, "opset", opset_));
    define(i, 0, act_value(out, oq.uint8, rank));
  }

  // com.microsoft QLinearConcat (Y_scale, Y_zero_point, then X, X_scale,
  // X_zero_point per input), attribute axis.
  void read_qlinear_concat(int i) {
    const int n = node(i).input_size();
    if (n < 5 || (n - 2) % 3 != 0)
      fail_node(i, fmt::format("{} inputs, expected Y_scale, Y_zero_point and (X, X_scale, X_zero_point) per input", n));
    const ActQuant oq = act_quant(i, 0, 1);
    std::vector<Value> parts;
    for (int k = 2; k < n; k += 3) {
      parts.push_back(act_input(i, k));
      bind_quant(i, parts.back(), act_quant(i, k + 1, k + 2));
    }
    int rank = 0;
    const int out = emit_concat(i, parts, oq, node(i).output(0), &rank);
    define(i, 0, act_value(out, oq.uint8, rank));
  }

  // com.microsoft QLinearAveragePool / QLinearGlobalAveragePool (X, X_scale,
  // X_zero_point, Y_scale, Y_zero_point) on NCHW: AveragePool's window then a
  // requantization to Y's quantization where it differs; the global one is
  // the Mean over H and W, rescaled in one step as ReduceMean is.
  void read_qlinear_pool(int i) {
    if (node(i).input_size() != 5) fail_node(i, fmt::format("{} inputs, expected 5", node(i).input_size()));
    if (attr_int(i, "channels_last", 0) != 0) fail_node(i, "channels_last = 1 unsupported; supported: NCHW");
    const Value in = act_input(i, 0);
    bind_quant(i, in, act_quant(i, 1, 2));
    const ActQuant oq = act_quant(i, 3, 4);
    const std::string& out_name = node(i).output(0);
    if (node(i).op_type() == "QLinearGlobalAveragePool") {
      const ir::Shape is = onnx_shape(in);
      if (is.size() != 4)
        fail_node(i, fmt::format("input shape {} unsupported; supported: rank 4", ir::shape_string(is)));
      return define(i, 0, act_value(emit_mean_hw(i, in, true, oq, out_name), oq.uint8, 4));
    }
    const bool same = tensor(in.id).scale() == oq.scale && tensor(in.id).zero_point() == oq.zero_point;
    const int pooled = emit_pool(i, in, same ? out_name : out_name + "/average");
    define(i, 0, act_value(same ? pooled : requantize(i, pooled, out_name, oq.scale, oq.zero_point), oq.uint8, 4));
  }

  // com.microsoft QLinearMul (A, A_scale, A_zero_point, B, B_scale,
  // B_zero_point, C_scale, C_zero_point) of two quantized activations.
  void read_qlinear_mul(int i) {
    if (node(i).input_size() != 8) fail_node(i, fmt::format("{} inputs, expected 8", node(i).input_size()));
    const Value& a = act_input(i, 0);
    bind_quant(i, a, act_quant(i, 1, 2));
    const Value& b = act_input(i, 3);
    bind_quant(i, b, act_quant(i, 4, 5));
    const ActQuant oq = act_quant(i, 6, 7);
    int rank = 0;
    const int out = emit_sub_mul(i, false, {a.id, a.rank}, {b.id, b.rank}, oq, node(i).output(0), -kInf, kInf, &rank);
    define(i, 0, act_value(out, oq.uint8, rank));
  }

  int emit_sub_mul(int i, bool sub, Operand a, Operand b, const ActQuant& oq, const std::string& out_name, float lo,
                   float hi, int* rank) {
    if (tensor(a.id).is_constant() && tensor(b.id).is_constant()) fail_node(i, "both inputs are constants: unsupported");
    // A 4-D tensor is NHWC inside kiln: an operand of another rank would
    // align with other dimensions in ONNX than in the NHWC tensor.
    if (a.rank != b.rank && tensor(a.id).num_elements() != 1 && tensor(b.id).num_elements() != 1)
      fail_node(i, fmt::format("inputs of ranks {} and {}: supported when the ranks agree or one input is a scalar",
                               a.rank, b.rank));
    std::string why;
    const ir::Shape shape = ir::innermost_broadcast(tensor(a.id).shape, tensor(b.id).shape, &why);
    if (!why.empty()) fail_node(i, why);
    const int out = new_act(out_name, {}, oq.scale, oq.zero_point);
    graph_.tensors[size_t(out)].shape = shape;
    ir::Op op = new_op(i, sub ? OpKind::Sub : OpKind::Mul);
    op.inputs = {a.id, b.id};
    op.outputs = {out};
    op.act = clamp(lo, hi, oq.scale, oq.zero_point);
    try {
      if (sub)
        op.add = ir::add_params(tensor(a.id).scale(), tensor(b.id).scale(), oq.scale);
      else
        op.rescale = ir::mul_rescale(tensor(a.id).scale(), tensor(b.id).scale(), oq.scale);
    } catch (const Error& e) {
      fail_node(i, e.what());
    }
    graph_.ops.push_back(std::move(op));
    *rank = std::max(a.rank, b.rank);
    return out;
  }

  // The float function of a unary operator (ONNX's definitions and defaults).
  std::function<float(float)> unary_function(int i) const {
    const std::string& t = node(i).op_type();
    if (t == "Sigmoid" || t == "QLinearSigmoid") return [](float x) { return 1.0f / (1.0f + std::exp(-x)); };
    if (t == "Tanh") return [](float x) { return std::tanh(x); };
    if (t == "HardSwish") return [](float x) { return x * std::max(0.0f, std::min(1.0f, x / 6.0f + 0.5f)); };
    if (t == "HardSigmoid") {
      const float alpha = attr_float(i, "alpha", 0.2f), beta = attr_float(i, "beta", 0.5f);
      return [alpha, beta](float x) { return std::max(0.0f, std::min(1.0f, alpha * x + beta)); };
    }
    if (t == "LeakyRelu" || t == "QLinearLeakyRelu") {
      const float alpha = attr_float(i, "alpha", 0.01f);
      return [alpha](float x) { return x < 0.0f ? alpha * x : x; };
    }
    const float alpha = attr_float(i, "alpha", 1.0f);  // Elu
    return [alpha](float x) { return x < 0.0f ? alpha * (std::exp(x) - 1.0f) : x; };
  }

  // A unary function on int8 tensor `in` as the Lut op: onnxruntime computes
  // it in float between DequantizeLinear and QuantizeLinear (or in its
  // QLinear lookup table), so the table is the float function quantized
  // half to even.
  int emit_lut(int i, int in, const ActQuant& oq, const std::string& out_name) {
    const int out = new_act(out_name, nhwc_to_nchw(tensor(in).shape), oq.scale, oq.zero_point);
    graph_.tensors[size_t(out)].shape = tensor(in).shape;
    ir::Op op = new_op(i, OpKind::Lut);
    make_lut(graph_, op, in, out,
             kernels::float_function_table(tensor(in).scale(), tensor(in).zero_point(), oq.scale, oq.zero_point,
                                           unary_function(i), kernels::LutRounding::HalfToEven));
    graph_.ops.push_back(std::move(op));
    return out;
  }

  // com.microsoft QLinearSigmoid / QLinearLeakyRelu (X, X_scale, X_zero_point, Y_scale, Y_zero_point).
  void read_qlinear_unary(int i) {
    const Value& in = act_input(i, 0);
    bind_quant(i, in, act_quant(i, 1, 2));
    const ActQuant oq = act_quant(i, 3, 4);
    define(i, 0, act_value(emit_lut(i, in.id, oq, node(i).output(0)), oq.uint8, in.rank));
  }

  // Max, Min of two activations: the float max of the dequantized values,
  // quantized again, is the max of the stored values only when the three
  // share scale and zero point; other quantizations are refused.
  int emit_max_min(int i, const ActQuant& oq, const std::string& out_name, int* rank) {
    if (node(i).input_size() != 2) fail_node(i, fmt::format("{} inputs, expected 2", node(i).input_size()));
    const Value& a = dequant_input(i, 0);
    const Value& b = dequant_input(i, 1);
    if (tensor(a.id).shape != tensor(b.id).shape)
      fail_node(i, fmt::format("input shapes {} and {} differ (broadcasting unsupported)",
                               ir::shape_string(onnx_shape(a)), ir::shape_string(onnx_shape(b))));
    for (const Value* v : {&a, &b})
      if (tensor(v->id).scale() != oq.scale || tensor(v->id).zero_point() != oq.zero_point)
        fail_node(i, fmt::format("input '{}' has scale {} and zero point {}, the output {} and {}: supported when the "
                                 "inputs and the output share one quantization",
                                 tensor(v->id).name, tensor(v->id).scale(), tensor(v->id).zero_point(), oq.scale,
                                 oq.zero_point));
    const int out = new_act(out_name, onnx_shape(a), oq.scale, oq.zero_point);
    ir::Op op = new_op(i, node(i).op_type() == "Max" ? OpKind::Maximum : OpKind::Minimum);
    op.inputs = {a.id, b.id};
    op.outputs = {out};
    graph_.ops.push_back(std::move(op));
    *rank = a.rank;
    return out;
  }

  // ReduceMean over H and W of an NCHW tensor: the IR's Mean (TFLite's
  // integer MEAN), rescaled to the QuantizeLinear after it.
  int emit_reduce_mean(int i, const ActQuant& oq, const std::string& out_name, int* rank) {
    const Value& in = dequant_input(i, 0);
    const ir::Shape is = onnx_shape(in);
    std::vector<int64_t> axes = opset_ >= 18 ? (has_input(i, 1) ? int_vector(i, 1, "axes", -1) : std::vector<int64_t>{})
                                             : attr_ints(i, "axes");
    for (int64_t& a : axes)
      if (a < 0) a += int64_t(is.size());
    std::sort(axes.begin(), axes.end());
    if (is.size() != 4 || axes != std::vector<int64_t>{2, 3})
      fail_node(i, fmt::format("a mean over axes {} of {} unsupported; supported: over H and W (axes 2, 3) of NCHW",
                               fmt::join(axes, ", "), ir::shape_string(is)));
    const bool keep = attr_int(i, "keepdims", 1) != 0;
    *rank = keep ? 4 : 2;
    return emit_mean_hw(i, in, keep, oq, out_name);
  }

  // The Mean over H and W of NCHW activation `in` (TFLite's integer MEAN),
  // rescaled to `oq`: [N, C, 1, 1] under `keep`, else [N, C].
  int emit_mean_hw(int i, const Value& in, bool keep, const ActQuant& oq, const std::string& out_name) {
    const ir::Shape is = onnx_shape(in);
    const ir::Shape os = keep ? ir::Shape{is[0], is[1], 1, 1} : ir::Shape{is[0], is[1]};
    const int out = new_act(out_name, os, oq.scale, oq.zero_point);
    ir::Op op = new_op(i, OpKind::Mean);
    op.inputs = {in.id};
    op.outputs = {out};
    op.rescale = ir::ratio_rescale(tensor(in.id).scale(), oq.scale);
    graph_.ops.push_back(std::move(op));
    return out;
  }

  int emit_softmax(int i, const ActQuant& oq, const std::string& out_name, int* rank) {
    const Value in = dequant_input(i, 0);  // a copy: emitting may move the values
    return emit_softmax(i, in, oq, out_name, rank, opset_);
  }

  // LogSoftmax: TFLite's int8 LOG_SOFTMAX (the log_softmax kernel). It
  // writes steps of 1/16 from 127 and saturates below -15.94, so its
  // QuantizeLinear must be that quantization: a requantization to another
  // could neither add precision nor recover the saturated values.
  int emit_log_softmax(int i, const ActQuant& oq, const std::string& out_name, int* rank) {
    const Value in = dequant_input(i, 0);  // a copy: emitting may move the values
    // The kernel runs along the IR's innermost dimension: ONNX's last, or C
    // (axis 1) of a 4-D tensor, which kiln holds as NHWC. The dimensions
    // ONNX normalizes over (`axis`; from it on before opset 13) must be that
    // one, less dimensions of 1.
    const ir::Shape is = onnx_shape(in);
    const size_t axis = onnx_axis(i, attr_int(i, "axis", opset_ >= 13 ? -1 : 1), is.size());
    if (!normalizes_innermost(is, axis, opset_))
      fail_node(i, fmt::format("log-softmax along axis {} (opset {}) of {} unsupported; supported: along the last "
                               "axis, or axis 1 (C) of a 4-D tensor, less dimensions of 1",
                               axis, opset_, ir::shape_string(is)));
    const float s = kernels::kLogSoftmaxOutputScale;
    const int32_t zp = kernels::kLogSoftmaxOutputZeroPoint;
    if (oq.scale != s || oq.zero_point != zp)
      fail_node(i, fmt::format("output quantization scale {}, zero point {}{}: unsupported; supported: scale 1/16 "
                               "(0.0625) and zero point 127 (uint8: 255), TFLite's int8 LOG_SOFTMAX output",
                               oq.scale, oq.uint8 ? oq.zero_point + 128 : oq.zero_point, oq.uint8 ? " (uint8)" : ""));
    const int out = new_act(out_name, onnx_shape(in), s, zp);
    ir::Op op = new_op(i, OpKind::Kernel);
    op.kernel = "log_softmax";
    op.inputs = {in.id};
    op.outputs = {out};
    graph_.ops.push_back(std::move(op));
    *rank = in.rank;
    return out;
  }

  // Whether (Log)Softmax along ONNX `axis` normalizes over the IR's innermost
  // dimension, which its kernel runs along: ONNX's last, or C (axis 1) of a
  // 4-D tensor, which kiln holds as NHWC. From opset 13 it normalizes along
  // `axis` alone; before, over every dimension from `axis` on (the input
  // coerced to 2-D). Dimensions of 1 may join the set or be left out, but
  // the innermost must be in it unless it is 1 too: a softmax over
  // dimensions of 1 alone (axis -1 of [N, C, 1, 1]) is not one over C.
  static bool normalizes_innermost(const ir::Shape& is, size_t axis, int64_t opset) {
    const size_t r = is.size();
    const size_t innermost = r == 4 ? 1 : r - 1, end = opset >= 13 ? axis + 1 : r;
    bool same = is[innermost] == 1 || (axis <= innermost && innermost < end);
    for (size_t d = axis; d < end; ++d) same = same && (d == innermost || is[d] == 1);
    return same;
  }

  int emit_softmax(int i, const Value& in, const ActQuant& oq, const std::string& out_name, int* rank,
                   int64_t opset) {
    const int r = in.rank;
    const ir::Shape is = onnx_shape(in);
    const size_t axis =
        onnx_axis(i, attr_int(i, "axis", opset >= 13 || node(i).op_type() == "QLinearSoftmax" ? -1 : 1), is.size());
    if (!normalizes_innermost(is, axis, opset))
      fail_node(i, fmt::format("softmax along axis {} (opset {}) of {} unsupported; supported: along the last axis, "
                               "or axis 1 (C) of a 4-D tensor, less dimensions of 1",
                               axis, opset, ir::shape_string(is)));
    // TFLite's int8 softmax writes steps of 1/256 from -128; other output
    // quantizations get a Requantize after it.
    const float s = 1.0f / 256;
    const bool exact = oq.scale == s && oq.zero_point == -128;
    const int out = new_act(exact ? out_name : out_name + "/softmax", is, s, -128);
    ir::Op op = new_op(i, OpKind::Softmax);
    op.inputs = {in.id};
    op.outputs = {out};
    try {
      op.softmax = ir::softmax_params(1.0f, tensor(in.id).scale());
    } catch (const Error& e) {
      fail_node(i, e.what());
    }
    graph_.ops.push_back(std::move(op));
    *rank = r;
    return exact ? out : requantize(i, out, out_name, oq.scale, oq.zero_point);
  }

  int emit_concat(int i, const ActQuant& oq, const std::string& out_name, int* rank) {
    const int n = node(i).input_size();
    if (n < 1) fail_node(i, "no inputs");
    std::vector<Value> parts;
    for (int k = 0; k < n; ++k) parts.push_back(dequant_input(i, k));
    return emit_concat(i, parts, oq, out_name, rank);
  }

  int emit_concat(int i, const std::vector<Value>& parts, const ActQuant& oq, const std::string& out_name, int* rank) {
    const int n = int(parts.size());
    const int r = parts[0].rank;
    int64_t axis = attr_int(i, "axis", 1);
    if (axis < 0) axis += r;
    if (axis < 0 || axis >= r) fail_node(i, fmt::format("axis {} out of range for rank {}", axis, r));
    static const int kNhwcAxis[4] = {0, 3, 1, 2};
    const int32_t ir_axis = r == 4 ? kNhwcAxis[axis] : int32_t(axis);
    ir::Op op = new_op(i, OpKind::Concat);
    ir::Shape os;
    for (int k = 0; k < n; ++k) {
      const Value& v = parts[size_t(k)];
      const ir::Shape s = onnx_shape(v);
      if (v.rank != r) fail_node(i, "inputs differ in rank");
      if (os.empty()) {
        os = s;
      } else {
        for (int d = 0; d < r; ++d)
          if (d != axis && s[size_t(d)] != os[size_t(d)]) fail_node(i, "input shapes differ outside the axis");
        os[size_t(axis)] += s[size_t(axis)];
      }
      int id = v.id;
      if (tensor(id).scale() != oq.scale || tensor(id).zero_point() != oq.zero_point)
        id = requantize(i, id, fmt::format("{}/input{}", out_name, k), oq.scale, oq.zero_point);
      op.inputs.push_back(id);
    }
    const int out = new_act(out_name, os, oq.scale, oq.zero_point);
    op.outputs = {out};
    op.axis = ir_axis;
    graph_.ops.push_back(std::move(op));
    *rank = r;
    return out;
  }

  // ---- ops that keep the quantization: emitted at once ----------------------

  // The input of a quantization-preserving op: an int8 activation or the
  // float view of one; the output is of the same kind.
  const Value& preserving_input(int i) const {
    const Value& v = input(i, 0);
    if (v.kind != Value::Kind::Act && v.kind != Value::Kind::Dequant)
      fail_node(i, fmt::format("input '{}' must be a quantized activation or its DequantizeLinear{}", node(i).input(0),
                               v.kind == Value::Kind::Float ? " (a float tensor from a float operator: quantize it)"
                                                            : ""));
    return v;
  }

  void define_preserved(int i, const Value& in, int out, int rank) {
    Value v = in;
    v.id = out;
    v.rank = rank;
    define(i, 0, v);
  }

  // An ONNX row-major order equals the IR's for rank != 4, or NCHW with C == 1 or H*W == 1.
  static bool same_order(const ir::Shape& onnx) {
    return onnx.size() != 4 || onnx[1] == 1 || int64_t(onnx[2]) * onnx[3] == 1;
  }

  // Squeeze's and Unsqueeze's axes: the input (opset 13 and later) or the attribute.
  std::vector<int64_t> axes_of(int i) const {
    if (opset_ >= 13) return has_input(i, 1) ? const_input(i, 1, "axes").ints : std::vector<int64_t>{};
    return attr_ints(i, "axes");
  }

  // ONNX dimension of IR dimension j, for a tensor of `rank` (NCHW is NHWC inside kiln).
  static std::vector<int32_t> ir_order(size_t rank) {
    if (rank == 4) return {0, 2, 3, 1};
    std::vector<int32_t> o(rank);
    for (size_t j = 0; j < rank; ++j) o[j] = int32_t(j);
    return o;
  }

  // A Transpose of IR activation `in` by IR `perm` into a new tensor of the
  // same quantization, named `name`; returns its id.
  int emit_transpose(int i, int in, const std::vector<int32_t>& perm, const std::string& name) {
    ir::Tensor t = tensor(in);  // a copy: add_tensor may move graph_.tensors
    t.name = name;
    t.shape.clear();
    for (int32_t p : perm) t.shape.push_back(tensor(in).shape[size_t(p)]);
    const int out = graph_.add_tensor(std::move(t));
    ir::Op op = new_op(i, OpKind::Kernel);
    op.kernel = "transpose";
    op.inputs = {in};
    op.outputs = {out};
    op.attrs = {{"perm", {perm.begin(), perm.end()}}};
    graph_.ops.push_back(std::move(op));
    return out;
  }

  // A Slice op of IR activation `in` with begin, step and count per ONNX
  // dimension, into a new tensor named `name` of ONNX shape `os`; returns its
  // id. Each dimension moves to its IR place (NCHW is NHWC inside kiln).
  int emit_slice(int i, int in, const std::vector<int64_t>& begin, const std::vector<int64_t>& step,
                 const std::vector<int64_t>& count, const std::string& name) {
    const size_t r = begin.size();
    ir::Shape os;
    for (size_t k = 0; k < r; ++k) {
      if (count[k] < 1) fail_node(i, fmt::format("an empty slice (dimension {}) is unsupported", k));
      os.push_back(int32_t(count[k]));
    }
    const std::vector<int32_t> order = ir_order(r);
    ir::Op op = new_op(i, OpKind::Kernel);
    op.kernel = "slice";
    std::vector<int64_t>& b = op.attrs["begin"];
    std::vector<int64_t>& s = op.attrs["stride"];
    std::vector<int64_t>& n = op.attrs["size"];
    for (size_t j = 0; j < r; ++j) {
      const size_t k = size_t(order[j]);
      b.push_back(begin[k]);
      s.push_back(step[k]);
      n.push_back(count[k]);
    }
    const int out = new_act(name, os, tensor(in).scale(), tensor(in).zero_point());
    op.inputs = {in};
    op.outputs = {out};
    op.name = name;
    graph_.ops.push_back(std::move(op));
    return out;
  }

  // The constant integer input k as a vector of `n` entries (n < 0: any).
  std::vector<int64_t> int_vector(int i, int k, const char* role, int64_t n) const {
    const ConstTensor& t = const_input(i, k, role);
    if (t.is_float() || t.dims.size() > 1 || (n >= 0 && t.element_count() != n))
      fail_node(i, fmt::format("{} must be a vector of {} integers", role, n >= 0 ? std::to_string(n) : "n"));
    return t.ints;
  }

  size_t onnx_axis(int i, int64_t axis, size_t rank) const {
    if (axis < -int64_t(rank) || axis >= int64_t(rank))
      fail_node(i, fmt::format("axis {} outside [{}, {}]", axis, -int64_t(rank), int64_t(rank) - 1));
    return size_t(axis < 0 ? axis + int64_t(rank) : axis);
  }

  // The input of Slice or Split: an activation of a rank the slice kernel takes.
  const Value& sliceable_input(int i) const {
    const Value& in = preserving_input(i);
    const size_t r = tensor(in.id).shape.size();
    if (r == 0 || r > size_t(kernels::kMaxSliceRank))
      fail_node(i, fmt::format("input rank {} unsupported; supported: 1 to {}", r, kernels::kMaxSliceRank));
    return in;
  }

  // Slice (opset 10 and later): starts, ends, axes and steps as ONNX
  // defines them (negative from the end, clamped to the axis).
  void read_slice(int i) {
    const Value& in = sliceable_input(i);
    const ir::Shape is = onnx_shape(in);
    const size_t r = is.size();
    if (opset_ < 10) fail_node(i, "Slice with attributes (opset < 10) unsupported");
    const std::vector<int64_t> starts = int_vector(i, 1, "starts", -1);
    const std::vector<int64_t> ends = int_vector(i, 2, "ends", int64_t(starts.size()));
    std::vector<int64_t> axes, steps;
    if (has_input(i, 3)) axes = int_vector(i, 3, "axes", int64_t(starts.size()));
    else
      for (size_t k = 0; k < starts.size(); ++k) axes.push_back(int64_t(k));
    if (has_input(i, 4)) steps = int_vector(i, 4, "steps", int64_t(starts.size()));
    else steps.assign(starts.size(), 1);
    std::vector<int64_t> begin(r, 0), step(r, 1), count(is.begin(), is.end());
    std::vector<bool> seen(r, false);
    for (size_t n = 0; n < starts.size(); ++n) {
      const size_t a = onnx_axis(i, axes[n], r);
      if (seen[a]) fail_node(i, fmt::format("axis {} repeats", axes[n]));
      seen[a] = true;
      const int64_t dim = is[a];
      if (steps[n] == 0) fail_node(i, fmt::format("step of axis {} is 0", axes[n]));
      // A step past the extent takes one index at most: the same as the extent.
      const int64_t s = std::clamp<int64_t>(steps[n], -dim, dim);
      int64_t start = starts[n] < 0 ? starts[n] + dim : starts[n];
      int64_t end = ends[n] < 0 ? ends[n] + dim : ends[n];
      start = s > 0 ? std::clamp<int64_t>(start, 0, dim) : std::clamp<int64_t>(start, 0, dim - 1);
      end = s > 0 ? std::clamp<int64_t>(end, 0, dim) : std::clamp<int64_t>(end, -1, dim - 1);
      const int64_t span = s > 0 ? end - start : start - end, magnitude = s > 0 ? s : -s;
      begin[a] = start;
      step[a] = s;
      count[a] = span > 0 ? (span + magnitude - 1) / magnitude : 0;
    }
    const Value v = in;  // a copy: define may move the values
    define_preserved(i, v, emit_slice(i, v.id, begin, step, count, node(i).output(0)), int(r));
  }

  // IR dimension of ONNX dimension d of a rank-`rank` tensor (NCHW is NHWC inside kiln).
  static int64_t ir_dim(size_t d, size_t rank) {
    static const int64_t kNhwc[4] = {0, 3, 1, 2};
    return rank == 4 ? kNhwc[d] : int64_t(d);
  }

  // The dimensions a Reduce* node reduces, in [0, rank), sorted: its axes
  // (an input from opset 18, from 13 for ReduceSum; else the attribute);
  // none given means all of them.
  std::vector<int64_t> reduce_axes(int i, size_t rank) const {
    const bool from_input = opset_ >= (node(i).op_type() == "ReduceSum" ? 13 : 18);
    std::vector<int64_t> axes;
    if (from_input && has_input(i, 1)) axes = int_vector(i, 1, "axes", -1);
    if (!from_input) axes = attr_ints(i, "axes");
    if (axes.empty()) {
      if (attr_int(i, "noop_with_empty_axes", 0) != 0) fail_node(i, "noop_with_empty_axes = 1 without axes unsupported");
      for (size_t d = 0; d < rank; ++d) axes.push_back(int64_t(d));
    }
    for (int64_t& a : axes) a = int64_t(onnx_axis(i, a, rank));
    std::sort(axes.begin(), axes.end());
    if (std::adjacent_find(axes.begin(), axes.end()) != axes.end())
      fail_node(i, fmt::format("axes {} repeat a dimension", fmt::join(axes, ", ")));
    return axes;
  }

  // ReduceMax, ReduceMin or ReduceSum of activation `in`: the MCU kernel
  // `kernel` (TFLite's REDUCE_MAX, REDUCE_MIN, SUM) over the same dimensions
  // of the IR tensor, into a new tensor of quantization (scale, zp); returns
  // its id and sets *rank to the output's.
  int emit_reduce(int i, const Value& in, const char* kernel, const std::string& out_name, float scale, int32_t zp,
                  int* rank) {
    const ir::Shape is = onnx_shape(in);
    const size_t r = is.size();
    const std::vector<int64_t> axes = reduce_axes(i, r);
    const bool keep = attr_int(i, "keepdims", 1) != 0;
    ir::Shape os;
    std::vector<int64_t> ir_axes;
    for (size_t d = 0; d < r; ++d) {
      const bool reduced = std::binary_search(axes.begin(), axes.end(), int64_t(d));
      if (!reduced || keep) os.push_back(reduced ? 1 : is[d]);
    }
    for (int64_t a : axes) ir_axes.push_back(ir_dim(size_t(a), r));
    if (!keep && r == 4) {  // the IR drops dimensions of the NHWC tensor: they must remain in ONNX's order
      ir::Shape kept;
      const ir::Shape nhwc = nchw_to_nhwc(is);
      for (size_t j = 0; j < 4; ++j)
        if (std::find(ir_axes.begin(), ir_axes.end(), int64_t(j)) == ir_axes.end()) kept.push_back(nhwc[j]);
      if (kept != os)
        fail_node(i, fmt::format("keepdims = 0 over axes {} of NCHW {} leaves the other dimensions in another order "
                                 "than kiln's NHWC holds them: unsupported; supported: keepdims = 1, or axes that "
                                 "include C or both H and W",
                                 fmt::join(axes, ", "), ir::shape_string(is)));
    }
    const int out = new_act(out_name, os, scale, zp);
    ir::Op op = new_op(i, OpKind::Kernel);
    op.kernel = kernel;
    op.inputs = {in.id};
    op.outputs = {out};
    op.attrs = {{"axis", ir_axes}, {"keep_dims", {keep ? 1 : 0}}};
    graph_.ops.push_back(std::move(op));
    *rank = int(os.size());
    return out;
  }

  // ReduceMax, ReduceMin: the output keeps the input's quantization (a
  // different QuantizeLinear after it requantizes), as TFLite's kernels need.
  void read_reduce_extremum(int i) {
    const Value in = preserving_input(i);  // a copy: define may move the values
    int rank = 0;
    const int out = emit_reduce(i, in, node(i).op_type() == "ReduceMax" ? "reduce_max" : "reduce_min",
                                node(i).output(0), tensor(in.id).scale(), tensor(in.id).zero_point(), &rank);
    define_preserved(i, in, out, rank);
  }

  // Gather of an activation by constant indices (INT32 or INT64; a negative
  // index counts from the end, as ONNX defines): TFLite's GATHER kernel along
  // the axis's IR dimension, keeping the quantization.
  void read_gather(int i) {
    const Value in = preserving_input(i);  // a copy: define may move the values
    const ir::Shape is = onnx_shape(in);
    const size_t r = is.size();
    const size_t axis = onnx_axis(i, attr_int(i, "axis", 0), r);
    const ConstTensor& idx = const_input(i, 1, "indices");
    if (idx.is_float() || idx.element_count() == 0) fail_node(i, "indices must be a non-empty integer constant");
    const int64_t n = is[axis];
    std::vector<int32_t> values;
    for (int64_t k = 0; k < idx.element_count(); ++k) {
      const int64_t v = idx.integer(k);
      if (v < -n || v >= n) fail_node(i, fmt::format("index {} (entry {}) is outside [{}, {}]", v, k, -n, n - 1));
      values.push_back(int32_t(v < 0 ? v + n : v));
    }
    ir::Shape os(is.begin(), is.begin() + std::ptrdiff_t(axis));
    for (int64_t d : idx.dims) os.push_back(int32_t(d));
    os.insert(os.end(), is.begin() + std::ptrdiff_t(axis) + 1, is.end());
    // Inside kiln a 4-D tensor is NHWC: the IR's gather gives ONNX's order
    // only where both tensors are 4-D (one index dimension) or neither is.
    if ((r == 4) != (os.size() == 4) && !(os.size() == 4 && same_order(os)))
      fail_node(i, fmt::format("a Gather of {} by indices of shape {} unsupported; supported: 4-D data by one "
                               "dimension of indices, or data and output of other ranks",
                               ir::shape_string(is), ir::shape_string(ir::Shape(idx.dims.begin(), idx.dims.end()))));
    ir::Tensor t;
    t.name = node(i).input(1);
    t.shape.assign(idx.dims.begin(), idx.dims.end());
    t.type = DataType::Int32;
    t.data.resize(values.size() * sizeof(int32_t));
    for (size_t k = 0; k < values.size(); ++k)
      for (size_t b = 0; b < 4; ++b) t.data[4 * k + b] = uint8_t(uint32_t(values[k]) >> (8 * b));
    const int indices = graph_.add_tensor(std::move(t));
    const int out = new_act(node(i).output(0), os, tensor(in.id).scale(), tensor(in.id).zero_point());
    ir::Op op = new_op(i, OpKind::Kernel);
    op.kernel = "gather";
    op.inputs = {in.id, indices};
    op.outputs = {out};
    op.attrs = {{"axis", {ir_dim(axis, r)}}, {"batch_dims", {0}}};
    graph_.ops.push_back(std::move(op));
    define_preserved(i, in, out, int(os.size()));
  }

  // ArgMax, ArgMin of the DequantizeLinear of an activation: TFLite's
  // ARG_MAX and ARG_MIN kernels along the axis's IR dimension. They compare
  // the stored values, which order as the dequantized ones do, and take the
  // first index of a tie (select_last_index = 0). ONNX's INT64 indices are
  // held as int32 (every index fits) and written as INT64 at the edge.
  void read_arg_min_max(int i) {
    const Value in = dequant_input(i, 0);  // a copy: define may move the values
    const ir::Shape is = onnx_shape(in);
    const size_t r = is.size();
    const size_t axis = onnx_axis(i, attr_int(i, "axis", 0), r);
    const bool keep = attr_int(i, "keepdims", 1) != 0;
    if (attr_int(i, "select_last_index", 0) != 0)
      fail_node(i, "select_last_index = 1 unsupported; supported: 0 (the first index of a tie, as TFLite)");
    ir::Shape os = is;
    if (keep)
      os[axis] = 1;
    else
      os.erase(os.begin() + std::ptrdiff_t(axis));
    // Inside kiln a 4-D tensor is NHWC: without keepdims the IR drops a
    // dimension of it, which leaves the others in ONNX's order only for C.
    if (!keep && r == 4 && axis != 1)
      fail_node(i, fmt::format("keepdims = 0 along axis {} of NCHW {} unsupported (kiln holds it as NHWC); "
                               "supported: keepdims = 1, or axis 1 (C)",
                               axis, ir::shape_string(is)));
    if (!keep && r == 5)
      fail_node(i, "keepdims = 0 of a 5-D input to 4-D unsupported (kiln holds 4-D tensors as NHWC)");
    ir::Tensor t;
    t.name = node(i).output(0);
    t.shape = nchw_to_nhwc(os);
    t.type = DataType::Int32;
    t.source_int64 = true;
    const int out = graph_.add_tensor(std::move(t));
    ir::Op op = new_op(i, OpKind::Kernel);
    op.kernel = node(i).op_type() == "ArgMax" ? "arg_max" : "arg_min";
    op.inputs = {in.id};
    op.outputs = {out};
    op.attrs = {{"axis", {ir_dim(axis, r)}}, {"keep_dims", {keep ? 1 : 0}}};
    graph_.ops.push_back(std::move(op));
    Value v;
    v.kind = Value::Kind::Int32;
    v.id = out;
    v.rank = int(os.size());
    define(i, 0, v);
  }

  // Split: the `split` sizes (input from opset 13, else attribute; absent:
  // equal parts, num_outputs of them from opset 18), one Slice per output.
  void read_split(int i) {
    const Value& in = sliceable_input(i);
    const ir::Shape is = onnx_shape(in);
    const size_t r = is.size();
    const size_t axis = onnx_axis(i, attr_int(i, "axis", 0), r);
    const int64_t outputs = node(i).output_size(), dim = is[axis];
    std::vector<int64_t> parts;
    if (opset_ >= 13 && has_input(i, 1)) parts = int_vector(i, 1, "split", outputs);
    else if (opset_ < 13) parts = attr_ints(i, "split");
    if (parts.empty()) {
      if (outputs < 1 || dim % outputs != 0)
        fail_node(i, fmt::format("{} outputs do not split dimension {} of {} evenly", outputs, axis, dim));
      parts.assign(size_t(outputs), dim / outputs);
    }
    int64_t total = 0;
    for (int64_t p : parts) total += p > 0 ? p : 0;
    if (int64_t(parts.size()) != outputs || total != dim)
      fail_node(i, fmt::format("split sizes {} do not add up to dimension {} of {} over {} outputs",
                               fmt::join(parts, ", "), axis, dim, outputs));
    const Value v = in;  // a copy: define may move the values
    int64_t at = 0;
    for (size_t k = 0; k < parts.size(); ++k) {
      std::vector<int64_t> begin(r, 0), step(r, 1), count(is.begin(), is.end());
      begin[axis] = at;
      count[axis] = parts[k];
      at += parts[k];
      if (node(i).output(int(k)).empty()) fail_node(i, fmt::format("output {} is missing", k));
      Value o = v;
      o.id = emit_slice(i, v.id, begin, step, count, node(i).output(int(k)));
      o.rank = int(r);
      define(i, int(k), o);
    }
  }

  // DepthToSpace (modes DCR and CRD) and SpaceToDepth on the NHWC tensor
  // (compiler/ir/depth_space.h).
  void read_depth_space(int i) {
    const Value& in = preserving_input(i);
    const bool to_space = node(i).op_type() == "DepthToSpace";
    const std::string mode = attr_string(i, "mode", "DCR");
    if (to_space && mode != "DCR" && mode != "CRD") fail_node(i, fmt::format("mode '{}' unsupported; supported: DCR, CRD", mode));
    const ir::DepthSpace kind = !to_space       ? ir::DepthSpace::SpaceToDepth
                                : mode == "CRD" ? ir::DepthSpace::DepthToSpaceCrd
                                                : ir::DepthSpace::DepthToSpace;
    const int64_t block = attr_int(i, "blocksize", 0);
    std::string why;
    const ir::Shape os = ir::depth_space_shape(tensor(in.id).shape, int32_t(std::clamp<int64_t>(block, 0, 1 << 20)),
                                               kind, &why);
    if (os.empty()) fail_node(i, why);
    const int out = new_act(node(i).output(0), nhwc_to_nchw(os), tensor(in.id).scale(), tensor(in.id).zero_point());
    ir::append_depth_space(graph_, new_op(i, OpKind::Kernel), in.id, out,
                           int32_t(block), kind);
    const Value v = in;  // a copy: define may move the values
    define_preserved(i, v, out, 4);
  }

  // Resize (opset 11 and later: X, roi, scales, sizes) of NCHW images over
  // H and W, onto TFLite's resize kernels where ONNX's coordinates are the
  // ones TFLite computes: mode "linear" runs resize_bilinear with
  // coordinate_transformation_mode half_pixel or pytorch_half_pixel
  // (TFLite's half_pixel_centers), align_corners or asymmetric (neither
  // flag); mode "nearest" runs resize_nearest (one image) where the index
  // rounding agrees: asymmetric with nearest_mode floor (PyTorch's export of
  // nearest upsampling), align_corners with round_prefer_ceil, half_pixel
  // with round_prefer_ceil and tf_half_pixel_for_nn with floor. The output
  // must be a whole number of pixels of the given scale, so that ONNX's
  // 1/scale and TFLite's in/out are one ratio.
  void read_resize(int i) {
    const Value& in = preserving_input(i);
    if (in.rank != 4) fail_node(i, fmt::format("input rank {} unsupported; supported: NCHW images (rank 4)", in.rank));
    if (opset_ < 11) fail_node(i, "Resize before opset 11 (scales as the second input) is unsupported");
    const ir::Shape is = onnx_shape(in);
    std::array<int64_t, 4> os{};
    if (has_input(i, 3)) {
      const std::vector<int64_t> sizes = int_vector(i, 3, "sizes", 4);
      std::copy(sizes.begin(), sizes.end(), os.begin());
    } else if (has_input(i, 2)) {
      const ConstTensor& scales = const_input(i, 2, "scales");
      if (!scales.is_float() || scales.element_count() != 4) fail_node(i, "scales must be 4 floats (N, C, H, W)");
      for (size_t k = 0; k < 4; ++k) {
        const double s = scales.floats[k], exact = double(is[k]) * s;
        if (!(s > 0.0) || !(exact >= 1.0 && exact <= 65535.0) || exact != std::floor(exact))
          fail_node(i, fmt::format("scale {} of dimension {} (size {}) does not give a whole number of pixels from 1 "
                                   "to 65535",
                                   s, k, is[k]));
        os[k] = int64_t(exact);
      }
    } else {
      fail_node(i, "neither scales nor sizes is given");
    }
    if (os[0] != is[0] || os[1] != is[1])
      fail_node(i, fmt::format("resizes N or C ({}x{} to {}x{}); supported: H and W only", is[0], is[1], os[0], os[1]));
    if (os[2] < 1 || os[3] < 1 || os[2] > 65535 || os[3] > 65535)
      fail_node(i, fmt::format("output size {}x{} unsupported", os[2], os[3]));
    if (attr_int(i, "antialias", 0) != 0 || attr_int(i, "exclude_outside", 0) != 0 || attr(i, "axes"))
      fail_node(i, "antialias, exclude_outside and axes are unsupported");
    const std::string mode = attr_string(i, "mode", "nearest");
    const std::string ct = attr_string(i, "coordinate_transformation_mode", "half_pixel");
    const std::string nearest = attr_string(i, "nearest_mode", "round_prefer_floor");
    bool align_corners = false, half_pixel = false;
    if (mode == "linear") {
      if (ct == "half_pixel" || (ct == "pytorch_half_pixel" && os[2] > 1 && os[3] > 1))
        half_pixel = true;
      else if (ct == "align_corners")
        align_corners = true;
      else if (ct != "asymmetric")
        fail_node(i, fmt::format("linear with coordinate_transformation_mode '{}' unsupported; supported: half_pixel, "
                                 "pytorch_half_pixel, align_corners, asymmetric",
                                 ct));
    } else if (mode == "nearest") {
      if (is[0] != 1) fail_node(i, fmt::format("nearest resize of {} images unsupported; supported: one", is[0]));
      if (ct == "asymmetric" && nearest == "floor") {
      } else if (ct == "align_corners" && nearest == "round_prefer_ceil") {
        align_corners = true;
      } else if ((ct == "half_pixel" && nearest == "round_prefer_ceil") ||
                 (ct == "tf_half_pixel_for_nn" && nearest == "floor")) {
        half_pixel = true;
      } else {
        fail_node(i, fmt::format("nearest with coordinate_transformation_mode '{}' and nearest_mode '{}' unsupported; "
                                 "supported: asymmetric with floor, align_corners with round_prefer_ceil, half_pixel "
                                 "with round_prefer_ceil, tf_half_pixel_for_nn with floor",
                                 ct, nearest));
      }
    } else {
      fail_node(i, fmt::format("mode '{}' unsupported; supported: linear, nearest", mode));
    }
    const int out = new_act(node(i).output(0), {is[0], is[1], int32_t(os[2]), int32_t(os[3])}, tensor(in.id).scale(),
                            tensor(in.id).zero_point());
    ir::Op op = new_op(i, OpKind::Kernel);
    op.kernel = mode == "linear" ? "resize_bilinear" : "resize_nearest";
    op.attrs = {{"align_corners", {align_corners ? 1 : 0}}, {"half_pixel_centers", {half_pixel ? 1 : 0}}};
    op.inputs = {in.id};
    op.outputs = {out};
    graph_.ops.push_back(std::move(op));
    const Value v = in;  // a copy: define may move the values
    define_preserved(i, v, out, 4);
  }

  // Transpose: ONNX's perm (default: reversed) mapped onto the IR orders of
  // its input and output.
  void read_transpose(int i) {
    const Value& in = preserving_input(i);
    const ir::Shape is = onnx_shape(in);
    const size_t r = is.size();
    if (r == 0 || r > size_t(kernels::kMaxTransposeRank))
      fail_node(i, fmt::format("input rank {} unsupported; supported: 1 to {}", r, kernels::kMaxTransposeRank));
    std::vector<int64_t> perm = attr_ints(i, "perm");
    if (perm.empty())
      for (size_t k = 0; k < r; ++k) perm.push_back(int64_t(r - 1 - k));
    if (perm.size() != r) fail_node(i, fmt::format("perm has {} entries for an input of rank {}", perm.size(), r));
    uint32_t seen = 0;
    for (size_t k = 0; k < r; ++k) {
      if (perm[k] < 0 || perm[k] >= int64_t(r) || (seen >> perm[k] & 1u))
        fail_node(i, fmt::format("perm entry {} is {}: perm must be a permutation of 0 to {}", k, perm[k], r - 1));
      seen |= 1u << perm[k];
    }
    // IR output dimension j is ONNX output dimension order[j], which is ONNX
    // input dimension perm[order[j]], which is IR input dimension inverse[that].
    const std::vector<int32_t> order = ir_order(r);
    std::vector<int32_t> inverse(r), ir_perm(r);
    for (size_t j = 0; j < r; ++j) inverse[size_t(order[j])] = int32_t(j);
    bool identity = true;
    for (size_t j = 0; j < r; ++j) {
      ir_perm[j] = inverse[size_t(perm[size_t(order[j])])];
      identity = identity && ir_perm[j] == int32_t(j);
    }
    const Value v = in;  // a copy: define may move the values
    if (identity) return define_preserved(i, v, v.id, int(r));
    define_preserved(i, v, emit_transpose(i, v.id, ir_perm, node(i).output(0)), int(r));
  }

  void read_reshape(int i) {
    const Value& in = preserving_input(i);
    const ir::Shape is = onnx_shape(in);
    const int64_t count = ir::num_elements(is);
    ir::Shape os;
    if (node(i).op_type() == "Squeeze") {
      const std::vector<int64_t> axes = axes_of(i);
      std::vector<bool> drop(is.size(), axes.empty());
      for (int64_t a : axes) {
        const int64_t d = a < 0 ? a + int64_t(is.size()) : a;
        if (d < 0 || d >= int64_t(is.size()) || is[size_t(d)] != 1)
          fail_node(i, fmt::format("axis {} is not a dimension of 1 of the input {}", a, ir::shape_string(is)));
        drop[size_t(d)] = true;
      }
      for (size_t d = 0; d < is.size(); ++d)
        if (!drop[d] || is[d] != 1) os.push_back(is[d]);
    } else if (node(i).op_type() == "Unsqueeze") {
      const std::vector<int64_t> axes = axes_of(i);
      const int64_t rank = int64_t(is.size()) + int64_t(axes.size());
      if (axes.empty() || rank > 4)
        fail_node(i, fmt::format("{} axes on an input of rank {}: unsupported (output rank 1 to 4)", axes.size(),
                                 is.size()));
      std::vector<bool> added(size_t(rank), false);
      for (int64_t a : axes) {
        const int64_t d = a < 0 ? a + rank : a;
        if (d < 0 || d >= rank || added[size_t(d)]) fail_node(i, fmt::format("axis {} out of range or repeated", a));
        added[size_t(d)] = true;
      }
      for (size_t d = 0, k = 0; d < size_t(rank); ++d) os.push_back(added[d] ? 1 : is[k++]);
    } else if (node(i).op_type() == "Flatten") {
      int64_t axis = attr_int(i, "axis", 1);
      if (axis < 0) axis += int64_t(is.size());
      if (axis < 0 || axis > int64_t(is.size())) fail_node(i, "axis out of range");
      int64_t outer = 1;
      for (int64_t d = 0; d < axis; ++d) outer *= is[size_t(d)];
      os = {int32_t(outer), int32_t(count / outer)};
    } else {
      std::vector<int64_t> spec;
      if (opset_ < 5) fail_node(i, "Reshape with a shape attribute (opset < 5) unsupported");
      const ConstTensor& s = const_input(i, 1, "shape");
      spec = s.ints;
      if (attr_int(i, "allowzero", 0) != 0) fail_node(i, "allowzero = 1 unsupported");
      int64_t known = 1;
      int infer = -1;
      for (size_t d = 0; d < spec.size(); ++d) {
        int64_t v = spec[d];
        if (v == 0) {
          if (d >= is.size()) fail_node(i, "shape entry 0 copies a dimension the input does not have");
          v = is[d];
        }
        if (v == -1) {
          if (infer >= 0) fail_node(i, "more than one -1 in the shape");
          infer = int(d);
          os.push_back(1);
          continue;
        }
        if (v < 1 || v > std::numeric_limits<int32_t>::max()) fail_node(i, fmt::format("shape entry {} invalid", v));
        known *= v;
        os.push_back(int32_t(v));
      }
      if (infer >= 0) {
        if (known == 0 || count % known != 0) fail_node(i, "the shape does not divide the input");
        os[size_t(infer)] = int32_t(count / known);
      }
    }
    if (ir::num_elements(os) != count)
      fail_node(i, fmt::format("shape {} holds a different number of elements than the input {}", ir::shape_string(os),
                               ir::shape_string(is)));
    if (os.empty() || os.size() > 4) fail_node(i, fmt::format("output rank {} unsupported; supported: 1 to 4", os.size()));
    // ONNX reshapes row-major NCHW data; kiln holds a rank-4 tensor as NHWC.
    // Where the two orders differ, the data goes through NCHW order: a
    // Transpose to it before the byte copy, and one back to NHWC after.
    const std::string& name = node(i).output(0);
    int src = in.id;
    if (!same_order(is)) src = emit_transpose(i, src, {0, 3, 1, 2}, name + "/nchw_in");
    const bool reorder_out = !same_order(os);
    int out = new_act(reorder_out ? name + "/nchw_out" : name, os, tensor(in.id).scale(), tensor(in.id).zero_point());
    if (reorder_out) graph_.tensors[size_t(out)].shape = os;  // holds NCHW order: the ONNX shape as it is
    ir::Op op = new_op(i, OpKind::Reshape);
    op.inputs = {src};
    op.outputs = {out};
    graph_.ops.push_back(std::move(op));
    if (reorder_out) out = emit_transpose(i, out, {0, 2, 3, 1}, name);
    define_preserved(i, in, out, int(os.size()));
  }

  void read_pool(int i) {
    const Value& in = preserving_input(i);
    const Value v = in;  // a copy: define may move the values
    define_preserved(i, v, emit_pool(i, v, node(i).output(0)), 4);
  }

  // AveragePool, MaxPool or their global forms (node i's type and
  // attributes; QLinearAveragePool's too) of NCHW activation `in`, keeping
  // its quantization; returns the output's id.
  int emit_pool(int i, const Value& in, const std::string& out_name) {
    std::string t = node(i).op_type();
    if (t.rfind("QLinear", 0) == 0) t = t.substr(7);
    const ir::Shape is = onnx_shape(in);
    if (is.size() != 4) fail_node(i, fmt::format("input shape {} unsupported; supported: rank 4", ir::shape_string(is)));
    int32_t kh = is[2], kw = is[3], oh = 1, ow = 1;
    ir::Window win;
    const bool global = t == "GlobalAveragePool" || t == "GlobalMaxPool";
    if (global) {
      win.kernel_h = kh;
      win.kernel_w = kw;
      win.stride_h = kh;
      win.stride_w = kw;
    } else {
      const std::vector<int64_t> k = attr_ints(i, "kernel_shape");
      if (k.size() != 2 || k[0] < 1 || k[1] < 1 || k[0] > 65535 || k[1] > 65535)
        fail_node(i, "kernel_shape must give two positive sizes");
      kh = int32_t(k[0]);
      kw = int32_t(k[1]);
      if (attr_int(i, "ceil_mode", 0) != 0) fail_node(i, "ceil_mode = 1 unsupported");
      if (t == "MaxPool" && node(i).output_size() > 1 && !node(i).output(1).empty())
        fail_node(i, "the Indices output unsupported");
      win = window(i, is[2], is[3], kh, kw, &oh, &ow, false);
      const bool padded = win.pad.top || win.pad.bottom || win.pad.left || win.pad.right;
      // TFLite's average divides by the number of valid (unpadded) elements.
      if (t == "AveragePool" && padded && attr_int(i, "count_include_pad", 0) != 0)
        fail_node(i, "count_include_pad = 1 with padding unsupported");
    }
    const int out = new_act(out_name, {is[0], is[1], oh, ow}, tensor(in.id).scale(), tensor(in.id).zero_point());
    ir::Op op = new_op(i, t == "MaxPool" || t == "GlobalMaxPool" ? OpKind::MaxPool : OpKind::AvgPool);
    op.window = win;
    op.inputs = {in.id};
    op.outputs = {out};
    graph_.ops.push_back(std::move(op));
    return out;
  }

  void read_pad(int i) {
    const Value& in = preserving_input(i);
    const ir::Shape is = onnx_shape(in);
    const std::string mode = attr_string(i, "mode", "constant");
    if (mode != "constant" && mode != "reflect")
      fail_node(i, fmt::format("mode '{}' unsupported; supported: constant, reflect", mode));
    const bool reflect = mode == "reflect";
    std::vector<int64_t> pads;
    if (opset_ < 11) {
      pads = attr_ints(i, "pads");
      if (!reflect && attr_float(i, "value", 0.0f) != 0.0f) fail_node(i, "only padding with 0 is supported");
    } else {
      pads = const_input(i, 1, "pads").ints;
      if (!reflect && has_input(i, 2)) {
        const Value& cv = input(i, 2);
        // The pad value is the real 0: a float 0, or the tensor's zero point when quantized.
        const bool zero = (cv.kind == Value::Kind::Const && cv.c->element_count() == 1 &&
                           ((cv.c->is_float() && cv.c->real(0) == 0.0) ||
                            (!cv.c->is_float() && in.kind == Value::Kind::Act &&
                             cv.c->integer(0) - (in.uint8 ? 128 : 0) == tensor(in.id).zero_point())));
        if (!zero) fail_node(i, "only padding with the real value 0 is supported");
      }
    }
    if (pads.size() != 2 * is.size()) fail_node(i, fmt::format("pads must hold {} values", 2 * is.size()));
    if (reflect) return read_reflect_pad(i, in, is, pads);
    if (is.size() != 4 || pads[0] || pads[1] || pads[4] || pads[5])
      fail_node(i, "only padding of height and width of a rank-4 tensor is supported");
    for (int64_t p : pads)
      if (p < 0 || p > 65535) fail_node(i, fmt::format("padding {} unsupported", p));
    const ir::Shape os = {is[0], is[1], int32_t(is[2] + pads[2] + pads[6]), int32_t(is[3] + pads[3] + pads[7])};
    const int out = new_act(node(i).output(0), os, tensor(in.id).scale(), tensor(in.id).zero_point());
    ir::Op op = new_op(i, OpKind::Pad);
    op.pads = {{0, 0}, {int32_t(pads[2]), int32_t(pads[6])}, {int32_t(pads[3]), int32_t(pads[7])}, {0, 0}};
    op.inputs = {in.id};
    op.outputs = {out};
    graph_.ops.push_back(std::move(op));
    define_preserved(i, in, out, 4);
  }

  // Pad with mode "reflect" (ONNX's reflect is TFLite's REFLECT): the
  // mirror_pad kernel, each ONNX dimension's padding at its IR place; the
  // kernel's table entry checks the amounts against the input.
  void read_reflect_pad(int i, const Value& in, const ir::Shape& is, const std::vector<int64_t>& pads) {
    const size_t r = is.size();
    if (r == 0 || r > size_t(kernels::kMaxMirrorPadRank))
      fail_node(i, fmt::format("input rank {} unsupported; supported: 1 to {}", r, kernels::kMaxMirrorPadRank));
    ir::Shape os;
    for (size_t k = 0; k < r; ++k) {
      if (pads[k] < 0 || pads[k + r] < 0 || pads[k] > 65535 || pads[k + r] > 65535)
        fail_node(i, fmt::format("padding {}, {} unsupported", pads[k], pads[k + r]));
      os.push_back(int32_t(is[k] + pads[k] + pads[k + r]));
    }
    const std::vector<int32_t> order = ir_order(r);
    ir::Op op = new_op(i, OpKind::Kernel);
    op.kernel = "mirror_pad";
    std::vector<int64_t>& before = op.attrs["before"];
    std::vector<int64_t>& after = op.attrs["after"];
    for (size_t j = 0; j < r; ++j) {
      before.push_back(pads[size_t(order[j])]);
      after.push_back(pads[size_t(order[j]) + r]);
    }
    op.attrs["symmetric"] = {0};
    const int out = new_act(node(i).output(0), os, tensor(in.id).scale(), tensor(in.id).zero_point());
    op.inputs = {in.id};
    op.outputs = {out};
    graph_.ops.push_back(std::move(op));
    define_preserved(i, in, out, int(r));
  }

  // ---- float islands ---------------------------------------------------------
  //
  // onnxruntime runs a DequantizeLinear -> op -> QuantizeLinear group as one
  // quantized operator only when it is a QDQ node unit
  // (core/optimizer/qdq_transformer/selectors_actions/qdq_selectors.cc:
  // NodeGroupSelector::GetQDQSelection, CheckQDQNodes): each input the op
  // computes from comes from a DequantizeLinear, each reader of its output is
  // a QuantizeLinear, the output is no graph output, and those are all int8
  // or all uint8 (the selectors' type constraint). Any other float
  // operator runs in float: the float Add of a QOperator model whose second
  // input is a float constant, a Softmax into a float graph output, a chain
  // such as Add -> Relu -> Softmax. kiln reads a unit as the int8 operator
  // (defer, materialize) and the rest as MCU float kernels on float32
  // tensors: a DequantizeLinear one reads becomes the Dequantize op (once per
  // tensor), a QuantizeLinear of a float tensor the Quantize op. Where kiln
  // differs from the rule (docs/operators.md, "Float islands"), it keeps the
  // reading models had before: a Relu or Clip between an op that takes a clamp
  // and its QuantizeLinear is the int8 op's clamp whether or not the
  // QuantizeLinear makes it redundant (exact either way: quantizing is
  // monotone), an output several QuantizeLinear read is one int8
  // op per QuantizeLinear, DequantizeLinear outputs read by several nodes are
  // one per reader (onnxruntime's EnsureUniqueDQForNodeUnit), the pools of a
  // DequantizeLinear keep the quantization as before, and an operator kiln has
  // no int8 form of (Div, Exp, Sqrt) runs in float everywhere.

  // Node indices reading each tensor, and the graph's outputs.
  void index_readers() {
    const onnx::GraphProto& g = model_.graph();
    for (int i = 0; i < g.node_size(); ++i)
      for (const std::string& in : g.node(i).input())
        if (!in.empty()) readers_[in].push_back(i);
    for (const onnx::ValueInfoProto& o : g.output()) graph_outputs_.insert(o.name());
  }

  static bool has_float_kernel(const std::string& t) {
    return std::find(kFloatOperators.begin(), kFloatOperators.end(), t) != kFloatOperators.end();
  }

  // A Relu or Clip reading its output is its int8 clamp (materialize).
  static bool takes_clamp(const std::string& t) {
    return t == "Conv" || t == "Gemm" || t == "MatMul" || t == "Add" || t == "Sub" || t == "Mul" || t == "Relu" ||
           t == "Clip";
  }

  // Input k of node i is a parameter, not data: Clip's bounds, ReduceMean's axes.
  bool parameter_input(int i, int k) const {
    const std::string& t = node(i).op_type();
    return k > 0 && (t == "Clip" || t == "ReduceMean");
  }

  // Every reader of tensor `name` is a QuantizeLinear, seen through Identity
  // and, when `clamp`, through the Relu or Clip that become the int8 op's
  // clamp; none of them is a graph output. Adds to `uint8` whether each
  // QuantizeLinear writes uint8 (its zero point's type; none: uint8).
  bool quantized_by_readers(const std::string& name, bool clamp, std::set<bool>* uint8) const {
    if (graph_outputs_.count(name)) return false;
    const auto it = readers_.find(name);
    if (it == readers_.end()) return true;
    for (int r : it->second) {
      const onnx::NodeProto& n = node(r);
      if (!n.domain().empty() && n.domain() != "ai.onnx") return false;
      const std::string& t = n.op_type();
      const bool data = n.input_size() > 0 && n.input(0) == name && n.output_size() > 0;
      if (data && t == "QuantizeLinear") {
        const auto zp = n.input_size() > 2 && !n.input(2).empty() ? values_.find(n.input(2)) : values_.end();
        uint8->insert(zp == values_.end() || !zp->second.c || zp->second.c->data_type == onnx::TensorProto::UINT8);
        continue;
      }
      if (data && t == "Identity" && quantized_by_readers(n.output(0), clamp, uint8)) continue;
      if (data && clamp && (t == "Relu" || t == "Clip") && quantized_by_readers(n.output(0), true, uint8)) continue;
      return false;
    }
    return true;
  }

  // Node i runs as a float kernel: it has one, and it is no QDQ node unit
  // (above; with the selectors' type constraint: its DequantizeLinear inputs
  // and QuantizeLinear outputs all int8 or all uint8), or kiln has no int8
  // form of it.
  bool runs_in_float(int i) const {
    const std::string& t = node(i).op_type();
    if (!has_float_kernel(t)) return false;
    bool constants = true;  // on constants only: evaluated when the model is read (fold)
    for (int k = 0; k < node(i).input_size() && constants; ++k) {
      const auto it = has_input(i, k) ? values_.find(node(i).input(k)) : values_.end();
      constants = !has_input(i, k) || (it != values_.end() && it->second.kind == Value::Kind::Const);
    }
    if (constants && onnx_frontend::is_foldable(t)) return false;
    if (t == "Div" || t == "Exp" || t == "Sqrt") return true;
    bool from_dequantize = true;
    std::set<bool> uint8;
    for (int k = 0; k < node(i).input_size(); ++k) {
      if (!has_input(i, k) || parameter_input(i, k)) continue;
      const auto it = values_.find(node(i).input(k));
      if (it == values_.end()) return false;  // the int8 reading names it
      const Value& v = it->second;
      if (v.kind == Value::Kind::Float) return true;
      if (v.kind == Value::Kind::Const && v.c->is_float()) {
        from_dequantize = false;
        continue;
      }
      // A fused Relu, an int8 tensor, a float graph input: the int8 reading's, as before.
      if (v.kind != Value::Kind::Dequant && v.kind != Value::Kind::DequantConst) return false;
      uint8.insert(v.kind == Value::Kind::Dequant ? v.uint8 : v.c->data_type == onnx::TensorProto::UINT8);
    }
    if (t == "AveragePool" || t == "GlobalAveragePool") return false;  // of a DequantizeLinear: read_pool
    return !from_dequantize || !quantized_by_readers(node(i).output(0), takes_clamp(t), &uint8) || uint8.size() > 1;
  }

  Value float_value(int id, int rank) const {
    Value v;
    v.kind = Value::Kind::Float;
    v.id = id;
    v.rank = rank;
    return v;
  }

  int new_float(const std::string& name, const ir::Shape& ir_shape) {
    ir::Tensor t;
    t.name = name;
    t.shape = ir_shape;
    t.type = DataType::Float32;
    return graph_.add_tensor(std::move(t));
  }

  // A float input of a float operator: its IR tensor and ONNX shape.
  struct FloatIn {
    int id = -1;
    ir::Shape onnx;
  };

  // A constant's float values as an IR float32 constant, its ONNX dims first
  // extended with leading 1s to `rank`, NCHW data in NHWC order at rank 4.
  int float_constant(int i, const std::string& name, const std::vector<float>& values, std::vector<int64_t> dims,
                     size_t rank) {
    while (dims.size() < rank) dims.insert(dims.begin(), 1);
    ir::Shape onnx;
    for (int64_t d : dims) {
      if (d < 1 || d > std::numeric_limits<int32_t>::max())
        fail_node(i, fmt::format("constant '{}' has a dimension of {}", name, d));
      onnx.push_back(int32_t(d));
    }
    ir::Tensor t;
    t.name = name;
    t.shape = onnx.empty() ? ir::Shape{1} : nchw_to_nhwc(onnx);
    t.type = DataType::Float32;
    t.data.resize(values.size() * 4);
    const int64_t C = onnx.size() == 4 ? onnx[1] : 1, H = onnx.size() == 4 ? onnx[2] : 1,
                  W = onnx.size() == 4 ? onnx[3] : 1;
    for (size_t e = 0; e < values.size(); ++e) {
      size_t src = e;
      if (onnx.size() == 4) {  // IR element e (NHWC) is ONNX element src (NCHW)
        const int64_t c = int64_t(e) % C, w = int64_t(e) / C % W, h = int64_t(e) / C / W % H, n = int64_t(e) / C / W / H;
        src = size_t(((n * C + c) * H + h) * W + w);
      }
      uint32_t u;
      std::memcpy(&u, &values[src], 4);
      for (size_t b = 0; b < 4; ++b) t.data[4 * e + b] = uint8_t(u >> (8 * b));
    }
    return graph_.add_tensor(std::move(t));
  }

  // Input k of float node i as a float32 IR tensor of ONNX rank `rank` at
  // least (constants are extended to it): a float tensor as it is, the
  // DequantizeLinear of an activation as the Dequantize op into a float32
  // tensor of the DequantizeLinear's output name (once), a float constant or
  // the DequantizeLinear of an integer one as a float32 constant.
  FloatIn float_input(int i, int k, size_t rank = 0) {
    const Value v = input(i, k);  // a copy: adding tensors and ops below
    const std::string& name = node(i).input(k);
    switch (v.kind) {
      case Value::Kind::Float: return {v.id, onnx_shape(v)};
      case Value::Kind::Dequant: {
        auto it = float_views_.find(name);
        if (it == float_views_.end()) {
          const int out = new_float(name, tensor(v.id).shape);
          ir::Op op = new_op(v.node >= 0 ? v.node : i, OpKind::Dequantize);
          op.inputs = {v.id};
          op.outputs = {out};
          graph_.ops.push_back(std::move(op));
          it = float_views_.emplace(name, out).first;
        }
        return {it->second, onnx_shape(v)};
      }
      case Value::Kind::Const:
      case Value::Kind::DequantConst: {
        const ConstTensor& c = *v.c;
        if (v.kind == Value::Kind::Const && !c.is_float())
          fail_node(i, fmt::format("input {} '{}' is an integer constant; a float operator reads float constants and "
                                   "the DequantizeLinear of integer ones",
                                   k, name));
        std::vector<float> values(size_t(c.element_count()));
        int64_t inner = 1;  // elements per step of the per-axis channel
        for (size_t d = size_t(v.axis) + 1; d < c.dims.size(); ++d) inner *= c.dims[d];
        for (int64_t e = 0; e < c.element_count(); ++e) {
          if (v.kind == Value::Kind::Const) {
            values[size_t(e)] = float(c.real(e));
            continue;
          }
          // DequantizeLinear: (x - zero point) * scale in float, per axis where the scales are.
          const size_t ch = v.scale.size() > 1 ? size_t(e / inner % int64_t(v.scale.size())) : 0;
          values[size_t(e)] = float(c.integer(e) - v.zero_point[ch]) * v.scale[ch];
        }
        const int id = float_constant(i, name, values, c.dims, std::max(rank, c.dims.size()));
        ir::Shape onnx;
        for (size_t d = c.dims.size(); d < rank; ++d) onnx.push_back(1);
        for (int64_t d : c.dims) onnx.push_back(int32_t(d));
        return {id, onnx};
      }
      default: break;
    }
    fail_node(i, fmt::format("input {} '{}' must be a float tensor, the DequantizeLinear of an activation or of a "
                             "constant, or a float constant",
                             k, name));
  }

  ir::Shape ir_shape(const ir::Shape& onnx) const { return onnx.size() == 4 ? nchw_to_nhwc(onnx) : onnx; }

  // A float kernel op of node i on `inputs` into a new float32 tensor of ONNX
  // shape `out_onnx` named as the node's output; defines the output.
  void emit_float(int i, const char* kernel, const std::vector<int>& inputs, ir::Shape out_onnx,
                  std::map<std::string, std::vector<int64_t>> attrs, std::map<std::string, double> reals = {}) {
    if (out_onnx.empty()) out_onnx = {1};  // a scalar as a tensor of one, as float constants
    const int out = new_float(node(i).output(0), ir_shape(out_onnx));
    ir::Op op = new_op(i, OpKind::Kernel);
    op.kernel = kernel;
    op.inputs = inputs;
    op.outputs = {out};
    op.attrs = std::move(attrs);
    op.real_attrs = std::move(reals);
    graph_.ops.push_back(std::move(op));
    define(i, 0, float_value(out, int(out_onnx.size())));
  }

  void read_float_node(int i) {
    const std::string& t = node(i).op_type();
    if (t == "Add" || t == "Sub" || t == "Mul" || t == "Div" || t == "Max" || t == "Min") return read_float_binary(i);
    if (t == "Softmax") return read_float_softmax(i);
    if (t == "Concat") return read_float_concat(i);
    if (t == "AveragePool") return read_float_average_pool(i);
    if (t == "GlobalAveragePool" || t == "ReduceMean") return read_float_mean(i);
    read_float_unary(i);
  }

  // Add, Sub, Mul, Div, Max and Min of two inputs, with numpy broadcasting:
  // the float_binary kernel.
  void read_float_binary(int i) {
    const std::string& t = node(i).op_type();
    if (node(i).input_size() != 2) fail_node(i, fmt::format("{} inputs, expected 2", node(i).input_size()));
    // The output's rank first: constants extend to it.
    size_t rank = 0;
    for (int k = 0; k < 2; ++k) {
      const Value& v = input(i, k);
      rank = std::max(rank, v.c ? v.c->dims.size() : size_t(v.rank));
    }
    const FloatIn a = float_input(i, 0, rank), b = float_input(i, 1, rank);
    ir::Shape out(rank);
    for (size_t d = 0; d < rank; ++d) {
      const auto dim = [&](const ir::Shape& s) { return d + s.size() >= rank ? s[d + s.size() - rank] : 1; };
      const int32_t x = dim(a.onnx), y = dim(b.onnx);
      if (x != y && x != 1 && y != 1)
        fail_node(i, fmt::format("input shapes {} and {} do not broadcast", ir::shape_string(a.onnx),
                                 ir::shape_string(b.onnx)));
      out[d] = std::max(x, y);
    }
    // An NCHW tensor is NHWC inside kiln: a tensor of lower rank would line
    // up with other dimensions there than in ONNX.
    for (const FloatIn* in : {&a, &b})
      if (rank == 4 && in->onnx.size() != 4 && tensor(in->id).num_elements() != 1)
        fail_node(i, fmt::format("inputs of ranks {} and {}: supported when the ranks agree, one input is a scalar "
                                 "or a constant, or the output's rank is not 4",
                                 a.onnx.size(), b.onnx.size()));
    const int64_t code = t == "Add" ? kernels::kFloatAdd : t == "Sub" ? kernels::kFloatSub
                       : t == "Mul" ? kernels::kFloatMul : t == "Div" ? kernels::kFloatDiv
                       : t == "Max" ? kernels::kFloatMaximum : kernels::kFloatMinimum;
    emit_float(i, "float_binary", {a.id, b.id}, out, {{"op", {code}}});
  }

  // Relu, Clip and the unary functions: the float_unary kernel.
  void read_float_unary(int i) {
    const std::string& t = node(i).op_type();
    const FloatIn in = float_input(i, 0);
    int64_t function = kernels::kFloatClamp;
    std::map<std::string, double> p;
    if (t == "Relu") {
      p = {{"a", 0.0}, {"b", double(kInf)}};
    } else if (t == "Clip") {
      const auto [lo, hi] = clip_bounds(i);
      if (!(lo <= hi)) fail_node(i, fmt::format("Clip({}, {}): min above max", lo, hi));
      p = {{"a", double(lo)}, {"b", double(hi)}};
    } else if (t == "LeakyRelu") {
      function = kernels::kFloatLeakyRelu;
      p = {{"a", double(attr_float(i, "alpha", 0.01f))}};
    } else if (t == "HardSigmoid") {
      function = kernels::kFloatHardSigmoid;
      p = {{"a", double(attr_float(i, "alpha", 0.2f))}, {"b", double(attr_float(i, "beta", 0.5f))}};
    } else if (t == "Elu") {
      function = kernels::kFloatElu;
      p = {{"a", double(attr_float(i, "alpha", 1.0f))}};
    } else {
      function = t == "HardSwish" ? kernels::kFloatHardSwish : t == "Sigmoid" ? kernels::kFloatLogistic
                 : t == "Tanh"    ? kernels::kFloatTanh      : t == "Exp"     ? kernels::kFloatExp
                                                                               : kernels::kFloatSqrt;
    }
    emit_float(i, "float_unary", {in.id}, in.onnx, {{"function", {function}}}, std::move(p));
  }

  // Softmax over one axis that is the innermost in kiln's layout (the last
  // one, or NCHW's channels; before opset 13 every dimension after the axis
  // must be 1): the float_softmax kernel.
  void read_float_softmax(int i) {
    const FloatIn in = float_input(i, 0);
    const int r = int(in.onnx.size());
    int64_t axis = attr_int(i, "axis", opset_ >= 13 ? -1 : 1);
    if (axis < -r || axis >= r) fail_node(i, fmt::format("axis {} outside the input's rank {}", axis, r));
    if (axis < 0) axis += r;
    bool ok = true;
    if (opset_ < 13)  // coerced to 2-D at the axis: one axis when the rest are ones
      for (int d = int(axis) + 1; d < r; ++d) ok = ok && in.onnx[size_t(d)] == 1;
    static const int kNhwc[4] = {0, 3, 1, 2};
    const int ir_axis = r == 4 ? kNhwc[axis] : int(axis);
    const ir::Shape& s = tensor(in.id).shape;
    for (size_t d = size_t(ir_axis) + 1; d < s.size(); ++d) ok = ok && s[d] == 1;
    if (!ok)
      fail_node(i, fmt::format("softmax over axis {} of {} unsupported; supported: an axis that is the innermost in "
                               "kiln's layout (the last, or the channels of NCHW)",
                               axis, ir::shape_string(in.onnx)));
    emit_float(i, "float_softmax", {in.id}, in.onnx, {});
  }

  // Concat of any number of inputs: float_concat joins two at a time.
  void read_float_concat(int i) {
    const int n = node(i).input_size();
    if (n < 1) fail_node(i, "no inputs");
    std::vector<FloatIn> parts;
    size_t rank = 0;
    for (int k = 0; k < n; ++k) {
      const Value& v = input(i, k);
      rank = std::max(rank, v.c ? v.c->dims.size() : size_t(v.rank));
    }
    for (int k = 0; k < n; ++k) {
      parts.push_back(float_input(i, k, rank));
      if (parts.back().onnx.size() != rank)
        fail_node(i, fmt::format("input {} has rank {}, the others {}", k, parts.back().onnx.size(), rank));
    }
    const int r = int(rank);
    int64_t axis = attr_int(i, "axis", 1);
    if (axis < -r || axis >= r) fail_node(i, fmt::format("axis {} out of range for rank {}", axis, r));
    if (axis < 0) axis += r;
    static const int kNhwc[4] = {0, 3, 1, 2};
    const int64_t ir_axis = r == 4 ? kNhwc[axis] : axis;
    ir::Shape out = parts[0].onnx;
    for (int k = 1; k < n; ++k) {
      const ir::Shape& s = parts[size_t(k)].onnx;
      for (int d = 0; d < r; ++d)
        if (d != axis && s[size_t(d)] != out[size_t(d)])
          fail_node(i, fmt::format("input {} of shape {} differs from {} outside the axis", k, ir::shape_string(s),
                                   ir::shape_string(out)));
      out[size_t(axis)] += s[size_t(axis)];
    }
    if (n == 1) {  // a copy: joined with nothing
      emit_float(i, "float_unary", {parts[0].id}, out, {{"function", {kernels::kFloatClamp}}},
                 {{"a", double(-kInf)}, {"b", double(kInf)}});
      return;
    }
    int joined = parts[0].id;
    ir::Shape joined_onnx = parts[0].onnx;
    for (int k = 1; k < n; ++k) {
      joined_onnx[size_t(axis)] += parts[size_t(k)].onnx[size_t(axis)];
      if (k == n - 1) {
        emit_float(i, "float_concat", {joined, parts[size_t(k)].id}, out, {{"axis", {ir_axis}}});
        return;
      }
      const int part = new_float(fmt::format("{}/join{}", node(i).output(0), k), ir_shape(joined_onnx));
      ir::Op op = new_op(i, OpKind::Kernel);
      op.kernel = "float_concat";
      op.inputs = {joined, parts[size_t(k)].id};
      op.outputs = {part};
      op.attrs = {{"axis", {ir_axis}}};
      graph_.ops.push_back(std::move(op));
      joined = part;
    }
  }

  // AveragePool of an NCHW tensor (padding not counted: count_include_pad 0,
  // or no padding): the float_avg_pool kernel.
  void read_float_average_pool(int i) {
    const FloatIn in = float_input(i, 0);
    if (in.onnx.size() != 4)
      fail_node(i, fmt::format("input shape {} unsupported; supported: rank 4", ir::shape_string(in.onnx)));
    const std::vector<int64_t> k = attr_ints(i, "kernel_shape");
    if (k.size() != 2 || k[0] < 1 || k[1] < 1 || k[0] > 65535 || k[1] > 65535)
      fail_node(i, "kernel_shape must give two positive sizes");
    if (attr_int(i, "ceil_mode", 0) != 0) fail_node(i, "ceil_mode = 1 unsupported");
    int32_t oh = 0, ow = 0;
    const ir::Window win = window(i, in.onnx[2], in.onnx[3], int32_t(k[0]), int32_t(k[1]), &oh, &ow, false);
    const bool padded = win.pad.top || win.pad.bottom || win.pad.left || win.pad.right;
    if (padded && attr_int(i, "count_include_pad", 0) != 0) fail_node(i, "count_include_pad = 1 with padding unsupported");
    emit_float(i, "float_avg_pool", {in.id}, {in.onnx[0], in.onnx[1], oh, ow},
               {{"window", {win.kernel_h, win.kernel_w}},
                {"strides", {win.stride_h, win.stride_w}},
                {"pads", {win.pad.top, win.pad.left}}});
  }

  // GlobalAveragePool (over H and W of NCHW) and ReduceMean (any axes, keepdims
  // either way where the result's order is ONNX's): the float_mean kernel.
  void read_float_mean(int i) {
    const FloatIn in = float_input(i, 0);
    const int r = int(in.onnx.size());
    const bool global = node(i).op_type() == "GlobalAveragePool";
    if (global && r != 4) fail_node(i, fmt::format("input shape {} unsupported; supported: rank 4", ir::shape_string(in.onnx)));
    std::vector<int64_t> axes = global ? std::vector<int64_t>{2, 3}
                                : opset_ >= 18 ? (has_input(i, 1) ? int_vector(i, 1, "axes", -1) : std::vector<int64_t>{})
                                               : attr_ints(i, "axes");
    if (axes.empty()) {
      if (!global && opset_ >= 18 && attr_int(i, "noop_with_empty_axes", 0) != 0)
        fail_node(i, "noop_with_empty_axes = 1 with no axes unsupported");
      for (int d = 0; d < r; ++d) axes.push_back(d);  // every axis
    }
    std::vector<bool> reduced(size_t(r), false);
    for (int64_t a : axes) {
      if (a < -r || a >= r || reduced[size_t(a < 0 ? a + r : a)])
        fail_node(i, fmt::format("axis {} is outside the input's rank {} or repeats", a, r));
      reduced[size_t(a < 0 ? a + r : a)] = true;
    }
    const bool keep = global || attr_int(i, "keepdims", 1) != 0;
    ir::Shape out;
    std::vector<int64_t> ir_axes;
    static const int kNhwc[4] = {0, 3, 1, 2};
    for (int d = 0; d < r; ++d) {
      if (!reduced[size_t(d)]) out.push_back(in.onnx[size_t(d)]);
      else if (keep) out.push_back(1);
      if (reduced[size_t(d)]) ir_axes.push_back(r == 4 ? kNhwc[d] : d);
    }
    if (out.empty()) out.push_back(1);  // a scalar, as a tensor of one
    if (!keep && r == 4) {  // the NHWC input's remaining dimensions must be ONNX's order
      ir::Shape left;
      for (int j = 0; j < 4; ++j)
        if (std::find(ir_axes.begin(), ir_axes.end(), j) == ir_axes.end()) left.push_back(tensor(in.id).shape[size_t(j)]);
      if (left.empty()) left.push_back(1);
      if (left != out)
        fail_node(i, fmt::format("a mean of {} over axes {} without keepdims leaves NHWC's dimensions in another order "
                                 "than ONNX's: unsupported; supported: keepdims = 1, or axes that keep the order",
                                 ir::shape_string(in.onnx), fmt::join(axes, ", ")));
    }
    emit_float(i, "float_mean", {in.id}, out, {{"axes", ir_axes}});
  }

  // A float32 graph output: the float tensor of a float operator, or a
  // DequantizeLinear a float operator reads too.
  void float_output(const onnx::ValueInfoProto& out, const Value& v) {
    const int32_t type = out.type().has_tensor_type() ? out.type().tensor_type().elem_type() : 0;
    if (type != onnx::TensorProto::FLOAT && type != onnx::TensorProto::UNDEFINED)
      fail(fmt::format("graph output '{}' is a float tensor but declared {}", out.name(),
                       onnx_frontend::data_type_name(type)));
    graph_.outputs.push_back(v.kind == Value::Kind::Float ? v.id : float_views_.at(out.name()));
  }

  std::string file_;
  const OnnxOptions& options_;
  onnx::ModelProto model_;
  int64_t opset_ = 0;
  ir::Graph graph_;
  std::map<std::string, Value> values_;
  std::map<std::string, std::vector<int>> readers_;  // node indices reading each tensor (float islands)
  std::set<std::string> graph_outputs_;
  std::map<std::string, int> float_views_;  // DequantizeLinear outputs dequantized for float operators
};

}  // namespace

const std::vector<std::string>& onnx_supported_operators() { return kSupported; }

ir::Graph read_onnx_buffer(const void* data, size_t size, const std::string& name, const OnnxOptions& options) {
  return Reader(name, options).read(data, size);
}

ir::Graph read_onnx(const std::string& path, const OnnxOptions& options) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw Error(fmt::format("{}: cannot open: {}", path, std::strerror(errno)));
  const std::string bytes = read_stream(file);
  if (file.bad()) throw Error(fmt::format("{}: read error", path));
  return read_onnx_buffer(bytes.data(), bytes.size(), path, options);
}

ir::Tensor read_onnx_tensor(const std::string& path) {
  const onnx::TensorProto proto = onnx_frontend::read_tensor_proto(path);
  const ConstTensor c = onnx_frontend::decode_tensor(proto, path);
  ir::Tensor t;
  t.name = proto.name();
  ir::Shape shape;
  for (int64_t d : c.dims) {
    if (d > std::numeric_limits<int32_t>::max()) throw Error(fmt::format("{}: dimension {} too large", path, d));
    shape.push_back(int32_t(d));
  }
  const bool u8 = c.data_type == onnx::TensorProto::UINT8;
  if (c.data_type == onnx::TensorProto::INT8 || u8) {
    t.type = DataType::Int8;
  } else if (c.data_type == onnx::TensorProto::INT32) {
    t.type = DataType::Int32;
  } else if (c.data_type == onnx::TensorProto::FLOAT) {
    t.type = DataType::Float32;
  } else {
    throw Error(fmt::format("{}: tensor type {} unsupported; supported: INT8, UINT8, INT32, FLOAT", path,
                            onnx_frontend::data_type_name(c.data_type)));
  }
  t.shape = nchw_to_nhwc(shape);
  const size_t n = t.type == DataType::Float32 ? c.floats.size() : c.ints.size();
  t.data.resize(n * ir::data_type_size(t.type));
  // NCHW -> NHWC for rank 4; element e of the IR order reads ONNX element src(e).
  const int32_t C = shape.size() == 4 ? shape[1] : 1,
                H = shape.size() == 4 ? shape[2] : 1, W = shape.size() == 4 ? shape[3] : 1;
  for (size_t e = 0; e < n; ++e) {
    size_t src = e;
    if (shape.size() == 4) {
      const int64_t c_ = int64_t(e) % C, w_ = int64_t(e) / C % W, h_ = int64_t(e) / C / W % H, n_ = int64_t(e) / C / W / H;
      src = size_t(((n_ * C + c_) * H + h_) * W + w_);
    }
    if (t.type == DataType::Float32) {
      const float f = float(c.floats[src]);
      uint32_t u;
      std::memcpy(&u, &f, 4);
      for (size_t k = 0; k < 4; ++k) t.data[4 * e + k] = uint8_t(u >> (8 * k));  // little-endian, as Tensor::data
      continue;
    }
    const int64_t v = c.ints[src] - (u8 ? 128 : 0);
    if (t.type == DataType::Int8) {
      t.data[e] = uint8_t(int8_t(v));
    } else {
      const int32_t v32 = int32_t(v);
      std::memcpy(&t.data[4 * e], &v32, 4);
    }
  }
  return t;
}

}  // namespace kiln::frontend
