// The .kasm text form: what each line means, round trips through text and
// binary, and assembler errors with file:line:column.
#include <catch2/catch.hpp>

#include <cstdio>
#include <dirent.h>
#include <fstream>
#include <random>

#include "arch/command_codec.h"
#include "arch/command_text.h"
#include "arch/error.h"
#include "tests/arch/command_test_util.h"
#include "tests/support/test_paths.h"

using namespace kiln;
using namespace kiln::test;

namespace {

Command one_command(const std::string& line) {
  const Program p = parse_program_text(line + "\nend\n", "t.kasm");
  REQUIRE(p.commands.size() == 2);
  return p.commands[0];
}

std::string asm_error(const std::string& text) {
  try {
    parse_program_text(text, "t.kasm");
  } catch (const Error& e) {
    return e.what();
  }
  return "(assembled without error)";
}

std::vector<std::string> sample_streams() {
  std::vector<std::string> out;
  const std::string dir = data_path("streams");
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d)) {
      const std::string name = e->d_name;
      if (name.size() > 5 && name.substr(name.size() - 5) == ".kasm") out.push_back(dir + "/" + name);
    }
    closedir(d);
  }
  return out;
}

}  // namespace

TEST_CASE("a load line sets every field of the DMA command", "[command][text]") {
  const Command c = one_command(
      "load ch=1 mem=0x20000000 spm=weight+0x40 rows=4 row_bytes=64 mem_stride=128 spm_stride=64 wait_next signal_next");
  CHECK(c.op == Opcode::DmaLoad);
  CHECK(c.deps == deps(false, true, false, true));
  CHECK(std::get<DmaCmd>(c.body) == dma(1, 0x20000000, Buffer::Weight, 0x40, 4, 64, 128, 64));
}

TEST_CASE("optional fields take their documented defaults", "[command][text]") {
  CHECK(std::get<DmaCmd>(one_command("load ch=0 mem=16 spm=input row_bytes=4").body) ==
        dma(0, 16, Buffer::Input, 0, 1, 4, 0, 0));
  const auto v = std::get<ConvCmd>(
      one_command("conv in_h=4 in_w=4 in_c=2 out_h=4 out_w=4 n=3 kh=1 kw=1 in=0 b=0 b_stride=3 c=0 c_stride=3").body);
  CHECK((v.stride_h == 1 && v.stride_w == 1 && v.dil_h == 1 && v.dil_w == 1));
  CHECK((v.pad_top == 0 && v.pad_left == 0 && v.pad_value == 0));
  CHECK(v.dataflow == Dataflow::WeightStationary);
  CHECK(!v.accumulate);
  const auto p = std::get<PostProcessCmd>(
      one_command("ppu m=1 n=2 acc=0 acc_stride=2 params=0 out=output out_stride=2").body);
  CHECK((p.out_zero_point == 0 && p.act_min == -128 && p.act_max == 127));
  CHECK(std::get<EndCmd>(parse_program_text("end", "t").commands[0].body).interrupt);
  CHECK(!std::get<EndCmd>(parse_program_text("end no_interrupt", "t").commands[0].body).interrupt);
}

TEST_CASE("gemm, ppu and mcu lines", "[command][text]") {
  GemmCmd g = gemm(16, 16, 32);
  g.a_stride = 32, g.b_stride = 16, g.c_stride = 16, g.c_addr = 0x100;
  g.dataflow = Dataflow::InputStationary;
  g.accumulate = true;
  const Command c = one_command(
      "gemm m=16 n=16 k=32 a=0x0 a_stride=32 b=0x0 b_stride=16 c=0x100 c_stride=16 dataflow=is accumulate wait_prev "
      "signal_prev signal_next");
  CHECK(std::get<GemmCmd>(c.body) == g);
  CHECK(c.deps == deps(true, false, true, true));

  const auto p = std::get<PostProcessCmd>(
      one_command("ppu m=2 n=3 acc=0x10 acc_stride=4 params=0x20 out=input+0x30 out_stride=5 zp=-7 min=-7 max=100").body);
  CHECK((p.m == 2 && p.n == 3 && p.acc_addr == 0x10 && p.acc_stride == 4 && p.params_addr == 0x20));
  CHECK((p.out.buf == Buffer::Input && p.out.offset == 0x30 && p.out_stride == 5));
  CHECK((p.out_zero_point == -7 && p.act_min == -7 && p.act_max == 100));

  // MCU arguments in any order, stored in the kernel's order; negative values are two's complement.
  const auto m = std::get<McuOpCmd>(one_command("mcu copy bytes=-1 dst=0x20 src=16").body);
  CHECK(m.kernel == mcu_kernel_id("copy"));
  CHECK(m.args == std::vector<uint32_t>{16, 0x20, 0xFFFFFFFFu});
}

TEST_CASE("format_command writes every field explicitly", "[command][text]") {
  CHECK(format_command(make(Opcode::DmaLoad, dma(0, 0x20000000, Buffer::Input, 0, 4, 64, 128, 64), deps(0, 0, 0, 1))) ==
        "load ch=0 mem=0x20000000 spm=input+0x0 rows=4 row_bytes=64 mem_stride=128 spm_stride=64 signal_next");
  McuOpCmd m;
  m.kernel = mcu_kernel_id("copy");
  m.args = {0x20000000, 0xFFFFFF80u, 12};
  CHECK(format_command(make(Opcode::McuOp, m)) == "mcu copy src=0x20000000 dst=-128 bytes=12");
  CHECK(format_command(make(Opcode::End, EndCmd{false})) == "end no_interrupt");
  CHECK(format_command(make(Opcode::Fence, FenceCmd{})) == "fence");
  CHECK(one_command("fence").op == Opcode::Fence);
  CHECK_THAT(asm_error("fence signal_next\nend"), Catch::StartsWith("t.kasm:1:1: fence: dependency tokens not allowed"));
}

TEST_CASE("images: hex, int8, int32 (little-endian) and file", "[command][text]") {
  const std::string bin = "test_command_text_image.bin";
  {
    std::ofstream out(bin, std::ios::binary);
    out.write("\x01\x02\xff", 3);
  }
  const Program p = parse_program_text(
      ".image flash 0x10 hex \"00a1FF\"\n"
      ".image sram 0x20000000 int8 [1, -2,\n  127, -128,]\n"
      ".image flash 0x100 int32 [-2, 0x01020304]\n"
      ".image sram 0x20000100 file \"" + bin + "\"\n"
      ".image flash 0x200 hex [\"0102\", \"03\"]\n"
      ".stream flash 0x8000\n"
      "end\n",
      "t.kasm");
  std::remove(bin.c_str());
  REQUIRE(p.images.size() == 5);
  CHECK(p.images[0] == MemoryImage{"flash", 0x10, {0x00, 0xa1, 0xff}});
  CHECK(p.images[1] == MemoryImage{"sram", 0x20000000, {0x01, 0xfe, 0x7f, 0x80}});
  CHECK(p.images[2] == MemoryImage{"flash", 0x100, {0xfe, 0xff, 0xff, 0xff, 0x04, 0x03, 0x02, 0x01}});
  CHECK(p.images[3] == MemoryImage{"sram", 0x20000100, {0x01, 0x02, 0xff}});
  CHECK(p.images[4] == MemoryImage{"flash", 0x200, {0x01, 0x02, 0x03}});
  CHECK(p.stream_memory == "flash");
  CHECK(p.stream_addr == 0x8000);
}

TEST_CASE("every sample stream round-trips: text -> program -> text and -> identical binary", "[command][text]") {
  const auto files = sample_streams();
  REQUIRE(files.size() >= 3);
  for (const auto& f : files) {
    INFO(f);
    const Program p = read_program_text_file(f);
    const std::string text = format_program(p);
    const Program q = parse_program_text(text, "disasm");
    CHECK(q == p);
    CHECK(encode_program(q) == encode_program(p));
    CHECK(format_program(q) == text);
    // And through the binary form.
    CHECK(format_program(decode_program(encode_program(p), "bin")) == text);
  }
}

TEST_CASE("random programs round-trip through the text form", "[command][text]") {
  std::mt19937 rng(4242);
  for (int i = 0; i < 300; ++i) {
    const Program p = random_program(rng);
    const Program q = parse_program_text(format_program(p), "random");
    REQUIRE(q == p);
    CHECK(encode_program(q) == encode_program(p));
  }
}

TEST_CASE("assembler errors give file:line:column and what was expected", "[command][text]") {
  // Every mnemonic of the command table, in its order (the first ones spelt out).
  std::string mnemonics;
  for (const CommandSpec& c : kCommands) mnemonics += std::string(c.mnemonic) + ", ";
  REQUIRE(mnemonics.rfind("load, store, gemm, conv, ppu, fence, vadd, ", 0) == 0);
  CHECK(asm_error("end\nfrob x=1\n") ==
        "t.kasm:2:1: unknown mnemonic 'frob' (expected " + mnemonics + "or a directive .image, .stream)");
  CHECK(asm_error("  load ch=0 mem=0 spm=input row_bytes=4 colour=3\nend") ==
        "t.kasm:1:41: unknown field 'colour' for load (fields: ch, mem, spm, rows, row_bytes, mem_stride, spm_stride)");
  CHECK(asm_error("gemm m=1 n=1 a=0 a_stride=1 b=0 b_stride=1 c=0 c_stride=1\nend") ==
        "t.kasm:1:1: gemm: missing field 'k'");
  CHECK(asm_error("load ch=0 mem=0x2G spm=input row_bytes=4\nend") ==
        "t.kasm:1:15: bad number '0x2G' for 'mem' (expected decimal or 0x hex)");
  CHECK(asm_error("load ch=256 mem=0 spm=input row_bytes=4\nend") ==
        "t.kasm:1:9: value 256 out of range for 'ch' (0..255)");
  CHECK(asm_error("ppu m=1 n=1 acc=0 acc_stride=1 params=0 out=output out_stride=1 zp=200\nend") ==
        "t.kasm:1:68: value 200 out of range for 'zp' (-128..127)");
  CHECK(asm_error("load ch=0 mem=0 spm=scratch+4 row_bytes=4\nend") ==
        "t.kasm:1:21: unknown scratchpad buffer 'scratch' in 'spm' (expected input, weight, output or accumulator, then "
        "+offset)");
  CHECK(asm_error("load ch=0 ch=1 mem=0 spm=input row_bytes=4\nend") == "t.kasm:1:11: field 'ch' given twice");
  CHECK(asm_error("load ch=0 mem=0 spm=input row_bytes=4 accumulate\nend") ==
        "t.kasm:1:39: unknown flag 'accumulate' for load (flags: wait_prev, wait_next, signal_prev, signal_next)");
  CHECK(asm_error("load ch=0 mem=0 spm=input row_bytes\nend") == "t.kasm:1:27: field 'row_bytes' needs a value (row_bytes=...)");
  CHECK_THAT(asm_error("load ch=0 mem=0 spm=input row_bytes=4 wait_prev\nend"),
             Catch::StartsWith("t.kasm:1:1: load: wait_prev not allowed"));
  CHECK_THAT(asm_error("mcu conv3d in=1\nend"), Catch::StartsWith("t.kasm:1:5: mcu: unknown kernel 'conv3d' (one of: copy, add,"));
  CHECK(asm_error("mcu copy src=1 dst=2\nend") == "t.kasm:1:1: mcu: missing field 'bytes'");
  CHECK(asm_error("gemm m=1 n=1 k=1 a=0 a_stride=1 b=0 b_stride=1 c=0 c_stride=1 dataflow=xs\nend") ==
        "t.kasm:1:72: unknown dataflow 'xs' (expected ws, os or is)");
  CHECK(asm_error("end\nend\n") == "t.kasm:2:1: command after end (end is command 0; end must be last)");
  CHECK(asm_error("# nothing\n") == "t.kasm:1:1: no commands (a program ends with an end command)");
  CHECK(asm_error("load ch=0 mem=0 spm=input row_bytes=4\n") ==
        "t.kasm:1:1: missing end command after the last command (load)");
  CHECK(asm_error(".image flash 0 hex \"abc\"\nend") == "t.kasm:1:20: hex string has an odd number of digits (3)");
  CHECK(asm_error(".image flash 0 hex \"zz\"\nend") == "t.kasm:1:21: 'z' is not a hex digit");
  CHECK(asm_error(".image flash 0 int8 [1, 128]\nend") == "t.kasm:1:25: value 128 out of range for an int8 element (-128..127)");
  CHECK(asm_error(".image flash 0 int8 [1, 2\nend") == "t.kasm:1:21: '[' without a matching ']'");
  CHECK(asm_error(".image flash 0 hex \"00\nend") == "t.kasm:1:20: unterminated string (missing '\"')");
  CHECK(asm_error(".image 9lives 0 hex \"00\"\nend") ==
        "t.kasm:1:8: invalid memory name '9lives' (expected [A-Za-z_][A-Za-z0-9_.-]*)");
  CHECK(asm_error(".image flash 0 blob \"00\"\nend") == "t.kasm:1:16: unknown image data kind 'blob' (expected hex, int8, int32 or file)");
  CHECK_THAT(asm_error(".image flash 0 file \"no-such.bin\"\nend"), Catch::StartsWith("t.kasm:1:21: cannot read 'no-such.bin'"));
  CHECK(asm_error(".stream flash\nend") == "t.kasm:1:9: .stream: missing operand (usage: .stream <memory> <addr>)");
  CHECK(asm_error(".stream flash 0\n.stream flash 0\nend") == "t.kasm:2:1: .stream given twice");
  CHECK(asm_error(".org 0\nend") == "t.kasm:1:1: unknown directive '.org' (expected .image or .stream)");
  CHECK(asm_error("load ch=0 mem=0 spm=input row_bytes=18446744073709551617\nend") ==
        "t.kasm:1:37: bad number '18446744073709551617' for 'row_bytes' (expected decimal or 0x hex)");
}

TEST_CASE("control bytes in a kasm file are located errors, not a hang", "[command][text]") {
  CHECK(asm_error(std::string("nop\0 x\nend\n", 11)) == "t.kasm:1:4: unexpected control byte 0x00; expected text");
  CHECK(asm_error(std::string("end\0", 4)) == "t.kasm:1:4: unexpected control byte 0x00; expected text");
  CHECK(asm_error(std::string("\0", 1)) == "t.kasm:1:1: unexpected control byte 0x00; expected text");
  CHECK(asm_error("end\x1b[0m\n") == "t.kasm:1:4: unexpected control byte 0x1b; expected text");
  CHECK(asm_error(".image flash 0 hex \"0\x01\"\nend") == "t.kasm:1:22: unexpected control byte 0x01 in a string");
  // An image file that is a directory is a located error, not an exception from the stream.
  CHECK(asm_error(".image flash 0 file \"/\"\nend") == "t.kasm:1:21: cannot read '/': not a regular file");
  // A carriage return inside a string is quoted escaped, on one line.
  CHECK(asm_error(".image flash 0 hex \"00\r1\"\nend") == "t.kasm:1:23: '\\r' is not a hex digit");
  // Tabs and CRLF line ends are text.
  CHECK(asm_error("end\t# done\r\n") == "(assembled without error)");
}

TEST_CASE("kasm files resolve image files next to themselves", "[command][text]") {
  const std::string dir = "test_command_text_dir";
  REQUIRE(std::system(("mkdir -p " + dir).c_str()) == 0);
  {
    std::ofstream(dir + "/w.bin", std::ios::binary).write("\x05\x06", 2);
    std::ofstream(dir + "/p.kasm") << ".image flash 0x0 file \"w.bin\"\nend\n";
  }
  const Program p = read_program_text_file(dir + "/p.kasm");
  CHECK(p.images.at(0).bytes == std::vector<uint8_t>{5, 6});
  CHECK_THROWS_WITH(read_program_text_file(dir + "/missing.kasm"), Catch::Contains("missing.kasm: cannot open"));
  REQUIRE(std::system(("rm -rf " + dir).c_str()) == 0);
}
