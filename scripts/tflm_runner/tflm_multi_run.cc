// tflm_multi_run: runs a .tflite model once on TensorFlow Lite Micro's
// reference kernels (the library built from ../shared/reference/tflm), every
// graph input set from a .npy file and every graph output written to one.
// It is kiln's independent definition of what a TFLite model computes
// (scripts/check_tflm.py, docs/reference-check.md).
//
//   tflm_multi_run MODEL.tflite --input IN.npy... [--output OUT.npy]... [--arena-kib N]
//   tflm_multi_run MODEL.tflite --info
//
// --input once per graph input, in the model's order; each file's dtype and
// shape must be the input tensor's. --output once per graph output in order
// (the first ones; fewer than the model has is fine), written with the
// output tensor's type and shape. --info prints each input and output (index,
// type, shape, tensor, quantization) and the operators, marking those the
// library lacks. An error prints "tflm_multi_run: error: ..." naming the file
// and tensor, and exits with status 1 (2 for a bad command line).

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "all_ops.h"
#include "npy.h"
#include "tensorflow/lite/micro/micro_allocator.h"
#include "tensorflow/lite/micro/micro_interpreter.h"
#include "tensorflow/lite/micro/micro_resource_variable.h"
#include "tensorflow/lite/schema/schema_generated.h"
#include "tensorflow/lite/schema/schema_utils.h"

namespace {

using tflm_runner::NpyArray;
using tflm_runner::shape_text;

[[noreturn]] void fail(const std::string& message) {
  std::fprintf(stderr, "tflm_multi_run: error: %s\n", message.c_str());
  std::exit(1);
}

[[noreturn]] void usage(const std::string& problem) {
  std::fprintf(stderr,
               "tflm_multi_run: %s\n"
               "usage: tflm_multi_run MODEL.tflite --input IN.npy... [--output OUT.npy]... [--arena-kib N]\n"
               "       tflm_multi_run MODEL.tflite --info\n",
               problem.c_str());
  std::exit(2);
}

// The element types a graph input or output may have, with the NumPy dtype
// each is read and written as.
struct ElementType {
  tflite::TensorType schema;
  TfLiteType runtime;
  const char* name;   // NumPy's name
  const char* descr;  // .npy descr
};
constexpr ElementType kTypes[] = {
    {tflite::TensorType_INT8, kTfLiteInt8, "int8", "|i1"},
    {tflite::TensorType_UINT8, kTfLiteUInt8, "uint8", "|u1"},
    {tflite::TensorType_BOOL, kTfLiteBool, "bool", "|b1"},
    {tflite::TensorType_INT16, kTfLiteInt16, "int16", "<i2"},
    {tflite::TensorType_UINT16, kTfLiteUInt16, "uint16", "<u2"},
    {tflite::TensorType_FLOAT16, kTfLiteFloat16, "float16", "<f2"},
    {tflite::TensorType_INT32, kTfLiteInt32, "int32", "<i4"},
    {tflite::TensorType_UINT32, kTfLiteUInt32, "uint32", "<u4"},
    {tflite::TensorType_FLOAT32, kTfLiteFloat32, "float32", "<f4"},
    {tflite::TensorType_INT64, kTfLiteInt64, "int64", "<i8"},
    {tflite::TensorType_UINT64, kTfLiteUInt64, "uint64", "<u8"},
    {tflite::TensorType_FLOAT64, kTfLiteFloat64, "float64", "<f8"},
};

const ElementType* type_of(TfLiteType t) {
  for (const auto& e : kTypes)
    if (e.runtime == t) return &e;
  return nullptr;
}

const ElementType* type_of(tflite::TensorType t) {
  for (const auto& e : kTypes)
    if (e.schema == t) return &e;
  return nullptr;
}

const char* type_name_of_descr(const std::string& descr) {
  for (const auto& e : kTypes)
    if (descr == e.descr) return e.name;
  return descr.c_str();
}

std::vector<int64_t> dims_of(const TfLiteIntArray* dims) {
  return std::vector<int64_t>(dims->data, dims->data + dims->size);
}

// The model file, kept 16-byte aligned and alive as long as the interpreter
// reads it in place.
struct ModelFile {
  uint8_t* bytes = nullptr;
  size_t size = 0;
  const tflite::Model* model = nullptr;
  const tflite::SubGraph* main = nullptr;
};

ModelFile load_model(const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) fail(path + ": cannot open: " + std::strerror(errno));
  std::vector<uint8_t> raw;
  uint8_t chunk[1 << 16];
  size_t n;
  while ((n = std::fread(chunk, 1, sizeof chunk, f)) > 0) raw.insert(raw.end(), chunk, chunk + n);
  const bool read_error = std::ferror(f) != 0;
  std::fclose(f);
  if (read_error) fail(path + ": read error");
  ModelFile m;
  m.size = raw.size();
  m.bytes = static_cast<uint8_t*>(std::aligned_alloc(16, (raw.size() + 16) / 16 * 16));
  if (!m.bytes) fail(path + ": out of memory");
  std::memcpy(m.bytes, raw.data(), raw.size());
  flatbuffers::Verifier verifier(m.bytes, m.size);
  if (!tflite::VerifyModelBuffer(verifier)) fail(path + ": not a TFLite flatbuffer (verification failed)");
  m.model = tflite::GetModel(m.bytes);
  if (m.model->version() != TFLITE_SCHEMA_VERSION)
    fail(path + ": schema version " + std::to_string(m.model->version()) + ", expected " +
         std::to_string(TFLITE_SCHEMA_VERSION));
  if (!m.model->subgraphs() || m.model->subgraphs()->size() == 0) fail(path + ": no subgraph");
  m.main = m.model->subgraphs()->Get(0);
  if (!m.main->tensors()) fail(path + ": subgraph 0 has no tensors");
  return m;
}

const tflite::Tensor* graph_tensor(const ModelFile& m, int index) {
  if (index < 0 || size_t(index) >= m.main->tensors()->size()) fail("graph tensor index " + std::to_string(index) +
                                                                    " out of range");
  return m.main->tensors()->Get(flatbuffers::uoffset_t(index));
}

std::string tensor_name(const tflite::Tensor* t) { return t->name() ? t->name()->str() : std::string(); }

// "input 1, tensor 4 'b'", with_type "input 1, tensor 4 'b', int8 [1, 6, 6, 8]"
// (from the model file).
std::string describe(const ModelFile& m, const char* kind, size_t i, int index, bool with_type = false) {
  const tflite::Tensor* t = graph_tensor(m, index);
  std::string s = std::string(kind) + " " + std::to_string(i) + ", tensor " + std::to_string(index) + " '" +
                  tensor_name(t) + "'";
  if (!with_type) return s;
  const ElementType* e = type_of(t->type());
  std::vector<int64_t> shape;
  if (t->shape()) shape.assign(t->shape()->begin(), t->shape()->end());
  return s + ", " + (e ? e->name : tflite::EnumNameTensorType(t->type())) + " " + shape_text(shape);
}

std::string op_name(const tflite::OperatorCode* code) {
  const tflite::BuiltinOperator op = tflite::GetBuiltinCode(code);
  if (op == tflite::BuiltinOperator_CUSTOM)
    return std::string("CUSTOM:") + (code->custom_code() ? code->custom_code()->c_str() : "");
  return tflite::EnumNameBuiltinOperator(op);
}

// The operators of the model (distinct, in the order of its operator codes)
// and those the resolver lacks.
void model_ops(const ModelFile& m, const tflm_runner::Resolver& resolver, std::vector<std::string>* used,
               std::vector<std::string>* missing) {
  if (!m.model->operator_codes()) return;
  for (const tflite::OperatorCode* code : *m.model->operator_codes()) {
    const std::string name = op_name(code);
    bool seen = false;
    for (const auto& u : *used) seen = seen || u == name;
    if (seen) continue;
    used->push_back(name);
    const tflite::BuiltinOperator op = tflite::GetBuiltinCode(code);
    const bool known = op == tflite::BuiltinOperator_CUSTOM
                           ? code->custom_code() && resolver.FindOp(code->custom_code()->c_str()) != nullptr
                           : resolver.FindOp(op) != nullptr;
    if (!known) missing->push_back(name);
  }
}

void print_graph_tensor(const ModelFile& m, const char* kind, size_t i, int index) {
  const tflite::Tensor* t = graph_tensor(m, index);
  const ElementType* e = type_of(t->type());
  std::vector<int64_t> shape;
  if (t->shape()) shape.assign(t->shape()->begin(), t->shape()->end());
  std::printf("%s %zu: %s %s tensor %d '%s'", kind, i, e ? e->name : tflite::EnumNameTensorType(t->type()),
              shape_text(shape).c_str(), index, tensor_name(t).c_str());
  const tflite::QuantizationParameters* q = t->quantization();
  if (q && q->scale() && q->scale()->size() == 1)
    std::printf(" scale %.9g zero point %lld", double(q->scale()->Get(0)),
                q->zero_point() && q->zero_point()->size() ? (long long)q->zero_point()->Get(0) : 0LL);
  else if (q && q->scale() && q->scale()->size() > 1)
    std::printf(" per-axis quantization (axis %d, %u scales)", q->quantized_dimension(), q->scale()->size());
  std::printf("\n");
}

int info(const ModelFile& m, const tflm_runner::Resolver& resolver) {
  const size_t inputs = m.main->inputs() ? m.main->inputs()->size() : 0;
  const size_t outputs = m.main->outputs() ? m.main->outputs()->size() : 0;
  std::printf("inputs %zu outputs %zu operators %u subgraphs %u\n", inputs, outputs,
              m.main->operators() ? m.main->operators()->size() : 0, m.model->subgraphs()->size());
  for (size_t i = 0; i < inputs; ++i)
    print_graph_tensor(m, "input", i, m.main->inputs()->Get(flatbuffers::uoffset_t(i)));
  for (size_t i = 0; i < outputs; ++i)
    print_graph_tensor(m, "output", i, m.main->outputs()->Get(flatbuffers::uoffset_t(i)));
  std::vector<std::string> used, missing;
  model_ops(m, resolver, &used, &missing);
  std::printf("ops:");
  for (const auto& u : used) std::printf(" %s", u.c_str());
  std::printf("\n");
  if (!missing.empty()) {
    std::printf("unsupported ops:");
    for (const auto& u : missing) std::printf(" %s", u.c_str());
    std::printf("\n");
  }
  return 0;
}

struct Options {
  std::string model;
  std::vector<std::string> inputs, outputs;
  size_t arena_kib = 64 * 1024;  // 64 MiB: more than any model kiln checks needs
  bool info = false;
};

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage(a + " needs a value");
      return argv[++i];
    };
    if (a == "--input") {
      o.inputs.push_back(value());
    } else if (a == "--output") {
      o.outputs.push_back(value());
    } else if (a == "--arena-kib") {
      const std::string v = value();
      char* end = nullptr;
      const unsigned long long kib = std::strtoull(v.c_str(), &end, 10);
      if (v.empty() || *end != '\0' || kib == 0 || kib > (1ULL << 24))
        usage("--arena-kib: '" + v + "' is no size in KiB (1 to 16777216)");
      o.arena_kib = size_t(kib);
    } else if (a == "--info") {
      o.info = true;
    } else if (a == "-h" || a == "--help") {
      usage("runs a .tflite model on TensorFlow Lite Micro's reference kernels");
    } else if (a.size() > 1 && a[0] == '-') {
      usage("unknown option " + a);
    } else if (o.model.empty()) {
      o.model = a;
    } else {
      usage("a second model '" + a + "' (inputs and outputs are given with --input and --output)");
    }
  }
  if (o.model.empty()) usage("no model given");
  if (o.info && (!o.inputs.empty() || !o.outputs.empty())) usage("--info takes no --input or --output");
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  const Options opt = parse(argc, argv);
  const ModelFile m = load_model(opt.model);

  static tflm_runner::Resolver resolver;  // large: not on the stack
  if (const char* failed = tflm_runner::register_all_ops(resolver)) fail(std::string("cannot register ") + failed);
  if (opt.info) return info(m, resolver);

  std::vector<std::string> used, missing;
  model_ops(m, resolver, &used, &missing);
  if (!missing.empty()) {
    std::string list;
    for (const auto& name : missing) list += (list.empty() ? "" : ", ") + name;
    fail(opt.model + ": operator(s) TensorFlow Lite Micro does not build: " + list);
  }

  const size_t model_inputs = m.main->inputs() ? m.main->inputs()->size() : 0;
  const size_t model_outputs = m.main->outputs() ? m.main->outputs()->size() : 0;
  auto input_index = [&](size_t i) { return m.main->inputs()->Get(flatbuffers::uoffset_t(i)); };
  auto output_index = [&](size_t i) { return m.main->outputs()->Get(flatbuffers::uoffset_t(i)); };
  if (opt.inputs.size() != model_inputs) {
    std::string list;
    for (size_t i = 0; i < model_inputs; ++i) list += (i ? "; " : "") + describe(m, "input", i, input_index(i), true);
    fail(opt.model + ": --input given " + std::to_string(opt.inputs.size()) + " time(s), the model has " +
         std::to_string(model_inputs) + " input(s), one --input each in this order: " + list);
  }
  if (opt.outputs.size() > model_outputs)
    fail(opt.model + ": --output given " + std::to_string(opt.outputs.size()) + " times, the model has " +
         std::to_string(model_outputs) + " output(s)");

  // Read every input before building the interpreter, so that a wrong file
  // is named before anything else can fail.
  std::vector<NpyArray> arrays(opt.inputs.size());
  for (size_t i = 0; i < opt.inputs.size(); ++i) {
    std::string error;
    if (!tflm_runner::read_npy(opt.inputs[i], &arrays[i], &error))
      fail(opt.inputs[i] + " (" + describe(m, "input", i, input_index(i)) + "): " + error);
  }

  const size_t arena_bytes = opt.arena_kib * 1024;
  uint8_t* arena = static_cast<uint8_t*>(std::aligned_alloc(16, arena_bytes));
  if (!arena) fail("cannot allocate a tensor arena of " + std::to_string(opt.arena_kib) + " KiB");
  tflite::MicroAllocator* allocator = tflite::MicroAllocator::Create(arena, arena_bytes);
  if (!allocator) fail("cannot create the allocator in a " + std::to_string(opt.arena_kib) + " KiB arena");
  // Resource variables (VAR_HANDLE, READ_VARIABLE, ASSIGN_VARIABLE) live in the arena too.
  tflite::MicroResourceVariables* variables = tflite::MicroResourceVariables::Create(allocator, 64);
  tflite::MicroInterpreter interpreter(m.model, resolver, allocator, variables);
  if (interpreter.AllocateTensors() != kTfLiteOk)
    fail(opt.model + ": AllocateTensors failed (messages above; a larger --arena-kib than " +
         std::to_string(opt.arena_kib) + " if the arena is too small)");
  if (interpreter.inputs_size() != model_inputs || interpreter.outputs_size() != model_outputs)
    fail(opt.model + ": the interpreter sees a different number of inputs or outputs than subgraph 0 lists");

  for (size_t i = 0; i < model_inputs; ++i) {
    TfLiteTensor* t = interpreter.input(i);
    const ElementType* e = type_of(t->type);
    const std::string what = opt.inputs[i] + " (" + describe(m, "input", i, input_index(i)) + ")";
    if (!e) fail(what + ": the input's type " + TfLiteTypeGetName(t->type) + " cannot be read from .npy");
    const NpyArray& a = arrays[i];
    const std::vector<int64_t> dims = dims_of(t->dims);
    if (a.descr != e->descr || a.shape != dims)
      fail(what + ": the file holds " + type_name_of_descr(a.descr) + " " + shape_text(a.shape) + ", expected " +
           e->name + " " + shape_text(dims));
    if (a.data.size() != t->bytes)
      fail(what + ": " + std::to_string(a.data.size()) + " data bytes, the tensor has " + std::to_string(t->bytes));
    if (!a.data.empty()) std::memcpy(t->data.raw, a.data.data(), a.data.size());
  }

  if (interpreter.Invoke() != kTfLiteOk) fail(opt.model + ": Invoke failed (messages above)");

  for (size_t i = 0; i < opt.outputs.size(); ++i) {
    const TfLiteTensor* t = interpreter.output(i);
    const ElementType* e = type_of(t->type);
    const std::string what = opt.outputs[i] + " (" + describe(m, "output", i, output_index(i)) + ")";
    if (!e) fail(what + ": the output's type " + TfLiteTypeGetName(t->type) + " cannot be written as .npy");
    NpyArray a;
    a.descr = e->descr;
    a.shape = dims_of(t->dims);
    size_t count = 1;
    for (const int64_t d : a.shape) count *= size_t(d);
    if (count * tflm_runner::npy_item_size(a.descr) != t->bytes)
      fail(what + ": " + std::to_string(t->bytes) + " bytes for " + std::to_string(count) + " elements");
    const auto* data = static_cast<const uint8_t*>(t->data.data);
    a.data.assign(data, data + t->bytes);
    std::string error;
    if (!tflm_runner::write_npy(opt.outputs[i], a, &error)) fail(what + ": " + error);
  }
  return 0;
}
