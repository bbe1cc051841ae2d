// SCALE-Sim topology CSVs (compiler/frontend/scalesim_topology.h): both forms,
// the synthetic network built from them, the exact located error of each kind
// of bad file, and where the compiler puts what does not fit flash or SRAM.
#include <catch2/catch.hpp>

#include <string>

#include "arch/soc_config_yaml.h"
#include "compiler/codegen/compile_model.h"
#include "compiler/frontend/scalesim_topology.h"
#include "tests/support/error_of.h"
#include "tests/support/test_paths.h"

using namespace kiln;
using kiln::test::error_of;

namespace {

const std::string kHeader =
    "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\n";

std::string parse_error(const std::string& text) {
  return error_of([&] { frontend::parse_scalesim_topology(text, "t.csv"); });
}

SocConfig soc_with_dram() {
  SocConfig soc = load_soc_config(test::config_path("default"));
  MemoryConfig dram;
  dram.name = "dram";
  dram.kind = MemoryKind::Dram;
  dram.base = 0x80000000;
  dram.size_bytes = 64u << 20;
  dram.latency_cycles = 20;
  dram.bytes_per_cycle = 8;
  soc.memories.push_back(dram);
  return soc;
}

}  // namespace

TEST_CASE("a convolution topology gives each row's layer and its GEMM", "[scalesim_topology]") {
  const frontend::Topology t = frontend::load_scalesim_topology(test::data_path("scalesim/tiny.csv"));
  REQUIRE(t.layers.size() == 5);
  CHECK_FALSE(t.gemm);
  const auto& a = t.layers[0];
  CHECK(a.name == "conv_a");
  CHECK(a.line == 2);
  CHECK(a.ifmap_h == 12);
  CHECK(a.filter_w == 3);
  CHECK(a.channels == 8);
  CHECK(a.filters == 24);
  CHECK(a.stride_w == 1);
  CHECK(a.ofmap_h() == 10);
  CHECK(a.gemm_m() == 100);
  CHECK(a.gemm_n() == 24);
  CHECK(a.gemm_k() == 72);
  // 9 x 7 input, 2 x 2 filter, stride 2: ceil((9 - 2 + 2) / 2) = 5 by ceil((7 - 2 + 2) / 2) = 4.
  CHECK(t.layers[1].gemm_m() == 20);
  const auto& dp = t.layers[3];
  CHECK(dp.depthwise);
  CHECK(dp.gemm_count() == 16);
  CHECK(dp.gemm_k() == 9);
  CHECK(dp.macs() == 16u * 64u * 9u);
}

TEST_CASE("two strides, spaces, CRLF and a missing trailing comma are read", "[scalesim_topology]") {
  const auto t = frontend::parse_scalesim_topology(
      "Layer name,IFMAP height,IFMAP width,Filter height,Filter width,Channels,Num filter,Stride height,Stride width,\r\n"
      "\r\n  L1 ,9,7,2,2,20,32,2,1\r\n",
      "t.csv");
  REQUIRE(t.layers.size() == 1);
  CHECK(t.layers[0].name == "L1");
  CHECK(t.layers[0].stride_h == 2);
  CHECK(t.layers[0].stride_w == 1);
  CHECK(t.layers[0].ofmap_h() == 5);  // ceil((9 - 2 + 2) / 2): the last window overhangs by a row
  CHECK(t.layers[0].ofmap_w() == 6);
  CHECK(t.layers[0].line == 3);
}

TEST_CASE("a GEMM topology keeps M x K x N", "[scalesim_topology]") {
  const frontend::Topology t = frontend::load_scalesim_topology(test::data_path("scalesim/gemm.csv"));
  REQUIRE(t.gemm);
  REQUIRE(t.layers.size() == 2);
  CHECK(t.layers[0].gemm_m() == 20);
  CHECK(t.layers[0].gemm_n() == 24);
  CHECK(t.layers[0].gemm_k() == 40);
  CHECK(t.layers[1].name == "g2");
  CHECK(t.layers[1].gemm_m() == 7);
  CHECK(t.layers[1].gemm_n() == 33);
  CHECK(t.layers[1].gemm_k() == 20);
}

TEST_CASE("bad topology files get located errors", "[scalesim_topology]") {
  CHECK(parse_error(kHeader + "conv, 12, 12, 3, 3, 8, x24, 1,\n") ==
        "t.csv:2:24: Num Filter must be a whole number from 1 to 1048576, got 'x24'");
  CHECK(parse_error(kHeader + "conv, 0, 12, 3, 3, 8, 4, 1,\n") == "t.csv:2:7: IFMAP Height must be from 1 to 1048576, got 0");
  CHECK(parse_error(kHeader + "conv, 12, 12, 3, 3, 8\n") ==
        "t.csv:2:1: expected 8 values (Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, "
        "Num Filter, Strides) or 9 (two strides), got 6");
  CHECK(parse_error(kHeader + "conv, 2, 12, 3, 3, 8, 4, 1,\n") == "t.csv:2:14: Filter Height 3 is larger than IFMAP Height 2");
  CHECK(parse_error(kHeader + "conv, 12, 12, 3, 3, 8, 4, 1, 0,\n") ==
        "t.csv:2:30: Stride width must be from 1 to 1048576, got 0");
  CHECK(parse_error(kHeader + " , 12, 12, 3, 3, 8, 4, 1,\n") == "t.csv:2:1: expected a layer name in the first column");
  CHECK(parse_error("a,b,c\nx,1,2\n") ==
        "t.csv:1:1: expected a header of 8 or 9 columns (Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter "
        "Width, Channels, Num Filter, Strides or Stride height, Stride width) or of 4 (Layer, M, N, K), got 3 columns");
  CHECK(parse_error("\n\n") == "t.csv: the topology is empty; expected a header row and one row per layer");
  CHECK(parse_error(kHeader) == "t.csv:1:1: expected at least one layer row after the header");
  CHECK(parse_error("Layer, M, N, K,\ng, 1, 2,\n") == "t.csv:2:1: expected 4 values (Layer, M, N, K), got 3");
  CHECK(error_of([] { frontend::load_scalesim_topology("/nonexistent/t.csv"); }) ==
        "/nonexistent/t.csv: cannot open the topology file");
}

TEST_CASE("the synthetic network has one independent int8 layer per row", "[scalesim_topology]") {
  const auto t = frontend::load_scalesim_topology(test::data_path("scalesim/tiny.csv"));
  const ir::Graph g = frontend::build_topology_graph(t);
  REQUIRE(g.ops.size() == 5);
  CHECK(g.inputs.size() == 5);
  CHECK(g.outputs.size() == 5);
  CHECK(g.ops[0].kind == ir::OpKind::Conv2d);
  CHECK(g.tensors[size_t(g.ops[0].inputs[0])].shape == ir::Shape{1, 12, 12, 8});
  CHECK(g.tensors[size_t(g.ops[0].inputs[1])].shape == ir::Shape{24, 3, 3, 8});
  CHECK(g.tensors[size_t(g.ops[0].outputs[0])].shape == ir::Shape{1, 10, 10, 24});
  CHECK(g.ops[1].window.stride_h == 2);
  CHECK(g.ops[3].kind == ir::OpKind::DepthwiseConv2d);
  CHECK(g.tensors[size_t(g.ops[3].outputs[0])].shape == ir::Shape{1, 8, 8, 16});
  // Deterministic, and not the same weights in every layer.
  const ir::Graph again = frontend::build_topology_graph(t);
  CHECK(again.tensors[size_t(again.ops[2].inputs[1])].data == g.tensors[size_t(g.ops[2].inputs[1])].data);
  const auto& w0 = g.tensors[size_t(g.ops[0].inputs[1])].data;
  const auto& w1 = g.tensors[size_t(g.ops[1].inputs[1])].data;
  CHECK(std::vector<uint8_t>(w0.begin(), w0.begin() + 64) != std::vector<uint8_t>(w1.begin(), w1.begin() + 64));

  const ir::Graph gemm = frontend::build_topology_graph(frontend::load_scalesim_topology(test::data_path("scalesim/gemm.csv")));
  CHECK(gemm.tensors[size_t(gemm.ops[0].inputs[0])].shape == ir::Shape{1, 20, 1, 40});
  CHECK(gemm.tensors[size_t(gemm.ops[0].outputs[0])].shape == ir::Shape{1, 20, 1, 24});
}

TEST_CASE("activations larger than the SRAM go to the DRAM", "[scalesim_topology]") {
  // 256 x 256 x 16 in (1 MiB) and 256 x 256 x 8 out: more than the default's 512 KiB of SRAM.
  const ir::Graph g = frontend::build_topology_graph(
      frontend::parse_scalesim_topology(kHeader + "big, 256, 256, 1, 1, 16, 8, 1,\n", "big.csv"));
  const SocConfig soc = soc_with_dram();
  const auto compiled = codegen::compile_model(g, soc);
  CHECK(compiled.activations_in_dram);
  CHECK_FALSE(compiled.weights_in_dram);
  CHECK(compiled.inputs[0].addr >= 0x80000000);
  CHECK(compiled.outputs[0].addr >= 0x80000000);
  CHECK(error_of([&] { codegen::compile_model(g, load_soc_config(test::config_path("default"))); })
            .find("big.csv: activations need 1572864 bytes of SRAM at peak") == 0);
}

TEST_CASE("weights larger than the flash go to the DRAM with the command stream", "[scalesim_topology]") {
  // 1100 x 1024 int8 weights: more than the default's 1 MiB of flash.
  const ir::Graph g =
      frontend::build_topology_graph(frontend::parse_scalesim_topology("Layer, M, N, K,\nw, 4, 1100, 1024,\n", "w.csv"));
  const auto compiled = codegen::compile_model(g, soc_with_dram());
  CHECK(compiled.weights_in_dram);
  CHECK_FALSE(compiled.activations_in_dram);
  CHECK(compiled.program.stream_memory == "dram");
  for (const auto& img : compiled.program.images) CHECK(img.memory == "dram");
  CHECK(compiled.inputs[0].addr < 0x80000000);  // activations stay in the SRAM
  CHECK(error_of([&] { codegen::compile_model(g, load_soc_config(test::config_path("default"))); })
            .find("bytes of flash") != std::string::npos);
}

TEST_CASE("an array with a fixed dataflow gets every layer in that dataflow", "[scalesim_topology]") {
  const ir::Graph g = frontend::build_topology_graph(frontend::load_scalesim_topology(test::data_path("scalesim/tiny.csv")));
  SocConfig soc = load_soc_config(test::config_path("default"));
  soc.npu.dataflow = Dataflow::InputStationary;
  bool other = false;  // free to choose, the compiler takes another dataflow somewhere
  for (const auto& layer : codegen::compile_model(g, soc).layers)
    other = other || layer.chosen.dataflow != Dataflow::InputStationary;
  CHECK(other);
  soc.npu.fixed_dataflow = true;
  for (const auto& layer : codegen::compile_model(g, soc).layers) CHECK(layer.chosen.dataflow == Dataflow::InputStationary);
  // The YAML key.
  std::string yaml = R"(
mcu:
  costs:
    copy: {fixed: 1}
    add: {fixed: 2}
    conv2d: {per_mac: 1}
    depthwise_conv2d: {per_mac: 2}
    fully_connected: {per_mac: 3}
    avg_pool: {per_element: 4}
    max_pool: {per_element: 5}
    mean: {per_element: 6}
    softmax: {per_element: 7}
    pad: {per_element: 8}
    concat2: {per_element: 9}
    requantize: {fixed: 10}
memories:
  - {name: rom, kind: flash, base: 0, size_kib: 256}
  - {name: ram, kind: sram, base: 0x20000000, size_kib: 128}
npu:
  array: {dataflow: output_stationary, fixed_dataflow: true}
  scratchpads:
    input: {size_kib: 8}
    weight: {size_kib: 8}
    output: {size_kib: 4}
  accumulator_kib: 16
)";
  const SocConfig parsed = parse_soc_config(yaml, "f.yaml");
  CHECK(parsed.npu.fixed_dataflow);
  CHECK(parsed.npu.dataflow == Dataflow::OutputStationary);
  CHECK_FALSE(load_soc_config(test::config_path("default")).npu.fixed_dataflow);
}

TEST_CASE("a last window past the input gets an input row and column of its own", "[scalesim_topology]") {
  // 1x1, stride 2 on 56 x 56: SCALE-Sim counts ceil(57 / 2) = 29 rows; the 29th reads row 56.
  const auto t = frontend::parse_scalesim_topology(kHeader + "s, 56, 56, 1, 1, 4, 8, 2,\n", "s.csv");
  CHECK(t.layers[0].gemm_m() == 29u * 29u);
  const ir::Graph g = frontend::build_topology_graph(t);
  CHECK(g.tensors[size_t(g.ops[0].inputs[0])].shape == ir::Shape{1, 57, 57, 4});
  CHECK(g.tensors[size_t(g.ops[0].outputs[0])].shape == ir::Shape{1, 29, 29, 8});
  CHECK(g.ops[0].window.pad.bottom == 0);
  CHECK(codegen::compile_model(g, load_soc_config(test::config_path("default"))).layers.size() == 1);
}

TEST_CASE("a constant no op reads does not push the weights to the DRAM", "[scalesim_topology]") {
  // A small GEMM layer beside a 2 MiB constant that nothing reads (as a
  // rewrite may leave behind): the flash image holds only what ops read.
  ir::Graph g =
      frontend::build_topology_graph(frontend::parse_scalesim_topology("Layer, M, N, K,\nw, 4, 16, 32,\n", "w.csv"));
  ir::Tensor unread;
  unread.name = "unread";
  unread.shape = {2048, 1024};
  unread.quant.scale = {1.0f};
  unread.quant.zero_point = {0};
  unread.data.assign(size_t(2048) * 1024, 1);
  g.add_tensor(std::move(unread));
  const auto compiled = codegen::compile_model(g, soc_with_dram());
  CHECK_FALSE(compiled.weights_in_dram);
  for (const auto& img : compiled.program.images) CHECK(img.memory != "dram");
}
