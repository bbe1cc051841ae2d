// validate_program: commands against an SoC (limits derived from the config
// built in command_test_util.h) and the abstract run of the token queues.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include "arch/command_codec.h"
#include "arch/command_text.h"
#include "arch/error.h"
#include "tests/arch/command_test_util.h"
#include "tests/support/test_paths.h"

using namespace kiln;
using namespace kiln::test;

namespace {

std::string problem(const Program& p, const SocConfig& soc = command_test_soc()) {
  try {
    validate_program(p, soc, "p.kbin");
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

// One NPU command (no tokens) followed by end.
Program one(const Command& c) {
  Program p;
  p.commands = {c, make(Opcode::End, EndCmd{})};
  return p;
}

Program text(const std::string& kasm) { return parse_program_text(kasm, "t.kasm"); }

}  // namespace

TEST_CASE("valid programs pass", "[command][validate]") {
  CHECK(problem(small_program()) == "");
  for (const char* name : {"gemm_tile", "conv_double_buffer", "mcu_npu"}) {
    INFO(name);
    const Program p = read_program_text_file(data_path(std::string("streams/") + name + ".kasm"));
    CHECK(problem(p) == "");
  }
}

TEST_CASE("dma: memory ranges must lie inside one memory", "[command][validate]") {
  const SocConfig soc = command_test_soc();
  const MemoryConfig& sram = soc.memories[1];
  const uint64_t end = sram.base + sram.size_bytes;
  // Last row ends exactly at the end of SRAM: fine; one byte more: not.
  const uint64_t start = end - (3 * 100 + 64);
  CHECK(problem(one(make(Opcode::DmaLoad, dma(0, start, Buffer::Input, 0, 4, 64, 100, 64)))) == "");
  CHECK(problem(one(make(Opcode::DmaLoad, dma(0, start + 1, Buffer::Input, 0, 4, 64, 100, 64)))) ==
        fmt::format("p.kbin: command 0: load: memory bytes [0x{:x}, 0x{:x}) run past the end of memory 'sram' "
                    "(ends at 0x{:x})",
                    start + 1, end + 1, end));
  CHECK_THAT(problem(one(make(Opcode::DmaLoad, dma(0, 0x10000000, Buffer::Input, 0, 1, 4, 0, 0)))),
             Catch::StartsWith("p.kbin: command 0: load: memory address 0x10000000 is in no memory (memories: flash "
                               "[0x0, 0x100000), sram [0x20000000, 0x20080000))"));
  // Huge rows x stride does not wrap around.
  CHECK_THAT(problem(one(make(Opcode::DmaLoad, dma(0, 0x0, Buffer::Input, 0, 0xFFFFFFFFu, 1, 0xFFFFFFFFu, 1)))),
             Catch::Contains("run past the end of memory 'flash'"));
  CHECK_THAT(problem(one(make(Opcode::DmaStore, dma(0, 0x100, Buffer::Output, 0, 1, 4, 0, 0)))),
             Catch::Contains("store: mem=0x100 is in flash memory 'flash', which the DMA cannot write"));
}

TEST_CASE("dma: scratchpad ranges, channels, 2-D strides and buffer kinds", "[command][validate]") {
  SocConfig soc = command_test_soc();
  const uint32_t input = uint32_t(soc.npu.input.size_bytes);
  CHECK(problem(one(make(Opcode::DmaLoad, dma(0, 0x0, Buffer::Input, input - 32, 1, 32, 0, 0)))) == "");
  CHECK(problem(one(make(Opcode::DmaLoad, dma(0, 0x0, Buffer::Input, input - 31, 1, 32, 0, 0)))) ==
        fmt::format("p.kbin: command 0: load: scratchpad bytes [0x{:x}, 0x{:x}) exceed the input buffer ({} bytes)",
                    input - 31, input + 1, input));
  // 2-D: the last row starts at offset + 3 * spm_stride.
  const uint32_t output = uint32_t(soc.npu.output.size_bytes);
  CHECK(problem(one(make(Opcode::DmaLoad, dma(0, 0x0, Buffer::Output, output - 3 * 40 - 16, 4, 16, 16, 40)))) == "");
  CHECK_THAT(problem(one(make(Opcode::DmaLoad, dma(0, 0x0, Buffer::Output, output - 3 * 40 - 15, 4, 16, 16, 40)))),
             Catch::Contains("exceed the output buffer"));

  CHECK(problem(one(make(Opcode::DmaLoad, dma(1, 0x0, Buffer::Weight, 0, 1, 4, 0, 0)))) == "");
  CHECK(problem(one(make(Opcode::DmaLoad, dma(2, 0x0, Buffer::Weight, 0, 1, 4, 0, 0)))) ==
        "p.kbin: command 0: load: ch=2 but the DMA has 2 channels");

  CHECK_THAT(problem(one(make(Opcode::DmaLoad, dma(0, 0x0, Buffer::Accumulator, 0, 1, 4, 0, 0)))),
             Catch::Contains("spm=accumulator: the DMA loads into the input, weight or output buffer"));
  CHECK_THAT(problem(one(make(Opcode::DmaStore, dma(0, 0x20000000, Buffer::Weight, 0, 1, 4, 0, 0)))),
             Catch::Contains("spm=weight: the DMA stores from the output or input buffer"));
  CHECK(problem(one(make(Opcode::DmaStore, dma(0, 0x20000000, Buffer::Input, 0, 1, 4, 0, 0)))) == "");
  CHECK_THAT(problem(one(make(Opcode::DmaLoad, dma(0, 0x0, Buffer::Input, 0, 2, 8, 8, 4)))),
             Catch::Contains("spm_stride=4 is less than row_bytes=8"));

  soc.dma.strides_2d = false;
  CHECK(problem(one(make(Opcode::DmaLoad, dma(0, 0x0, Buffer::Input, 0, 1, 64, 0, 0))), soc) == "");
  CHECK_THAT(problem(one(make(Opcode::DmaLoad, dma(0, 0x0, Buffer::Input, 0, 2, 32, 32, 32))), soc),
             Catch::Contains("rows=2 needs 2-D strides"));
}

TEST_CASE("gemm: operands inside the input, weight and accumulator buffers", "[command][validate]") {
  const SocConfig soc = command_test_soc();
  // A: last byte at a + (m-1)*a_stride + k.
  GemmCmd g = gemm(8, 4, 16);
  g.a_stride = 100;
  g.a_addr = uint32_t(soc.npu.input.size_bytes - (7 * 100 + 16));
  CHECK(problem(one(make(Opcode::Gemm, g))) == "");
  g.a_addr += 1;
  CHECK_THAT(problem(one(make(Opcode::Gemm, g))), Catch::StartsWith("p.kbin: command 0: gemm: A bytes"));
  // B: k rows of n, b_stride apart.
  g = gemm(8, 4, 16);
  g.b_addr = uint32_t(soc.npu.weight.size_bytes - (15 * 4 + 4));
  CHECK(problem(one(make(Opcode::Gemm, g))) == "");
  g.b_addr += 1;
  CHECK_THAT(problem(one(make(Opcode::Gemm, g))), Catch::Contains("gemm: B bytes"));
  // C: int32, m rows of n, c_stride elements apart.
  g = gemm(8, 4, 16);
  g.c_stride = 10;
  g.c_addr = uint32_t(soc.npu.accumulator_bytes - 4 * (7 * 10 + 4));
  CHECK(problem(one(make(Opcode::Gemm, g))) == "");
  g.c_addr += 4;
  CHECK(problem(one(make(Opcode::Gemm, g))) ==
        fmt::format("p.kbin: command 0: gemm: C bytes [0x{:x}, 0x{:x}) exceed the accumulator buffer ({} bytes)",
                    g.c_addr, soc.npu.accumulator_bytes + 4, soc.npu.accumulator_bytes));
  g = gemm(8, 4, 16);
  g.c_stride = 3;
  CHECK_THAT(problem(one(make(Opcode::Gemm, g))), Catch::Contains("c_stride=3 is less than n=4"));
  // Every dataflow is accepted: the array is configured per command.
  for (Dataflow d : {Dataflow::WeightStationary, Dataflow::OutputStationary, Dataflow::InputStationary}) {
    g = gemm(8, 4, 16);
    g.dataflow = d;
    CHECK(problem(one(make(Opcode::Gemm, g))) == "");
  }
}

TEST_CASE("conv: output size consistent with input, stride, dilation and padding", "[command][validate]") {
  ConvCmd v;
  v.in_h = 10, v.in_w = 6, v.in_c = 3, v.n = 8, v.kh = v.kw = 3, v.b_stride = 8, v.c_stride = 8;
  v.stride_h = 2, v.pad_top = 1, v.pad_left = 1;
  // Rows: windows start at 2*oy - 1; the last must start at or before in_h - 1 = 9: oy <= 5, out_h <= 6.
  v.out_h = 6, v.out_w = 6;
  CHECK(problem(one(make(Opcode::Conv, v))) == "");
  v.out_h = 7;
  CHECK(problem(one(make(Opcode::Conv, v))) ==
        "p.kbin: command 0: conv: out_h=7 reads past the input tile (in_h=10, stride 2, pad 1): at most 6");
  // Columns: stride 1, pad 1: the last window may start at in_w - 1 = 5 (two taps of padding): out_w <= 7.
  v.out_h = 6, v.out_w = 7;
  CHECK(problem(one(make(Opcode::Conv, v))) == "");
  v.out_w = 8;
  CHECK_THAT(problem(one(make(Opcode::Conv, v))), Catch::Contains("out_w=8 reads past the input tile (in_w=6, stride 1, pad 1): at most 7"));
  v.out_w = 6, v.pad_top = 3;  // a 3-tap kernel reaches 2 rows of padding at most
  CHECK_THAT(problem(one(make(Opcode::Conv, v))), Catch::Contains("pad_top=3 is more than the kernel reaches"));
  v.dil_h = 2;  // dilation 2: reach 4
  CHECK(problem(one(make(Opcode::Conv, v))) == "");

  // Input tile must fit: in_h*in_w*in_c bytes from in_addr.
  const SocConfig soc = command_test_soc();
  v = ConvCmd{};
  v.in_h = 16, v.in_w = 16, v.in_c = 4, v.out_h = 16, v.out_w = 16, v.n = 4, v.c_stride = 4, v.b_stride = 4;
  v.in_addr = uint32_t(soc.npu.input.size_bytes - 16 * 16 * 4);
  CHECK(problem(one(make(Opcode::Conv, v))) == "");
  v.in_addr += 1;
  CHECK_THAT(problem(one(make(Opcode::Conv, v))), Catch::Contains("conv: input tile bytes"));
  // B holds K = kh*kw*in_c rows.
  v.in_addr = 0, v.kh = v.kw = 3, v.pad_top = v.pad_left = 1;
  v.b_addr = uint32_t(soc.npu.weight.size_bytes - (35 * 4 + 4));
  CHECK(problem(one(make(Opcode::Conv, v))) == "");
  v.b_addr += 1;
  CHECK_THAT(problem(one(make(Opcode::Conv, v))), Catch::Contains("conv: B bytes"));
  // C holds M = out_h*out_w rows.
  v.b_addr = 0;
  v.c_addr = uint32_t(soc.npu.accumulator_bytes - 4 * (255 * 4 + 4));
  CHECK(problem(one(make(Opcode::Conv, v))) == "");
  v.c_addr += 4;
  CHECK_THAT(problem(one(make(Opcode::Conv, v))), Catch::Contains("conv: C bytes"));
}

TEST_CASE("ppu: accumulators, parameter records and output", "[command][validate]") {
  const SocConfig soc = command_test_soc();
  PostProcessCmd p = ppu(4, 8);
  p.params_addr = uint32_t(soc.npu.weight.size_bytes - 12 * 8);
  CHECK(problem(one(make(Opcode::PostProcess, p))) == "");
  p.params_addr += 4;
  CHECK_THAT(problem(one(make(Opcode::PostProcess, p))), Catch::Contains("ppu: params bytes"));
  p = ppu(4, 8);
  p.out.offset = uint32_t(soc.npu.output.size_bytes - (3 * 8 + 8));
  CHECK(problem(one(make(Opcode::PostProcess, p))) == "");
  p.out.offset += 1;
  CHECK_THAT(problem(one(make(Opcode::PostProcess, p))), Catch::Contains("ppu: out bytes"));
  p = ppu(4, 8);
  p.out.buf = Buffer::Accumulator;
  CHECK_THAT(problem(one(make(Opcode::PostProcess, p))), Catch::Contains("writes the output or input buffer"));
  p = ppu(4, 8);
  p.act_min = 10, p.act_max = 5;
  CHECK(problem(one(make(Opcode::PostProcess, p))) == "p.kbin: command 0: ppu: min=10 is greater than max=5");
}

TEST_CASE("images and stream placement lie inside their memories", "[command][validate]") {
  Program p = small_program();
  p.images.push_back({"sram", 0x2007FFFF, {1, 2}});
  CHECK(problem(p) == "p.kbin: image 2: bytes [0x2007ffff, 0x20080001) are outside memory 'sram' [0x20000000, 0x20080000)");
  p.images.back() = {"dram", 0x0, {1}};
  CHECK(problem(p) == "p.kbin: image 2: memory 'dram' is not in the SoC (memories: flash, sram)");
  p = small_program();
  p.stream_memory = "flash";
  p.stream_addr = 0x100000 - encode_commands(p.commands).size();
  CHECK(problem(p) == "");
  p.stream_addr += 4;
  CHECK_THAT(problem(p), Catch::StartsWith("p.kbin: stream placement: stream bytes"));
}

TEST_CASE("token deadlocks name the stuck command and the missing token", "[command][validate][tokens]") {
  CHECK(problem(text("gemm m=1 n=1 k=1 a=0 a_stride=1 b=0 b_stride=1 c=0 c_stride=1 wait_prev\nend\n")) ==
        "p.kbin: command 0: token deadlock: compute waits for a load->compute token that no later command sends "
        "before the end at command 1 (a barrier)");

  // Circular: load waits for compute, compute waits for load.
  CHECK(problem(text("load ch=0 mem=0 spm=input row_bytes=4 wait_next signal_next\n"
                     "gemm m=1 n=1 k=1 a=0 a_stride=1 b=0 b_stride=1 c=0 c_stride=1 wait_prev signal_prev\n"
                     "end\n")) ==
        "p.kbin: command 0: token deadlock: load waits for a compute->load token that command 1 would send, but the "
        "compute queue is itself stuck at command 1");

  // A token sent after an MCU op cannot release a command before it.
  CHECK(problem(text("store ch=0 mem=0x20000000 spm=output row_bytes=4 wait_prev\n"
                     "mcu copy src=0x20000000 dst=0x20000010 bytes=4\n"
                     "ppu m=1 n=1 acc=0 acc_stride=1 params=0 out=output out_stride=1 signal_next\n"
                     "store ch=0 mem=0x20000000 spm=output row_bytes=4 wait_prev\n"
                     "end\n")) ==
        "p.kbin: command 0: token deadlock: store waits for a compute->store token that no later command sends "
        "before the mcu at command 1 (a barrier)");
}

TEST_CASE("a fence is a barrier for tokens", "[command][validate][tokens]") {
  CHECK(problem(text("ppu m=1 n=1 acc=0 acc_stride=1 params=0 out=output out_stride=1 wait_next\n"
                     "fence\n"
                     "store ch=0 mem=0x20000000 spm=output row_bytes=4 signal_prev\n"
                     "end\n")) ==
        "p.kbin: command 0: token deadlock: compute waits for a store->compute token that no later command sends "
        "before the fence at command 1 (a barrier)");
}

TEST_CASE("token order across queues does not follow program order", "[command][validate][tokens]") {
  // The store is written before the compute command it waits for; queues run independently.
  CHECK(problem(text("store ch=0 mem=0x20000000 spm=output row_bytes=4 wait_prev\n"
                     "ppu m=1 n=1 acc=0 acc_stride=1 params=0 out=output out_stride=1 signal_next\n"
                     "end\n")) == "");
  // Tokens survive an MCU barrier.
  CHECK(problem(text("load ch=0 mem=0 spm=input row_bytes=4 signal_next\n"
                     "mcu copy src=0x20000000 dst=0x20000010 bytes=4\n"
                     "gemm m=1 n=1 k=1 a=0 a_stride=1 b=0 b_stride=1 c=0 c_stride=1 wait_prev\n"
                     "end\n")) == "");
}

TEST_CASE("tokens never consumed are reported at their sender", "[command][validate][tokens]") {
  CHECK(problem(text("load ch=0 mem=0 spm=input row_bytes=4 signal_next\n"
                     "load ch=0 mem=0 spm=input row_bytes=4 signal_next\n"
                     "gemm m=1 n=1 k=1 a=0 a_stride=1 b=0 b_stride=1 c=0 c_stride=1 wait_prev\n"
                     "end\n")) ==
        "p.kbin: command 1: its load->compute token is never consumed (1 token left at end; every signal needs a "
        "matching wait)");
}

TEST_CASE("validate rejects malformed commands built in code", "[command][validate]") {
  Program p = small_program();
  p.commands[0].deps.wait_prev = true;
  CHECK_THAT(problem(p), Catch::StartsWith("p.kbin: command 0: load: wait_prev not allowed"));
  p = small_program();
  p.commands[2].body = EndCmd{};
  CHECK(problem(p) == "p.kbin: command 2: gemm: command body does not match its opcode");
  p = small_program();
  p.commands.pop_back();
  CHECK(problem(p) == "p.kbin: command 5: missing end command (a program ends with end)");
  p = small_program();
  p.commands.insert(p.commands.begin(), make(Opcode::End, EndCmd{}));
  CHECK(problem(p) == "p.kbin: command 0: end is followed by 6 more commands (end must be last)");
}
