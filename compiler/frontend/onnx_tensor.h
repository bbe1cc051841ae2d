// Constant ONNX tensors (initializers, Constant nodes, test-data .pb files)
// decoded from their TensorProto into plain vectors, whichever of the
// proto's storage forms (raw_data or the typed repeated fields) they use.
// Internal to the ONNX front end.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <onnx/onnx_pb.h>

namespace kiln::onnx_frontend {

struct ConstTensor {
  int32_t data_type = 0;         // onnx::TensorProto_DataType
  std::vector<int64_t> dims;
  std::vector<int64_t> ints;     // integer types (int8, uint8, int32, int64, ...)
  std::vector<double> floats;    // float and double

  bool is_float() const;
  int64_t element_count() const;
  // Element i as a double / integer whatever the type (precondition: i < count).
  double real(int64_t i) const;
  int64_t integer(int64_t i) const;
};

// The data type's name as ONNX spells it ("INT8", "FLOAT", ...).
std::string data_type_name(int32_t data_type);

// Decodes a TensorProto. `where` prefixes every error ("model.onnx: initializer 'w'").
ConstTensor decode_tensor(const onnx::TensorProto& proto, const std::string& where);

// Parses a serialized TensorProto file (the input_N.pb / output_N.pb of ONNX
// test data). Throws kiln::Error naming the file when it cannot.
onnx::TensorProto read_tensor_proto(const std::string& path);

}  // namespace kiln::onnx_frontend
