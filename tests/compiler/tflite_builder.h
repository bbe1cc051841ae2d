// Builds small .tflite flatbuffers in tests through the generated builder API
// of compiler/frontend/tflite_schema.fbs: tensors (with optional constant
// data and quantization), operators by builtin code, graph inputs/outputs.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "arch/error.h"
#include "compiler/frontend/tflite_reader.h"
#include "compiler/frontend/tflite_schema_generated.h"

namespace kiln::test {

class TfliteBuilder {
 public:
  struct TensorSpec {
    std::string name;
    std::vector<int32_t> shape;
    tflite::TensorType type = tflite::TensorType_INT8;
    std::vector<float> scale;  // empty: no quantization
    std::vector<int64_t> zero_point;
    int32_t axis = 0;
    std::vector<uint8_t> data;  // empty: an activation
  };

  int tensor(TensorSpec spec) {
    tensors_.push_back(std::move(spec));
    return int(tensors_.size()) - 1;
  }
  int int8(const std::string& name, std::vector<int32_t> shape, float scale, int64_t zp) {
    return tensor({name, std::move(shape), tflite::TensorType_INT8, {scale}, {zp}, 0, {}});
  }
  int const_int8(const std::string& name, std::vector<int32_t> shape, const std::vector<int8_t>& values,
                 std::vector<float> scales, int32_t axis = 0) {
    std::vector<uint8_t> bytes(values.size());
    std::memcpy(bytes.data(), values.data(), values.size());
    std::vector<int64_t> zps(scales.size(), 0);
    return tensor({name, std::move(shape), tflite::TensorType_INT8, std::move(scales), zps, axis, bytes});
  }
  int const_int32(const std::string& name, std::vector<int32_t> shape, const std::vector<int32_t>& values) {
    std::vector<uint8_t> bytes(values.size() * 4);
    std::memcpy(bytes.data(), values.data(), bytes.size());
    return tensor({name, std::move(shape), tflite::TensorType_INT32, {}, {}, 0, bytes});
  }

  // An operator; `options` writes its options table into the builder and
  // returns (type, offset), or is empty.
  struct OpSpec {
    int32_t builtin;
    std::vector<int32_t> inputs, outputs;
    tflite::BuiltinOptions options_type = tflite::BuiltinOptions_NONE;
    flatbuffers::Offset<void> options;
    bool deprecated_code_only = false;  // write the code only in the legacy byte field
  };
  flatbuffers::FlatBufferBuilder& fbb() { return fbb_; }
  void op(int32_t builtin, std::vector<int32_t> inputs, std::vector<int32_t> outputs,
          tflite::BuiltinOptions options_type = tflite::BuiltinOptions_NONE, flatbuffers::Offset<void> options = 0,
          bool deprecated_code_only = false) {
    ops_.push_back({builtin, std::move(inputs), std::move(outputs), options_type, options, deprecated_code_only});
  }

  std::vector<uint8_t> finish(const std::vector<int32_t>& inputs, const std::vector<int32_t>& outputs) {
    std::vector<flatbuffers::Offset<tflite::Buffer>> buffers = {tflite::CreateBuffer(fbb_)};
    std::vector<flatbuffers::Offset<tflite::Tensor>> tensors;
    for (const TensorSpec& t : tensors_) {
      uint32_t buffer = 0;
      if (!t.data.empty()) {
        fbb_.ForceVectorAlignment(t.data.size(), 1, 16);
        buffers.push_back(tflite::CreateBuffer(fbb_, fbb_.CreateVector(t.data)));
        buffer = uint32_t(buffers.size() - 1);
      }
      flatbuffers::Offset<tflite::QuantizationParameters> q;
      if (!t.scale.empty())
        q = tflite::CreateQuantizationParameters(fbb_, 0, 0, fbb_.CreateVector(t.scale), fbb_.CreateVector(t.zero_point),
                                                 tflite::QuantizationDetails_NONE, 0, t.axis);
      tensors.push_back(
          tflite::CreateTensor(fbb_, fbb_.CreateVector(t.shape), t.type, buffer, fbb_.CreateString(t.name), q));
    }
    std::vector<flatbuffers::Offset<tflite::OperatorCode>> codes;
    std::vector<flatbuffers::Offset<tflite::Operator>> ops;
    for (const OpSpec& o : ops_) {
      const int8_t legacy = int8_t(o.builtin < 127 ? o.builtin : 127);
      codes.push_back(tflite::CreateOperatorCode(fbb_, legacy, 0, 1,
                                                 o.deprecated_code_only ? tflite::BuiltinOperator_ADD
                                                                        : tflite::BuiltinOperator(o.builtin)));
      ops.push_back(tflite::CreateOperator(fbb_, uint32_t(codes.size() - 1), fbb_.CreateVector(o.inputs),
                                           fbb_.CreateVector(o.outputs), o.options_type, o.options));
    }
    auto sg = tflite::CreateSubGraph(fbb_, fbb_.CreateVector(tensors), fbb_.CreateVector(inputs),
                                     fbb_.CreateVector(outputs), fbb_.CreateVector(ops), fbb_.CreateString("main"));
    auto model = tflite::CreateModel(fbb_, 3, fbb_.CreateVector(codes), fbb_.CreateVector(&sg, 1),
                                     fbb_.CreateString("kiln test"), fbb_.CreateVector(buffers));
    tflite::FinishModelBuffer(fbb_, model);
    return std::vector<uint8_t>(fbb_.GetBufferPointer(), fbb_.GetBufferPointer() + fbb_.GetSize());
  }

 private:
  flatbuffers::FlatBufferBuilder fbb_;
  std::vector<TensorSpec> tensors_;
  std::vector<OpSpec> ops_;
};

// A built model read as the file "t.tflite", and the error reading it gives ("(no error)" if none).
inline ir::Graph read_tflite_bytes(const std::vector<uint8_t>& bytes) {
  return frontend::read_tflite_buffer(bytes.data(), bytes.size(), "t.tflite");
}
inline std::string tflite_error(const std::vector<uint8_t>& bytes) {
  try {
    read_tflite_bytes(bytes);
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace kiln::test
