#include <catch2/catch.hpp>

#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "arch/mcu_op.h"
#include "arch/soc_config_yaml.h"
#include "kernels/conv2d.h"
#include "kernels/copy.h"
#include "kernels/float_boundary.h"
#include "kernels/mcu_kernel_table.h"
#include "kernels/softmax.h"
#include "tests/support/test_paths.h"

using namespace kiln;
using kernels::McuKernel;

namespace {

uint32_t u(int32_t v) { return static_cast<uint32_t>(v); }

constexpr uint32_t kIn = 0x20000000, kIn2 = 0x20004000, kW = 0x00010000, kBias = 0x00020000, kMult = 0x00021000,
                   kShift = 0x00022000, kOut = 0x20008000;

// One valid command per kernel (the arguments of tests/sim/test_mcu_dispatch.cpp).
const std::map<std::string, std::vector<uint32_t>>& examples() {
  static const kernels::SoftmaxParams sp = kernels::make_softmax_params(1.0, 0.07, 9, 12);
  static const std::map<std::string, std::vector<uint32_t>> e = {
      {"copy", {kIn2, kOut + 100, 16}},
      {"add", {kIn, kIn2, kOut, 33, 3, u(-4), 1, 20, 1u << 30, 0, 1431655765, u(-1), 1u << 30, u(-18), u(-20), 90}},
      {"conv2d", {kIn, kW, kBias, kMult, kShift, kOut, 7, 6, 3, 3, 3, 4, 3, 2, 2, 2, 1, 2, 1, 0, u(-5), 3, u(-100), 100}},
      {"conv2d_1x1",
       {kIn, kW, kBias, kMult, kShift, kOut, 4, 5, 8, 4, 5, 6, 1, 1, 1, 1, 1, 1, 0, 0, u(-5), 3, u(-100), 100}},
      {"conv2d_shallow",
       {kIn, kW, kBias, kMult, kShift, kOut, 7, 6, 3, 3, 3, 4, 3, 2, 2, 2, 1, 2, 1, 0, u(-5), 3, u(-100), 100}},
      {"depthwise_conv2d",
       {kIn, kW, kMcuNoAddress, kMult, kShift, kOut, 5, 5, 2, 3, 3, 2, 3, 3, 2, 2, 1, 1, 1, 1, 4, u(-2), u(-128), 127}},
      {"fully_connected", {kIn, kW, kBias, kMult, kShift, kOut, 2, 9, 5, u(-1), 6, u(-128), 127}},
      {"avg_pool", {kIn, kOut, 6, 6, 3, 3, 3, 3, 3, 2, 2, 1, 1, u(-50), 50}},
      {"max_pool", {kIn, kOut, 6, 6, 3, 3, 3, 3, 3, 2, 2, 1, 1, u(-50), 50}},
      {"mean", {kIn, kOut, 6, 6, 3, 2, u(-3), 1518500250, 0}},
      {"softmax", {kIn, kOut, 9, 12, u(sp.beta_mult), u(sp.beta_shift), u(sp.diff_min)}},
      {"pad", {kIn, kOut, 2, 3, 4, 1, 2, 0, 1, u(-9)}},
      {"concat2", {kIn, kIn2, kOut, 4, 6, 4}},
      {"requantize", {kIn, kOut, 24, 5, u(-7), 1288490189, 1, u(-7), 127}},
      {"quantize", {kIn, kOut, 24, u(-3), u(kernels::float_bits(0.05f)), 1}},
      {"dequantize", {kIn, kOut, 24, 5, u(kernels::float_bits(0.05f))}},
      {"lut", {kIn, kW, kOut, 24}},
      {"maximum", {kIn, kIn2, kOut, 33}},
      {"minimum", {kIn, kIn2, kOut, 33}},
      {"sub", {kIn, kIn2, kOut, 33, 33, 11, 3, u(-4), 1, 20, 1u << 30, 0, 1431655765, u(-1), 1u << 30, u(-18), u(-20), 90}},
      {"mul", {kIn, kIn2, kOut, 33, 33, 1, 3, u(-4), 1, 1288490189, 2, u(-128), 127}},
      {"transpose", {kIn, kOut, 1, 1, 2, 3, 4, 5, 0, 1, 5, 2, 4, 3}},
      {"resize_nearest", {kIn, kOut, 7, 5, 3, 4, 11, 1, 0}},
      {"squared_difference",
       {kIn, kIn2, kOut, 33, 33, 11, 3, u(-4), 1, 7, 1u << 30, 0, 1431655765, u(-1), 1717986918, u(-4)}},
      {"prelu", {kIn, kW, kOut, 24, 3, u(-3), 5, 2, 1u << 30, 1, 1374389535, u(-6)}},
      {"resize_bilinear", {kIn, kOut, 2, 3, 4, 5, 6, 7, 0, 1}},
      {"mirror_pad", {kIn, kOut, 1, 1, 1, 4, 6, 5, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 3, 4, 1}},
      {"slice", {kIn, kOut, 1, 1, 1, 4, 6, 5, 0, 0, 0, 1, 5, 0, 1, 1, 1, 2, u(-2), 2, 1, 1, 1, 2, 3, 3}},
  };
  return e;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST_CASE("mcu kernel table: every kernel of the catalogue has one binding that sets each of its parameters",
          "[kernels]") {
  REQUIRE(kernels::mcu_kernel_table().size() == mcu_kernels().size());
  std::set<uint16_t> ids;
  std::set<std::string> names;
  for (const McuKernelSpec& spec : mcu_kernels()) {
    INFO(spec.name);
    CHECK(ids.insert(uint16_t(spec.id)).second);
    CHECK(names.insert(spec.name).second);
    const kernels::McuKernelBinding* b = kernels::find_mcu_binding(uint16_t(spec.id));
    REQUIRE(b != nullptr);
    CHECK(&b->spec() == &spec);
    size_t scalars = 0;
    std::set<std::string> args;
    for (const McuArg& a : spec.args) {
      INFO(a.name);
      CHECK(args.insert(a.name).second);  // argument names are unique within a kernel
      CHECK(std::string(a.meaning).size() > 3);
      CHECK((a.element != McuElement::None) == a.is_operand());
      CHECK((!a.optional || a.is_operand()));
      scalars += !a.is_operand();
    }
    CHECK(b->bound_fields() == scalars);
  }
  CHECK(kernels::find_mcu_binding(0) == nullptr);
}

TEST_CASE("mcu kernel table: every operator form names a format, a kernel that reads it, and its options' table",
          "[kernels]") {
  size_t forms = 0;
  for (const auto& b : kernels::mcu_kernel_table())
    for (const kernels::McuOperatorForm& f : b->operator_forms()) {
      INFO(b->spec().name << " " << f.name);
      ++forms;
      CHECK(std::string(f.format) == "tflite");
      CHECK(b->runs_operator());
      CHECK(kernels::find_operator_kernel(f.format, f.name).first == b.get());  // one kernel per operator
      // Options are read only from a table of the form's union type.
      CHECK((f.options.empty() || f.options_type > 0));
    }
  CHECK(forms >= 7);
}

TEST_CASE("mcu kernel table: the catalogue refuses a taken id or name, id 0 and two arguments of one name",
          "[kernels]") {
  const size_t before = mcu_kernels().size();
  const McuArg in = {"in", McuArgType::Read, McuElement::Int8, false, "input"};
  const McuArg count = {"count", McuArgType::Extent, McuElement::None, false, "elements"};
  CHECK_THROWS_WITH(register_mcu_kernel({2, "new_kernel", {in}}),
                    "internal: MCU kernel new_kernel (id 2) registered twice: add has id 2");
  CHECK_THROWS_WITH(register_mcu_kernel({999, "copy", {in}}),
                    "internal: MCU kernel copy (id 999) registered twice: copy has id 1");
  CHECK_THROWS_WITH(register_mcu_kernel({0, "new_kernel", {in}}), "internal: MCU kernel new_kernel: id 0 is reserved");
  CHECK_THROWS_WITH(register_mcu_kernel({999, "new_kernel", {in, count, in}}),
                    "internal: MCU kernel new_kernel: two arguments named in");
  CHECK(mcu_kernels().size() == before);
  // A binding whose fields do not cover the spec's non-operand arguments is refused when it is built.
  using P = kernels::CopyParams;
  kernels::McuKernelDef<P>::Binding b{{998, "short_copy", {in, count, count}}, {&P::bytes}, {}, {}, {}, {}};
  b.spec.args[2].name = "bytes";
  CHECK_THROWS_WITH(kernels::McuKernelDef<P>(b), Catch::Contains("short_copy: 1 fields bound for 2 non-operand"));
  CHECK(find_mcu_kernel("short_copy") == nullptr);
}

TEST_CASE("mcu kernel table: every kernel's arguments decode and encode back unchanged", "[kernels]") {
  for (const McuKernelSpec& spec : mcu_kernels()) {
    INFO(spec.name);
    const auto it = examples().find(spec.name);
    // A new kernel needs an example here, unless it runs an operator of its
    // own: a test model then runs it (tests/tools/test_mcu_kernels_vs_reference.cpp).
    if (it == examples().end()) {
      CHECK(kernels::find_mcu_binding(spec.id)->runs_operator());
      continue;
    }
    REQUIRE(it->second.size() == spec.args.size());
    const kernels::McuKernelCall call = kernels::find_mcu_binding(uint16_t(spec.id))->decode(it->second);
    CHECK(call.encoded == it->second);
    CHECK(call.spec == &spec);
    // One use per operand argument, in order, with its address.
    size_t k = 0;
    for (size_t i = 0; i < spec.args.size(); ++i) {
      if (!spec.args[i].is_operand()) continue;
      REQUIRE(k < call.operands.size());
      CHECK(call.operands[k].arg == &spec.args[i]);
      CHECK(call.operands[k].address == it->second[i]);
      ++k;
    }
    CHECK(k == call.operands.size());
  }
}

TEST_CASE("mcu kernel table: typed encode and decode carry every parameter of conv2d, and its costs", "[kernels]") {
  const auto& conv = kernels::mcu_kernel<kernels::Conv2dParams>(McuKernel::Conv2d);
  kernels::Conv2dParams p;
  p.in_h = 7, p.in_w = 6, p.in_c = 3, p.out_h = 3, p.out_w = 3, p.out_c = 4, p.kh = 3, p.kw = 2;
  p.stride_h = 2, p.stride_w = 2, p.dil_h = 1, p.dil_w = 2, p.pad_top = 1, p.pad_left = 0;
  p.in_zp = -5, p.out_zp = 3, p.act_min = -100, p.act_max = 100;
  const std::vector<uint32_t> args = conv.encode(p, {kIn, kW, kBias, kMult, kShift, kOut});
  CHECK(args == examples().at("conv2d"));
  const kernels::Conv2dParams q = conv.decode_params(args);
  CHECK(q.in_zp == -5);
  CHECK(q.act_min == -100);
  CHECK(q.dil_w == 2);
  CHECK(q.stride_w == 2);
  CHECK(conv.macs(q) == kernels::macs(p));
  CHECK(conv.output_elements(q) == 3u * 3 * 4);
  CHECK(conv.operand_elements(q) == std::vector<uint64_t>{7 * 6 * 3, 4 * 3 * 2 * 3, 4, 4, 4, 36});
  // The wrong parameter type for a kernel is an internal error, not a wrong call.
  CHECK_THROWS_WITH(kernels::mcu_kernel<kernels::Conv2dParams>(McuKernel::Add), Catch::StartsWith("internal:"));
}

TEST_CASE("mcu kernel table: codegen's conv2d kernel by shape (pointwise, shallow input, other)", "[kernels]") {
  kernels::Conv2dParams p;
  p.in_c = 8, p.kh = 1, p.kw = 1;
  CHECK(kernels::conv2d_kernel(p) == McuKernel::Conv2d1x1);
  p.in_c = 3;  // fewer than 4 channels wins over 1x1
  CHECK(kernels::conv2d_kernel(p) == McuKernel::Conv2dShallow);
  p.in_c = 4, p.stride_w = 2;
  CHECK(kernels::conv2d_kernel(p) == McuKernel::Conv2d);
  p.stride_w = 1, p.pad_left = 1;
  CHECK(kernels::conv2d_kernel(p) == McuKernel::Conv2d);
  p.pad_left = 0, p.kh = 3;
  CHECK(kernels::conv2d_kernel(p) == McuKernel::Conv2d);
  // The variants price apart and fall back on conv2d's entry; plain conv2d has none.
  CHECK(std::string(find_mcu_kernel("conv2d_1x1")->priced_as) == "conv2d");
  CHECK(std::string(find_mcu_kernel("conv2d_shallow")->priced_as) == "conv2d");
  CHECK(find_mcu_kernel("conv2d")->priced_as == nullptr);
  // A kernel priced as another names one every cost table has: a single step.
  for (const McuKernelSpec& spec : mcu_kernels()) {
    if (!spec.priced_as) continue;
    INFO(spec.name << " priced as " << spec.priced_as);
    const McuKernelSpec* to = find_mcu_kernel(spec.priced_as);
    REQUIRE(to != nullptr);
    CHECK(to->priced_as == nullptr);
  }
}

TEST_CASE("mcu kernel table: decoding rejects an extent above 2^31 and invalid parameters", "[kernels]") {
  auto args = examples().at("conv2d");
  args[6] = 0x80000000u;  // in_h
  const auto* conv = kernels::find_mcu_binding(uint16_t(McuKernel::Conv2d));
  CHECK_THROWS_WITH(conv->decode(args), "conv2d: in_h: 2147483648 is too large");
  args = examples().at("conv2d");
  args[14] = 0;  // stride_h
  CHECK_THROWS_WITH(conv->decode(args), Catch::StartsWith("conv2d: stride_h:"));
  auto copy = examples().at("copy");
  copy[2] = 0;
  CHECK_THROWS_WITH(kernels::find_mcu_binding(uint16_t(McuKernel::Copy))->decode(copy),
                    "copy: bytes: must be at least 1");
}

TEST_CASE("mcu kernel table: every SoC config prices every kernel, and the docs describe each",
          "[kernels]") {
  for (const char* soc_name : {"default", "small", "large"}) {
    const SocConfig soc = load_soc_config(test::config_path(soc_name));
    for (const McuKernelSpec& spec : mcu_kernels()) {
      INFO(soc_name << " " << spec.name);
      CHECK(find_mcu_cost(soc.mcu.costs, spec.name) != nullptr);
    }
  }
  // A row in docs/kernels.md, or for a kernel that runs an operator of its
  // own, its name in the operator table of docs/operators.md.
  const std::string doc = read_file(test::source_dir() + "/docs/kernels.md");
  const std::string operators = read_file(test::source_dir() + "/docs/operators.md");
  REQUIRE(!doc.empty());
  REQUIRE(!operators.empty());
  for (const McuKernelSpec& spec : mcu_kernels()) {
    INFO(spec.name);
    const bool row = doc.find("`" + std::string(spec.name) + "` (" + std::to_string(unsigned(spec.id)) + ")") !=
                     std::string::npos;
    const bool operator_row = kernels::find_mcu_binding(spec.id)->runs_operator() &&
                              operators.find("| MCU | `" + std::string(spec.name) + "`") != std::string::npos;
    CHECK((row || operator_row));
  }
}

TEST_CASE("mcu kernel table: a kernel that runs an operator derives and checks its parameters from the op's view",
          "[kernels]") {
  kernels::McuOpView op;
  op.kernel = "transpose";
  kernels::McuTensorView in, out;
  in.shape = {2, 3}, out.shape = {3, 2};
  in.scales = out.scales = {0.5f};
  in.zero_points = out.zero_points = {1};
  op.inputs = {in};
  op.outputs = {out};
  op.attrs = {{"perm", {1, 0}}};
  const kernels::McuKernelBinding* t = kernels::find_mcu_binding("transpose");
  REQUIRE(t != nullptr);
  CHECK(t->runs_operator());
  const auto call = t->from_op(op);
  // Rank 2 as the innermost two of six dimensions, perm moved with them.
  CHECK(call->encode({kIn, kOut}) == std::vector<uint32_t>{kIn, kOut, 1, 1, 1, 1, 2, 3, 0, 1, 2, 3, 5, 4});
  CHECK(call->output_elements() == 6);
  const std::vector<int8_t> x = {1, 2, 3, 4, 5, 6};
  std::vector<int8_t> y(6);
  call->invoke({{x.data(), nullptr}, {nullptr, y.data()}});
  CHECK(y == std::vector<int8_t>{1, 4, 2, 5, 3, 6});

  // Each check names the kernel and what is wrong.
  kernels::McuOpView bad = op;
  bad.attrs.clear();
  CHECK_THROWS_WITH(t->from_op(bad), "transpose: attribute 'perm' is missing");
  bad = op;
  bad.outputs[0].shape = {2, 3};
  CHECK_THROWS_WITH(t->from_op(bad), "transpose: perm: output [2, 3] is not input [2, 3] permuted by perm");
  bad = op;
  bad.outputs[0].zero_points = {0};
  CHECK_THROWS_WITH(t->from_op(bad), Catch::StartsWith("transpose: input 0 and output 0 are quantized differently"));
  bad = op;
  bad.outputs.push_back(out);
  CHECK_THROWS_WITH(t->from_op(bad), "transpose: 1 inputs and 2 outputs, expected 1 and 1");

  kernels::McuOpView slice = op;
  slice.kernel = "slice";
  slice.outputs[0].shape = {2};
  slice.attrs = {{"begin", {1, 2}}, {"stride", {-1, 1}}, {"size", {2, 1}}};
  const auto s = kernels::find_mcu_binding("slice")->from_op(slice);
  s->invoke({{x.data(), nullptr}, {nullptr, y.data()}});
  CHECK(std::vector<int8_t>(y.begin(), y.begin() + 2) == std::vector<int8_t>{6, 3});
  slice.outputs[0].shape = {3};
  CHECK_THROWS_WITH(kernels::find_mcu_binding("slice")->from_op(slice),
                    "slice: size: output [3] does not hold the 2 elements of the slice");

  // A kernel the compiler lowers itself takes no view.
  const kernels::McuKernelBinding* conv = kernels::find_mcu_binding("conv2d");
  CHECK_FALSE(conv->runs_operator());
  CHECK_THROWS_WITH(conv->from_op(op), Catch::StartsWith("internal:"));
}
