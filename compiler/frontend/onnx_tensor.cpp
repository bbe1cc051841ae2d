#include "compiler/frontend/onnx_tensor.h"

#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>

#include <fmt/format.h>

#include "arch/error.h"

namespace kiln::onnx_frontend {

namespace {

using DT = onnx::TensorProto_DataType;

// Bytes per element in raw_data, 0 for types we do not decode.
size_t element_bytes(int32_t t) {
  switch (t) {
    case onnx::TensorProto::FLOAT: return 4;
    case onnx::TensorProto::DOUBLE: return 8;
    case onnx::TensorProto::UINT8:
    case onnx::TensorProto::INT8:
    case onnx::TensorProto::BOOL: return 1;
    case onnx::TensorProto::UINT16:
    case onnx::TensorProto::INT16: return 2;
    case onnx::TensorProto::INT32:
    case onnx::TensorProto::UINT32: return 4;
    case onnx::TensorProto::INT64:
    case onnx::TensorProto::UINT64: return 8;
    default: return 0;
  }
}

// Appends the n elements of raw data of type T to `out` (one loop per type:
// a model's weights are most of its bytes).
template <typename T, typename Out>
void append_raw(const std::string& raw, size_t n, std::vector<Out>* out) {
  out->reserve(n);
  for (size_t i = 0; i < n; ++i) {
    T v;
    std::memcpy(&v, raw.data() + i * sizeof(T), sizeof(T));  // ONNX raw data is little-endian, as is the host
    out->push_back(static_cast<Out>(v));
  }
}

}  // namespace

bool ConstTensor::is_float() const {
  return data_type == onnx::TensorProto::FLOAT || data_type == onnx::TensorProto::DOUBLE;
}

int64_t ConstTensor::element_count() const {
  return is_float() ? static_cast<int64_t>(floats.size()) : static_cast<int64_t>(ints.size());
}

double ConstTensor::real(int64_t i) const {
  return is_float() ? floats[static_cast<size_t>(i)] : static_cast<double>(ints[static_cast<size_t>(i)]);
}

int64_t ConstTensor::integer(int64_t i) const {
  return is_float() ? static_cast<int64_t>(floats[static_cast<size_t>(i)]) : ints[static_cast<size_t>(i)];
}

std::string data_type_name(int32_t data_type) {
  if (onnx::TensorProto_DataType_IsValid(data_type)) {
    return onnx::TensorProto_DataType_Name(static_cast<DT>(data_type));
  }
  return fmt::format("data type {}", data_type);
}

ConstTensor decode_tensor(const onnx::TensorProto& proto, const std::string& where) {
  ConstTensor t;
  t.data_type = proto.data_type();
  int64_t count = 1;
  for (int64_t d : proto.dims()) {
    if (d < 0 || (d > 0 && count > std::numeric_limits<int32_t>::max() / d)) {
      throw Error(fmt::format("{}: dimension {} is negative or the tensor is too large", where, d));
    }
    t.dims.push_back(d);
    count *= d;
  }
  if (proto.data_location() == onnx::TensorProto::EXTERNAL) {
    throw Error(fmt::format("{}: external tensor data is not supported (store it inside the model)", where));
  }
  size_t bytes = element_bytes(t.data_type);
  if (bytes == 0) {
    throw Error(fmt::format("{}: tensor type {} is not supported (supported: INT8, UINT8, INT32, INT64, FLOAT, "
                            "DOUBLE)",
                            where, data_type_name(t.data_type)));
  }
  const size_t n = static_cast<size_t>(count);
  auto mismatch = [&](size_t have) {
    return Error(fmt::format("{}: holds {} elements, its dims {} need {}", where, have,
                             fmt::join(t.dims, "x"), n));
  };
  if (proto.has_raw_data()) {
    const std::string& raw = proto.raw_data();
    if (raw.size() != n * bytes) throw mismatch(raw.size() / bytes);
    switch (t.data_type) {
      case onnx::TensorProto::FLOAT: append_raw<float>(raw, n, &t.floats); break;
      case onnx::TensorProto::DOUBLE: append_raw<double>(raw, n, &t.floats); break;
      case onnx::TensorProto::UINT8:
      case onnx::TensorProto::BOOL: append_raw<uint8_t>(raw, n, &t.ints); break;
      case onnx::TensorProto::INT8: append_raw<int8_t>(raw, n, &t.ints); break;
      case onnx::TensorProto::UINT16: append_raw<uint16_t>(raw, n, &t.ints); break;
      case onnx::TensorProto::INT16: append_raw<int16_t>(raw, n, &t.ints); break;
      case onnx::TensorProto::INT32: append_raw<int32_t>(raw, n, &t.ints); break;
      case onnx::TensorProto::UINT32: append_raw<uint32_t>(raw, n, &t.ints); break;
      case onnx::TensorProto::INT64: append_raw<int64_t>(raw, n, &t.ints); break;
      case onnx::TensorProto::UINT64: append_raw<uint64_t>(raw, n, &t.ints); break;
    }
    return t;
  }
  // Typed fields: small integer types live in int32_data, uint32/uint64 in uint64_data.
  switch (t.data_type) {
    case onnx::TensorProto::FLOAT:
      if (static_cast<size_t>(proto.float_data_size()) != n) throw mismatch(proto.float_data_size());
      t.floats.assign(proto.float_data().begin(), proto.float_data().end());
      break;
    case onnx::TensorProto::DOUBLE:
      if (static_cast<size_t>(proto.double_data_size()) != n) throw mismatch(proto.double_data_size());
      t.floats.assign(proto.double_data().begin(), proto.double_data().end());
      break;
    case onnx::TensorProto::INT64:
      if (static_cast<size_t>(proto.int64_data_size()) != n) throw mismatch(proto.int64_data_size());
      t.ints.assign(proto.int64_data().begin(), proto.int64_data().end());
      break;
    case onnx::TensorProto::UINT32:
    case onnx::TensorProto::UINT64:
      if (static_cast<size_t>(proto.uint64_data_size()) != n) throw mismatch(proto.uint64_data_size());
      for (uint64_t v : proto.uint64_data()) t.ints.push_back(static_cast<int64_t>(v));
      break;
    default:
      if (static_cast<size_t>(proto.int32_data_size()) != n) throw mismatch(proto.int32_data_size());
      t.ints.assign(proto.int32_data().begin(), proto.int32_data().end());
      break;
  }
  return t;
}

onnx::TensorProto read_tensor_proto(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(fmt::format("{}: cannot open", path));
  std::ostringstream bytes;
  bytes << in.rdbuf();
  onnx::TensorProto proto;
  if (!proto.ParseFromString(bytes.str())) throw Error(fmt::format("{}: not a serialized ONNX TensorProto", path));
  return proto;
}

}  // namespace kiln::onnx_frontend
