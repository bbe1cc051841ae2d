// The fuzzer's bytes read as a one-op TFLite model, written with kiln's
// TFLite schema: the reader of the bytes and the model builder the operator
// harnesses share (operator.cpp, kernel_operator.cpp).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <flatbuffers/flatbuffers.h>

#include "compiler/frontend/tflite_schema_generated.h"

namespace kiln::fuzz {

namespace tfl = tflite;

// The fuzzer's bytes, read front to back; zeros once they run out.
class Bytes {
 public:
  Bytes(const uint8_t* data, size_t size) : p_(data), n_(size) {}
  uint8_t u8() { return i_ < n_ ? p_[i_++] : 0; }
  bool flag() { return u8() & 1; }
  template <class T>
  T pick(const std::vector<T>& options) { return options[u8() % options.size()]; }

  // Mostly small dimensions, sometimes an extreme one.
  int32_t dim() {
    const uint8_t b = u8();
    if (b < 224) return 1 + b % 12;
    return pick<int32_t>({0, -1, 16, 33, 255, 1000, 65536, 1 << 24, std::numeric_limits<int32_t>::max(),
                          std::numeric_limits<int32_t>::min()});
  }
  float scale() {
    const uint8_t b = u8();
    if (b < 192) return 0.001f + float(b) / 256.0f;
    const float inf = std::numeric_limits<float>::infinity();
    return pick<float>({0.0f, -0.0f, std::nanf(""), inf, -inf, 1e38f, 3.4e38f, 1e-38f, 1e-45f, -0.5f, 1e10f,
                        1e-10f, 65536.0f, 1.0f});
  }
  int64_t zero_point() {
    const uint8_t b = u8();
    if (b < 192) return int64_t(b % 16) - 8;
    return pick<int64_t>({-128, 127, 128, -129, 100000, std::numeric_limits<int64_t>::min(),
                          std::numeric_limits<int64_t>::max()});
  }
  int32_t small(int32_t lo, int32_t hi) { return lo + int32_t(u8() % uint32_t(hi - lo + 1)); }

 private:
  const uint8_t* p_;
  size_t n_, i_ = 0;
};

inline int64_t elements(const std::vector<int32_t>& shape) {
  int64_t n = 1;
  for (int32_t d : shape) {
    if (d < 0) return -1;
    if (d != 0 && n > (int64_t(1) << 40) / d) return -1;
    n *= d;
  }
  return n;
}

class ModelBuilder {
 public:
  explicit ModelBuilder(Bytes& in) : in_(in) { buffers_.push_back(tfl::CreateBuffer(fbb_)); }

  // A quantization with `count` scales (per channel along `axis` when > 1).
  flatbuffers::Offset<tfl::QuantizationParameters> quant(size_t count, int axis) {
    std::vector<float> scales;
    std::vector<int64_t> zps;
    const float s = in_.scale();
    const int64_t zp = in_.zero_point();
    for (size_t i = 0; i < count; ++i) {
      scales.push_back(in_.flag() ? s : in_.scale());
      zps.push_back(count > 1 ? (in_.u8() < 240 ? 0 : in_.zero_point()) : zp);
    }
    return tfl::CreateQuantizationParametersDirect(fbb_, nullptr, nullptr, &scales, &zps, tfl::QuantizationDetails_NONE,
                                                  0, axis);
  }

  // Per-channel counts: usually right, sometimes one off or none.
  size_t channel_count(int32_t channels) {
    const uint8_t b = in_.u8();
    const size_t c = channels > 0 && channels < 4096 ? size_t(channels) : 1;
    if (b < 200) return c;
    return in_.pick<size_t>({0, 1, c + 1, c > 1 ? c - 1 : 2});
  }

  // Constant contents for `shape` of `elem` bytes each: exact when small,
  // sometimes short.
  uint32_t constant(const std::vector<int32_t>& shape, size_t elem, const std::vector<uint8_t>& fixed = {}) {
    std::vector<uint8_t> data = fixed;
    if (data.empty()) {
      const int64_t n = elements(shape);
      size_t bytes = n >= 0 && n <= (1 << 16) ? size_t(n) * elem : 64;
      if (in_.u8() >= 240) bytes = bytes / 2 + 1;
      data.resize(bytes);
      const uint8_t seed = in_.u8();
      for (size_t i = 0; i < bytes; ++i) data[i] = uint8_t(seed * 31 + i * 7);
    }
    buffers_.push_back(tfl::CreateBufferDirect(fbb_, &data));
    return uint32_t(buffers_.size() - 1);
  }

  int tensor(const std::vector<int32_t>& shape, tfl::TensorType type, flatbuffers::Offset<tfl::QuantizationParameters> q,
             uint32_t buffer = 0) {
    const std::string name = "t" + std::to_string(tensors_.size());
    tensors_.push_back(tfl::CreateTensorDirect(fbb_, &shape, type, buffer, name.c_str(), q));
    return int(tensors_.size() - 1);
  }
  int activation(const std::vector<int32_t>& shape) { return tensor(shape, tfl::TensorType_INT8, quant(1, 0)); }
  int int32_constant(const std::vector<int32_t>& values) {
    std::vector<uint8_t> bytes;
    for (int32_t v : values)
      for (int k = 0; k < 4; ++k) bytes.push_back(uint8_t(uint32_t(v) >> (8 * k)));
    return tensor({int32_t(values.size())}, tfl::TensorType_INT32, 0, constant({int32_t(values.size())}, 4, bytes));
  }

  std::vector<uint8_t> finish(tfl::BuiltinOperator code, std::vector<int> inputs, std::vector<int> outputs,
                              tfl::BuiltinOptions options_type, flatbuffers::Offset<void> options,
                              std::vector<int> graph_inputs) {
    std::vector<flatbuffers::Offset<tfl::OperatorCode>> codes{
        tfl::CreateOperatorCode(fbb_, int8_t(code < 127 ? code : 127), 0, 1, code)};
    std::vector<flatbuffers::Offset<tfl::Operator>> ops{
        tfl::CreateOperatorDirect(fbb_, 0, &inputs, &outputs, options_type, options)};
    std::vector<flatbuffers::Offset<tfl::SubGraph>> subgraphs{
        tfl::CreateSubGraphDirect(fbb_, &tensors_, &graph_inputs, &outputs, &ops, "main")};
    fbb_.Finish(tfl::CreateModelDirect(fbb_, 3, &codes, &subgraphs, "fuzz", &buffers_), "TFL3");
    return {fbb_.GetBufferPointer(), fbb_.GetBufferPointer() + fbb_.GetSize()};
  }

  flatbuffers::FlatBufferBuilder& fbb() { return fbb_; }

 private:
  Bytes& in_;
  flatbuffers::FlatBufferBuilder fbb_;
  std::vector<flatbuffers::Offset<tfl::Tensor>> tensors_;
  std::vector<flatbuffers::Offset<tfl::Buffer>> buffers_;
};

}  // namespace kiln::fuzz
