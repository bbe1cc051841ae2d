// `kiln run --output` writes the output in the source model's type: an ONNX
// model whose output is uint8 gets a uint8 .npy (the IR's int8 value + 128),
// not the IR's int8. The model is written here: a QLinearMatMul with uint8
// activations (zero point 128, scale 1) and identity int8 weights, so the
// output equals the input.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <onnx/onnx_pb.h>

#include "tests/support/npy_by_hand.h"

namespace {

std::string kiln_bin() {
  const char* bin = std::getenv("KILN_BIN");
  return bin ? bin : "";
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

struct TempDir {
  std::string path;
  TempDir() {
    char t[] = "/tmp/kiln_u8_XXXXXX";
    const char* d = mkdtemp(t);
    REQUIRE(d != nullptr);
    path = d;
  }
  ~TempDir() { std::system(("rm -rf '" + path + "'").c_str()); }
};

void scalar(onnx::GraphProto* g, const std::string& name, int type, int32_t v) {
  onnx::TensorProto* t = g->add_initializer();
  t->set_name(name);
  t->set_data_type(type);
  if (type == onnx::TensorProto::FLOAT)
    t->add_float_data(float(v));
  else
    t->add_int32_data(v);
}

// y = QLinearMatMul(a uint8 [1, 4] (scale 1, zp 128), identity int8 (scale 1, zp 0)) as uint8 (scale 1, zp 128).
std::string identity_model() {
  onnx::ModelProto m;
  m.set_ir_version(7);
  m.add_opset_import()->set_version(13);
  onnx::GraphProto* g = m.mutable_graph();
  onnx::ValueInfoProto* a = g->add_input();
  a->set_name("a");
  a->mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto::UINT8);
  for (int64_t d : {1, 4}) a->mutable_type()->mutable_tensor_type()->mutable_shape()->add_dim()->set_dim_value(d);
  onnx::TensorProto* b = g->add_initializer();
  b->set_name("b");
  b->set_data_type(onnx::TensorProto::INT8);
  b->add_dims(4), b->add_dims(4);
  for (int i = 0; i < 16; ++i) b->add_int32_data(i % 5 == 0 ? 1 : 0);
  scalar(g, "one", onnx::TensorProto::FLOAT, 1);
  scalar(g, "zp_u8", onnx::TensorProto::UINT8, 128);
  scalar(g, "zp_i8", onnx::TensorProto::INT8, 0);
  onnx::NodeProto* n = g->add_node();
  n->set_op_type("QLinearMatMul");
  n->set_name("mm");
  for (const char* in : {"a", "one", "zp_u8", "b", "one", "zp_i8", "one", "zp_u8"}) n->add_input(in);
  n->add_output("y");
  g->add_output()->set_name("y");
  return m.SerializeAsString();
}

}  // namespace

TEST_CASE("run: a uint8 ONNX output is written as a uint8 .npy", "[run]") {
  struct stat st;
  REQUIRE(stat(kiln_bin().c_str(), &st) == 0);
  TempDir dir;
  const std::string model = dir.path + "/identity_u8.onnx", in = dir.path + "/in.npy", out = dir.path + "/out.npy";
  std::ofstream(model, std::ios::binary) << identity_model();
  const std::vector<uint8_t> values = {0, 1, 200, 255};
  kiln::test::write_npy_by_hand(in, "|u1", "(1, 4)", values);
  const int status = std::system(
      ("'" + kiln_bin() + "' run '" + model + "' --input '" + in + "' --output '" + out + "' > '" + dir.path +
       "/log' 2>&1")
          .c_str());
  INFO(slurp(dir.path + "/log"));
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);
  const std::string bytes = slurp(out);
  REQUIRE(bytes.size() > 10);
  const size_t header_len = uint8_t(bytes[8]) | (size_t(uint8_t(bytes[9])) << 8);
  const std::string header = bytes.substr(10, header_len);
  CHECK(header.find("'descr': '|u1'") != std::string::npos);  // the IR's type would be '|i1'
  CHECK(header.find("(1, 4)") != std::string::npos);
  // The identity gives back the input's uint8 values (int8 would be value - 128).
  CHECK(bytes.substr(10 + header_len) == std::string(values.begin(), values.end()));
}
