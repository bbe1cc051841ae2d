// Every MCU kernel end to end: an op of a one-op graph, lowered and encoded
// by codegen, run by the simulated MCU's dispatch through memory, gives what
// the reference interpreter gives for the graph, bit for bit.
#include <catch2/catch.hpp>

#include <cstring>
#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <string>

#include "arch/mcu_op.h"
#include "arch/soc_config_yaml.h"
#include "compiler/codegen/compile_model.h"
#include "compiler/codegen/mcu_layer.h"
#include "compiler/frontend/load_model.h"
#include "compiler/ir/quant_params.h"
#include "compiler/reference/interpreter.h"
#include "kernels/mcu_kernel_table.h"
#include "sim/mcu_dispatch.h"
#include "tests/support/test_paths.h"

using namespace kiln;

namespace {

// Byte-addressed memory; reading a byte never written is an error.
class MapMemory final : public sim::MemoryPort {
 public:
  void read(uint64_t addr, void* dst, size_t len) override {
    auto* out = static_cast<uint8_t*>(dst);
    for (size_t i = 0; i < len; ++i) {
      const auto it = bytes_.find(addr + i);
      if (it == bytes_.end()) throw std::runtime_error("read of unwritten address " + std::to_string(addr + i));
      out[i] = it->second;
    }
  }
  void write(uint64_t addr, const void* src, size_t len) override {
    for (size_t i = 0; i < len; ++i) bytes_[addr + i] = static_cast<const uint8_t*>(src)[i];
  }

 private:
  std::map<uint64_t, uint8_t> bytes_;
};

int activation(ir::Graph& g, ir::Shape shape, float scale, int32_t zp) {
  ir::Tensor t;
  t.name = "t" + std::to_string(g.tensors.size());
  t.shape = std::move(shape);
  t.quant.scale = {scale};
  t.quant.zero_point = {zp};
  return g.add_tensor(t);
}

int constant(ir::Graph& g, ir::Shape shape, ir::DataType type, std::mt19937& rng) {
  ir::Tensor t;
  t.name = "c" + std::to_string(g.tensors.size());
  t.shape = std::move(shape);
  t.type = type;
  t.quant.scale = {0.02f};
  t.quant.zero_point = {0};
  t.data.resize(t.byte_size());
  for (size_t i = 0; i < t.data.size(); i += ir::data_type_size(type)) {
    const int32_t v = type == ir::DataType::Int32 ? int32_t(rng() % 2001) - 1000 : int32_t(rng() % 256) - 128;
    std::memcpy(&t.data[i], &v, ir::data_type_size(type));
  }
  return g.add_tensor(t);
}

// Runs the graph's single op both ways and compares the outputs; returns the kernel's name.
std::string check_op(ir::Graph& g, ir::Op op, std::mt19937& rng) {
  g.source = "test";
  op.name = ir::op_name(op);
  g.ops = {op};
  g.inputs.clear();
  for (int t : op.inputs)
    if (!g.tensors[size_t(t)].is_constant()) g.inputs.push_back(t);
  g.outputs = {op.outputs[0]};

  std::vector<reference::TensorData> inputs;
  for (int t : g.inputs) {
    const ir::Tensor& tensor = g.tensors[size_t(t)];
    reference::TensorData v(tensor.byte_size());
    if (tensor.type == ir::DataType::Float32) {
      for (size_t i = 0; i < v.size(); i += 4) {
        const float x = float(int(rng() % 2001) - 1000) / 97.0f;
        std::memcpy(&v[i], &x, 4);
      }
    } else {
      for (auto& x : v) x = int8_t(rng() % 256);
    }
    inputs.push_back(v);
  }
  const auto expected = reference::run_reference(g, inputs);

  // Activations at 0x20000000 + 64 KiB each, constants in flash at 0.
  std::vector<uint64_t> addr(g.tensors.size(), 0);
  for (size_t t = 0; t < g.tensors.size(); ++t) addr[t] = 0x20000000 + 0x10000 * t;
  codegen::FlashImage flash(0);
  const Command cmd = codegen::emit_mcu_op(g, g.ops[0], addr, flash);
  MapMemory mem;
  mem.write(0, flash.bytes().data(), flash.bytes().size());
  for (size_t i = 0; i < g.inputs.size(); ++i)
    mem.write(addr[size_t(g.inputs[i])], inputs[i].data(), inputs[i].size());
  sim::run_mcu_op(std::get<McuOpCmd>(cmd.body), mem);
  reference::TensorData got(expected[0].size());
  mem.read(addr[size_t(op.outputs[0])], got.data(), got.size());
  CHECK(got == expected[0]);
  return find_mcu_kernel(std::get<McuOpCmd>(cmd.body).kernel)->name;
}

}  // namespace

TEST_CASE("mcu kernels: codegen, then the MCU's dispatch through memory, equal the reference for every kernel",
          "[tools]") {
  std::mt19937 rng(5);
  std::set<std::string> ran;
  auto run = [&](ir::Graph& g, const ir::Op& op) {
    INFO(ir::op_name(op));
    ran.insert(check_op(g, op, rng));
  };
  const float s_in = 0.05f, s_out = 0.08f;
  for (ir::OpKind kind : {ir::OpKind::Conv2d, ir::OpKind::DepthwiseConv2d}) {
    ir::Graph g;
    ir::Op op;
    op.kind = kind;
    const bool dw = kind == ir::OpKind::DepthwiseConv2d;
    const int in = activation(g, {1, 7, 6, 3}, s_in, -5);
    const int out_c = dw ? 6 : 4;
    const int w = dw ? constant(g, {1, 3, 2, out_c}, ir::DataType::Int8, rng)
                     : constant(g, {out_c, 3, 2, 3}, ir::DataType::Int8, rng);
    const int b = constant(g, {out_c}, ir::DataType::Int32, rng);
    const int out = activation(g, {1, 3, 3, out_c}, s_out, 3);
    op.inputs = {in, w, b}, op.outputs = {out};
    op.window.kernel_h = 3, op.window.kernel_w = 2, op.window.stride_h = 2, op.window.stride_w = 2;
    op.window.dilation_w = 2, op.window.pad.top = 1;
    op.depth_multiplier = dw ? 2 : 1;
    op.rescale = ir::conv_rescale(s_in, std::vector<float>(size_t(out_c), 0.02f), s_out);
    op.act = {-100, 100};
    run(g, op);
  }
  // CONV_2D on 8 input channels: conv2d with the window above, conv2d_1x1 with a 1x1 one at stride 1
  // (the 3-channel case above is conv2d_shallow).
  for (const bool pointwise : {false, true}) {
    ir::Graph g;
    ir::Op op;
    op.kind = ir::OpKind::Conv2d;
    const int in = activation(g, {1, 7, 6, 8}, s_in, -5);
    const int w = pointwise ? constant(g, {4, 1, 1, 8}, ir::DataType::Int8, rng)
                            : constant(g, {4, 3, 2, 8}, ir::DataType::Int8, rng);
    const int b = constant(g, {4}, ir::DataType::Int32, rng);
    const int out = pointwise ? activation(g, {1, 7, 6, 4}, s_out, 3) : activation(g, {1, 3, 3, 4}, s_out, 3);
    op.inputs = {in, w, b}, op.outputs = {out};
    if (!pointwise) {
      op.window.kernel_h = 3, op.window.kernel_w = 2, op.window.stride_h = 2, op.window.stride_w = 2;
      op.window.dilation_w = 2, op.window.pad.top = 1;
    }
    op.rescale = ir::conv_rescale(s_in, std::vector<float>(4, 0.02f), s_out);
    op.act = {-100, 100};
    run(g, op);
  }
  {
    ir::Graph g;
    ir::Op op;
    op.kind = ir::OpKind::FullyConnected;
    const int in = activation(g, {2, 9}, s_in, -1);
    const int w = constant(g, {5, 9}, ir::DataType::Int8, rng);
    const int b = constant(g, {5}, ir::DataType::Int32, rng);
    op.inputs = {in, w, b}, op.outputs = {activation(g, {2, 5}, s_out, 6)};
    op.rescale = ir::conv_rescale(s_in, std::vector<float>(5, 0.02f), s_out);
    run(g, op);
  }
  {
    ir::Graph g;
    ir::Op op;
    op.kind = ir::OpKind::Add;
    op.inputs = {activation(g, {1, 3, 11}, s_in, 3), activation(g, {1, 3, 11}, 0.03f, -4)};
    op.outputs = {activation(g, {1, 3, 11}, s_out, 1)};
    op.add = ir::add_params(s_in, 0.03f, s_out);
    op.act = {-20, 90};
    run(g, op);
  }
  for (ir::OpKind kind : {ir::OpKind::Maximum, ir::OpKind::Minimum}) {
    ir::Graph g;
    ir::Op op;
    op.kind = kind;
    op.inputs = {activation(g, {1, 3, 11}, s_in, 3), activation(g, {1, 3, 11}, s_in, 3)};
    op.outputs = {activation(g, {1, 3, 11}, s_in, 3)};
    run(g, op);
  }
  // SUB and MUL with the second input the same shape, per channel and a
  // scalar constant.
  for (ir::OpKind kind : {ir::OpKind::Sub, ir::OpKind::Mul}) {
    for (const ir::Shape& b_shape : {ir::Shape{1, 3, 11}, ir::Shape{1, 1, 11}, ir::Shape{1}}) {
      ir::Graph g;
      ir::Op op;
      op.kind = kind;
      const int b = b_shape.size() == 1 ? constant(g, b_shape, ir::DataType::Int8, rng) : activation(g, b_shape, 0.03f, -4);
      op.inputs = {activation(g, {1, 3, 11}, s_in, 3), b};
      op.outputs = {activation(g, {1, 3, 11}, s_out, 1)};
      const float sb = g.tensors[size_t(b)].scale();
      if (kind == ir::OpKind::Sub)
        op.add = ir::add_params(s_in, sb, s_out);
      else
        op.rescale = ir::mul_rescale(s_in, sb, s_out);
      op.act = {-20, 90};
      run(g, op);
    }
  }
  for (ir::OpKind kind : {ir::OpKind::AvgPool, ir::OpKind::MaxPool}) {
    ir::Graph g;
    ir::Op op;
    op.kind = kind;
    op.inputs = {activation(g, {1, 6, 6, 3}, s_in, 2)};
    op.outputs = {activation(g, {1, 3, 3, 3}, s_in, 2)};
    op.window.kernel_h = op.window.kernel_w = 3, op.window.stride_h = op.window.stride_w = 2;
    op.window.pad.top = op.window.pad.left = 1;
    op.act = {-50, 50};
    run(g, op);
  }
  {
    ir::Graph g;
    ir::Op op;
    op.kind = ir::OpKind::Mean;
    op.inputs = {activation(g, {1, 6, 6, 3}, s_in, 2)};
    op.outputs = {activation(g, {1, 1, 1, 3}, s_out, -3)};
    op.rescale = ir::ratio_rescale(s_in, s_out);
    run(g, op);
  }
  {
    ir::Graph g;
    ir::Op op;
    op.kind = ir::OpKind::Softmax;
    op.inputs = {activation(g, {9, 12}, 0.07f, 0)};
    op.outputs = {activation(g, {9, 12}, 1.0f / 256, -128)};
    op.softmax = ir::softmax_params(1.0f, 0.07f);
    run(g, op);
  }
  {
    ir::Graph g;
    ir::Op op;
    op.kind = ir::OpKind::Pad;
    op.inputs = {activation(g, {1, 2, 3, 4}, s_in, -9)};
    op.outputs = {activation(g, {1, 5, 4, 4}, s_in, -9)};
    op.pads = {{0, 0}, {1, 2}, {0, 1}, {0, 0}};
    run(g, op);
  }
  {
    // A channel shuffle: rank 5, the last two dimensions swapped.
    ir::Graph g;
    ir::Op op = ir::kernel_op("transpose", {{"perm", {0, 1, 2, 4, 3}}});
    op.inputs = {activation(g, {1, 3, 2, 2, 5}, s_in, 2)};
    op.outputs = {activation(g, {1, 3, 2, 5, 2}, s_in, 2)};
    run(g, op);
  }
  {
    ir::Graph g;
    ir::Op op = ir::kernel_op("resize_nearest", {{"align_corners", {0}}, {"half_pixel_centers", {1}}});
    op.inputs = {activation(g, {1, 7, 5, 3}, s_in, 2)};
    op.outputs = {activation(g, {1, 10, 3, 3}, s_in, 2)};
    run(g, op);
  }
  {
    // An activation against a per-channel constant of another scale.
    ir::Graph g;
    ir::Op op = ir::kernel_op("squared_difference");
    op.inputs = {activation(g, {1, 3, 4, 5}, s_in, 2), constant(g, {5}, ir::DataType::Int8, rng)};
    op.outputs = {activation(g, {1, 3, 4, 5}, s_out, -100)};
    run(g, op);
  }
  {
    // A learned slope per channel, a constant in flash.
    ir::Graph g;
    ir::Op op = ir::kernel_op("prelu");
    op.inputs = {activation(g, {1, 4, 5, 6}, s_in, 2), constant(g, {1, 1, 6}, ir::DataType::Int8, rng)};
    op.outputs = {activation(g, {1, 4, 5, 6}, s_out, -4)};
    run(g, op);
  }
  {
    // Two images upsampled by non-integer factors.
    ir::Graph g;
    ir::Op op = ir::kernel_op("resize_bilinear", {{"align_corners", {0}}, {"half_pixel_centers", {1}}});
    op.inputs = {activation(g, {2, 5, 4, 3}, s_in, 2)};
    op.outputs = {activation(g, {2, 7, 9, 3}, s_in, 2)};
    run(g, op);
  }
  {
    // REFLECT over H and W of an image, none over channels.
    ir::Graph g;
    ir::Op op = ir::kernel_op("mirror_pad", {{"before", {0, 2, 1, 0}}, {"after", {0, 1, 3, 0}}, {"symmetric", {0}}});
    op.inputs = {activation(g, {1, 4, 5, 3}, s_in, 2)};
    op.outputs = {activation(g, {1, 7, 9, 3}, s_in, 2)};
    run(g, op);
  }
  {
    // A transpose convolution's first step: two images spread 2x3 apart, the first row cropped.
    ir::Graph g;
    ir::Op op = ir::kernel_op("dilate", {{"stride", {2, 3}}, {"before", {-1, 2}}});
    op.inputs = {activation(g, {2, 3, 4, 5}, s_in, -6)};
    op.outputs = {activation(g, {2, 6, 13, 5}, s_in, -6)};
    run(g, op);
  }
  {
    // A strided slice walking one axis backwards, its output of another rank.
    ir::Graph g;
    ir::Op op = ir::kernel_op("slice", {{"begin", {0, 5, 1, 0}}, {"stride", {1, -2, 2, 1}}, {"size", {1, 3, 2, 3}}});
    op.inputs = {activation(g, {1, 6, 5, 4}, s_in, 2)};
    op.outputs = {activation(g, {3, 2, 3}, s_in, 2)};
    run(g, op);
  }
  {
    ir::Graph g;
    ir::Op op;
    op.kind = ir::OpKind::Concat;
    op.inputs = {activation(g, {1, 4, 6}, s_in, 1), activation(g, {1, 4, 4}, s_in, 1)};
    op.outputs = {activation(g, {1, 4, 10}, s_in, 1)};
    op.axis = 2;
    run(g, op);
  }
  for (ir::OpKind kind : {ir::OpKind::Requantize, ir::OpKind::Reshape}) {
    ir::Graph g;
    ir::Op op;
    op.kind = kind;
    op.inputs = {activation(g, {1, 4, 6}, s_in, 5)};
    op.outputs = {activation(g, kind == ir::OpKind::Reshape ? ir::Shape{1, 24} : ir::Shape{1, 4, 6},
                             kind == ir::OpKind::Reshape ? s_in : s_out, kind == ir::OpKind::Reshape ? 5 : -7)};
    op.rescale = ir::ratio_rescale(s_in, s_out);
    op.act = {-7, 127};
    run(g, op);
  }
  for (ir::OpKind kind : {ir::OpKind::Quantize, ir::OpKind::Dequantize}) {
    ir::Graph g;
    ir::Op op;
    op.kind = kind;
    const int q = activation(g, {1, 4, 6}, s_in, -7);
    ir::Tensor f;
    f.name = "float";
    f.shape = {1, 4, 6};
    f.type = ir::DataType::Float32;
    const int fl = g.add_tensor(f);
    op.inputs = {kind == ir::OpKind::Quantize ? fl : q};
    op.outputs = {kind == ir::OpKind::Quantize ? q : fl};
    run(g, op);
    if (kind == ir::OpKind::Quantize) {  // ONNX's rounding, half to even
      op.round_half_to_even = true;
      run(g, op);
    }
  }
  {
    // A unary function: the table is a constant int8 tensor of 256 entries, read from flash.
    ir::Graph g;
    ir::Op op;
    op.kind = ir::OpKind::Lut;
    const int in = activation(g, {1, 5, 7, 3}, s_in, 4);
    op.inputs = {in, constant(g, {256}, ir::DataType::Int8, rng)};
    op.outputs = {activation(g, {1, 5, 7, 3}, s_out, -9)};
    run(g, op);
  }
  // A kernel added to the table without a case here fails, unless it runs
  // an operator of its own and a test model runs it (the next test case).
  for (const auto& name : ran) CHECK(find_mcu_kernel(name) != nullptr);
  for (const auto& k : mcu_kernels()) {
    INFO(k.name);
    if (!ran.count(k.name)) CHECK(kernels::find_mcu_binding(k.id)->runs_operator());
  }
}

TEST_CASE("mcu kernels: every kernel that runs an operator of its own runs in a test model the runtimes check",
          "[tools]") {
  // The single-operator models under tests/data/models/ are what
  // scripts/check_tflm.py (TFLite Micro, bit for bit) and
  // scripts/check_reference.py (onnxruntime, per operator) run in CI, through
  // codegen, the simulated MCU's dispatch and the reference interpreter: a
  // kernel whose operator no test model contains goes unchecked end to end.
  const SocConfig soc = load_soc_config(test::config_path("default"));
  std::set<std::string> run;
  size_t models = 0;
  for (const char* format : {"tflite", "onnx"})
    for (const auto& entry : std::filesystem::directory_iterator(test::source_dir() + "/tests/data/models/" + format)) {
      const std::string path = entry.path().string();
      INFO(path);
      const codegen::CompiledModel m = codegen::compile_model(frontend::load_model(path), soc);
      for (const Command& c : m.program.commands)
        if (const auto* mcu = std::get_if<McuOpCmd>(&c.body)) run.insert(find_mcu_kernel(mcu->kernel)->name);
      ++models;
    }
  CHECK(models > 50);
  for (const auto& b : kernels::mcu_kernel_table()) {
    INFO(b->spec().name);
    if (b->runs_operator()) CHECK(run.count(b->spec().name) == 1);
  }
}
