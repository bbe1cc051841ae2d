// Binary command-stream format: exact layout, round trips, every decode error
// naming its command, and robustness against truncated and corrupted input.
#include <catch2/catch.hpp>

#include <cstring>
#include <random>

#include <fmt/format.h>

#include "arch/command_codec.h"
#include "arch/command_text.h"
#include "arch/error.h"
#include "tests/arch/command_test_util.h"

using namespace kiln;
using namespace kiln::test;

namespace {

// Bitwise CRC-32 (IEEE, reflected), written out so the header's checksum is
// checked against something other than the zlib call the codec makes.
uint32_t crc32_reference(const uint8_t* p, size_t n) {
  uint32_t crc = 0xFFFFFFFFu;
  for (size_t i = 0; i < n; ++i) {
    crc ^= p[i];
    for (int b = 0; b < 8; ++b) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1)));
  }
  return ~crc;
}

void le32(std::vector<uint8_t>& v, uint32_t x) {
  for (int i = 0; i < 4; ++i) v.push_back(uint8_t(x >> (8 * i)));
}

// Offset of command `index` in an encoded program (header + empty stream placement + earlier commands).
size_t command_offset(const Program& p, size_t index) {
  size_t off = kProgramHeaderBytes + 4 + (p.stream_memory.empty() ? 0 : ((1 + p.stream_memory.size() + 3) / 4) * 4 - 4) + 8;
  for (size_t i = 0; i < index; ++i) off += encoded_size(p.commands[i]);
  return off;
}

std::string decode_error(const std::vector<uint8_t>& bytes) {
  try {
    decode_program(bytes, "prog.kbin");
  } catch (const Error& e) {
    return e.what();
  }
  return "(decoded without error)";
}

}  // namespace

TEST_CASE("a gemm command encodes to the documented bytes", "[command][codec]") {
  Command c = make(Opcode::Gemm, gemm(3, 5, 7), deps(true, false, false, true));
  auto& g = std::get<GemmCmd>(c.body);
  g.a_addr = 0x10, g.b_addr = 0x20, g.c_addr = 0x30, g.c_stride = 0x01020304;
  g.dataflow = Dataflow::OutputStationary;
  g.accumulate = true;
  std::vector<uint8_t> expected = {0x10, 10, 0x01 | 0x08, 0x01 | 0x04};
  for (uint32_t v : {3u, 5u, 7u, 0x10u, 7u, 0x20u, 5u, 0x30u, 0x01020304u}) le32(expected, v);
  std::vector<uint8_t> out;
  encode_command(c, out);
  CHECK(out == expected);
  CHECK(encoded_size(c) == expected.size());
}

TEST_CASE("a dma command encodes a 64-bit address, buffer id in flags, channel after the fields", "[command][codec]") {
  Command c = make(Opcode::DmaStore, dma(1, 0x123456789aULL, Buffer::Output, 0x40, 2, 8, 16, 8), deps(true, false, true, false));
  std::vector<uint8_t> expected = {0x02, 9, 0x01 | 0x04, 2, 0x9a, 0x78, 0x56, 0x34, 0x12, 0, 0, 0};
  for (uint32_t v : {0x40u, 2u, 8u, 16u, 8u}) le32(expected, v);
  for (uint8_t b : {1, 0, 0, 0}) expected.push_back(b);
  std::vector<uint8_t> out;
  encode_command(c, out);
  CHECK(out == expected);
}

TEST_CASE("encoded sizes are whole words and match the bytes written", "[command][codec]") {
  std::mt19937 rng(7);
  for (int i = 0; i < 200; ++i) {
    Command c = random_command(rng);
    std::vector<uint8_t> out;
    encode_command(c, out);
    CHECK(out.size() == encoded_size(c));
    CHECK(out.size() % 4 == 0);
    CHECK(out[1] * 4u == out.size());
  }
  McuOpCmd m;
  m.kernel = mcu_kernel_id("copy");
  m.args = {1, 2, 3};
  CHECK(encoded_size(make(Opcode::McuOp, m)) == 4 * (2 + 3));
  CHECK(encoded_size(make(Opcode::End, EndCmd{})) == 4);
  CHECK(encoded_size(make(Opcode::Fence, FenceCmd{})) == 4);
  std::vector<uint8_t> fence;
  encode_command(make(Opcode::Fence, FenceCmd{}), fence);
  CHECK(fence == std::vector<uint8_t>{0x13, 1, 0, 0});
}

TEST_CASE("the program header holds magic, version, counts, payload size and CRC-32", "[command][codec]") {
  const Program p = small_program();
  const auto bytes = encode_program(p);
  REQUIRE(bytes.size() > kProgramHeaderBytes);
  CHECK(std::memcmp(bytes.data(), "KILN", 4) == 0);
  CHECK((bytes[4] | bytes[5] << 8) == kProgramFormatVersion);
  CHECK((bytes[6] | bytes[7] << 8) == 0);
  CHECK(read_u32(bytes, 8) == p.commands.size());
  CHECK(read_u32(bytes, 12) == p.images.size());
  CHECK(read_u32(bytes, 16) == bytes.size() - kProgramHeaderBytes);
  CHECK(read_u32(bytes, 20) == crc32_reference(bytes.data() + kProgramHeaderBytes, bytes.size() - kProgramHeaderBytes));
  // Payload size from the layout: placement (4 + 8), commands, images (name padded + addr 8 + size 4 + bytes padded).
  size_t payload = 12;
  for (const auto& c : p.commands) payload += encoded_size(c);
  payload += (8 + 8 + 4 + 512) + (8 + 8 + 4 + 8);  // "flash" and "sram" names pad to 8 bytes
  CHECK(bytes.size() - kProgramHeaderBytes == payload);
}

TEST_CASE("programs round-trip through the binary form", "[command][codec]") {
  const Program p = small_program();
  CHECK(decode_program(encode_program(p), "x") == p);

  std::mt19937 rng(20240601);
  for (int i = 0; i < 300; ++i) {
    const Program q = random_program(rng);
    const auto bytes = encode_program(q);
    const Program back = decode_program(bytes, "random");
    REQUIRE(back == q);
    CHECK(encode_program(back) == bytes);
  }
}

TEST_CASE("program files are written atomically and read back", "[command][codec]") {
  const std::string path = "test_command_codec_roundtrip.kbin";
  write_program_file(small_program(), path);
  CHECK(read_program_file(path) == small_program());
  std::remove(path.c_str());
  CHECK_THROWS_WITH(read_program_file("no/such/file.kbin"), Catch::Contains("no/such/file.kbin: cannot open"));
}

TEST_CASE("header errors: truncated, magic, version, flags, length, checksum", "[command][codec]") {
  const auto good = encode_program(small_program());

  CHECK_THAT(decode_error(std::vector<uint8_t>(good.begin(), good.begin() + 10)),
             Catch::StartsWith("prog.kbin: header: truncated: 10 bytes"));

  auto magic = good;
  magic[0] = 'E', magic[1] = 'L', magic[2] = 'F';
  CHECK_THAT(decode_error(magic), Catch::StartsWith("prog.kbin: header: bad magic 45 4c 46 4e"));

  auto version = good;
  version[4] = 2;
  CHECK_THAT(decode_error(version), Catch::Contains("unsupported format version 2 (this kiln reads version 1)"));

  auto flags = good;
  flags[6] = 0x80;
  CHECK_THAT(decode_error(flags), Catch::Contains("unknown flags 0x0080"));

  auto shorter = good;
  shorter.pop_back();
  CHECK_THAT(decode_error(shorter), Catch::Contains(fmt::format(
                                        "truncated: payload_bytes is {}, the file holds {}",
                                        good.size() - kProgramHeaderBytes, good.size() - kProgramHeaderBytes - 1)));

  auto longer = good;
  longer.push_back(0);
  CHECK_THAT(decode_error(longer), Catch::Contains("1 trailing bytes after the"));

  auto corrupt = good;
  corrupt[good.size() - 6] ^= 0x40;  // inside the last image's bytes
  const uint32_t stored = crc32_reference(good.data() + 24, good.size() - 24);
  const uint32_t actual = crc32_reference(corrupt.data() + 24, corrupt.size() - 24);
  CHECK_THAT(decode_error(corrupt), Catch::Equals(fmt::format(
                                        "prog.kbin: header: checksum mismatch: header says 0x{:08x}, payload has 0x{:08x}",
                                        stored, actual)));
}

TEST_CASE("command errors name the command index", "[command][codec]") {
  const Program p = small_program();
  const auto good = encode_program(p);
  auto patched = [&](size_t index, size_t byte, uint8_t value) {
    auto b = good;
    b[command_offset(p, index) + byte] = value;
    fix_crc(b);
    return decode_error(b);
  };
  // Command 2 is the gemm, command 0 a load, command 4 the store.
  CHECK(patched(2, 0, 0x33) == "prog.kbin: command 2: unknown opcode 0x33");
  CHECK(patched(2, 1, 9) == "prog.kbin: command 2: length 9 words does not match opcode gemm (10 words)");
  CHECK(patched(2, 3, 3) == "prog.kbin: command 2: gemm: dataflow id 3 (expected 0 ws, 1 os, 2 is)");
  CHECK(patched(2, 3, 0x08) == "prog.kbin: command 2: gemm: reserved flag bits 0x08 set");
  CHECK(patched(2, 2, 0x10) == "prog.kbin: command 2: reserved dependency bits 0x10 set");
  CHECK(patched(2, 4 + 8, 0) == "prog.kbin: command 2: gemm: k is 0, expected at least 1");  // k = 32 -> 0
  CHECK_THAT(patched(0, 2, 0x01), Catch::StartsWith("prog.kbin: command 0: load: wait_prev not allowed"));
  CHECK_THAT(patched(4, 2, 0x08), Catch::StartsWith("prog.kbin: command 4: store: signal_next not allowed"));
  CHECK_THAT(patched(5, 2, 0x02), Catch::StartsWith("prog.kbin: command 5: end: dependency tokens not allowed"));
  CHECK(patched(0, 34, 1) == "prog.kbin: command 0: load: reserved byte 34 of the command is 0x01, expected 0");
  CHECK(patched(0, 4 + 16, 0) == "prog.kbin: command 0: load: row_bytes is 0, expected at least 1");
}

TEST_CASE("mcu commands: unknown kernel and wrong argument count", "[command][codec]") {
  Program p;
  McuOpCmd m;
  m.kernel = 99;
  m.args = {1, 2, 3};
  p.commands = {make(Opcode::End, EndCmd{})};
  p.commands.insert(p.commands.begin(), make(Opcode::McuOp, m));
  CHECK_THAT(decode_error(encode_program(p)), Catch::StartsWith("prog.kbin: command 0: mcu: unknown kernel id 99"));

  std::get<McuOpCmd>(p.commands[0].body).kernel = mcu_kernel_id("add");
  CHECK(decode_error(encode_program(p)) == fmt::format("prog.kbin: command 0: mcu add: 3 arguments, expected {}",
                                                       find_mcu_kernel("add")->args.size()));

  // A length byte that disagrees with the argument count.
  std::get<McuOpCmd>(p.commands[0].body).kernel = mcu_kernel_id("copy");
  auto b = encode_program(p);
  b[kProgramHeaderBytes + 12 + 1] = 4;
  fix_crc(b);
  CHECK(decode_error(b) == "prog.kbin: command 0: mcu: length 4 words does not match 3 arguments (5 words)");
}

TEST_CASE("program structure: end last, nothing after it, nothing trailing", "[command][codec]") {
  Program p = small_program();
  p.commands.pop_back();
  CHECK(decode_error(encode_program(p)) == "prog.kbin: command 5: missing end command (the last command, 4, is store)");

  p = small_program();
  p.commands.push_back(make(Opcode::End, EndCmd{}));
  CHECK(decode_error(encode_program(p)) == "prog.kbin: command 6: command after end (end is command 5; end must be last)");

  p.commands.clear();
  CHECK_THAT(decode_error(encode_program(p)), Catch::StartsWith("prog.kbin: command 0: no commands"));

  auto b = encode_program(small_program());
  for (int i = 0; i < 4; ++i) b.push_back(0);
  const uint32_t payload = read_u32(b, 16) + 4;
  for (int i = 0; i < 4; ++i) b[16 + i] = uint8_t(payload >> (8 * i));
  fix_crc(b);
  CHECK(decode_error(b) == "prog.kbin: payload: 4 trailing bytes after 6 commands and 2 images");

  // One more command announced than present: the image bytes are read as commands and rejected.
  b = encode_program(small_program());
  b[8] = 7;
  fix_crc(b);
  CHECK_THAT(decode_error(b), Catch::StartsWith("prog.kbin: command 6: command after end"));
}

TEST_CASE("image and placement errors", "[command][codec]") {
  Program p = small_program();
  p.images[1].memory = "bad name";
  CHECK_THROWS_WITH(encode_program(p), Catch::Contains("invalid memory name 'bad name'"));

  p = small_program();
  auto b = encode_program(p);
  const size_t image1 = command_offset(p, p.commands.size()) + 8 + 8 + 4 + 512;
  REQUIRE(b[image1] == 4);  // "sram"
  b[image1 + 1] = '9';
  fix_crc(b);
  CHECK(decode_error(b) == "prog.kbin: image 1: invalid memory name '9ram' (expected [A-Za-z_][A-Za-z0-9_.-]*)");

  b = encode_program(p);
  b[image1 + 16] = 200;  // image size 5 -> 200: runs past the payload
  fix_crc(b);
  CHECK_THAT(decode_error(b), Catch::StartsWith("prog.kbin: image 1: truncated: image bytes needs 200 bytes"));

  b = encode_program(p);
  b[b.size() - 1] = 7;  // padding after the 5 image bytes
  fix_crc(b);
  CHECK(decode_error(b) == "prog.kbin: image 1: image padding byte 2 is 0x07, expected 0");

  p.stream_addr = 0x40;
  CHECK_THROWS_WITH(encode_program(p), Catch::Contains("stream_addr 0x40 set without stream_memory"));
  p.stream_memory = "flash";
  CHECK(decode_program(encode_program(p), "x").stream_addr == 0x40);
}

// Every prefix of a valid program, and every single-byte corruption (with the
// checksum left stale and with it recomputed so the parser sees the damage),
// either decodes or throws kiln::Error. A corruption that decodes re-encodes to
// the same bytes: the format has one encoding per program.
TEST_CASE("truncated and corrupted programs never crash the decoder", "[command][codec][fuzz]") {
  Program p = small_program();
  p.stream_memory = "sram";
  p.stream_addr = 0x20002000;
  McuOpCmd m;
  m.kernel = mcu_kernel_id("copy");
  m.args = {0x20000000, 0x20000100, 16};
  p.commands.insert(p.commands.end() - 1, make(Opcode::McuOp, m));
  ConvCmd v;
  v.in_h = v.in_w = 4, v.in_c = 2, v.out_h = v.out_w = 4, v.n = 4, v.kh = v.kw = 3, v.pad_top = v.pad_left = 1;
  v.c_stride = 4, v.b_stride = 4;
  p.commands.insert(p.commands.end() - 1, make(Opcode::Conv, v));
  const auto good = encode_program(p);
  REQUIRE(decode_program(good, "x") == p);

  size_t errors = 0, decoded = 0;
  auto attempt = [&](const std::vector<uint8_t>& b) {
    try {
      const Program q = decode_program(b, "fuzz");
      CHECK(encode_program(q) == b);
      ++decoded;
    } catch (const Error& e) {
      CHECK(std::string(e.what()).find('\n') == std::string::npos);
      ++errors;
    }
  };
  for (size_t len = 0; len < good.size(); ++len) {
    std::vector<uint8_t> b(good.begin(), good.begin() + len);
    attempt(b);
    if (len >= kProgramHeaderBytes) {  // header agrees with the shorter payload: the parser meets the cut
      const uint32_t payload = uint32_t(len - kProgramHeaderBytes);
      for (int i = 0; i < 4; ++i) b[16 + i] = uint8_t(payload >> (8 * i));
      fix_crc(b);
      attempt(b);
    }
  }
  std::mt19937 rng(99);
  for (size_t pos = 0; pos < good.size(); ++pos) {
    for (uint8_t value : {uint8_t(good[pos] ^ 0x01), uint8_t(good[pos] ^ 0x80), uint8_t(0), uint8_t(0xFF),
                          uint8_t(rng())}) {
      if (value == good[pos]) continue;
      auto b = good;
      b[pos] = value;
      attempt(b);
      fix_crc(b);
      attempt(b);
    }
  }
  CHECK(errors > good.size());  // truncations alone give one error each
  CHECK(decoded > 0);           // some corruptions are valid programs (e.g. a different address)
}

TEST_CASE("decode_command decodes one command from a bounded buffer", "[command][codec]") {
  const auto bytes = encode_commands(small_program().commands);
  size_t pos = 0, index = 0;
  while (pos < bytes.size()) {
    size_t used = 0;
    const Command c = decode_command(bytes.data() + pos, bytes.size() - pos, &used, "fetch", index);
    CHECK(c == small_program().commands[index]);
    pos += used, ++index;
  }
  CHECK(index == small_program().commands.size());
  CHECK_THROWS_WITH(decode_command(bytes.data(), 3, nullptr, "fetch", 4),
                    "fetch: command 4: truncated: command header needs 4 bytes, only 3 left");
  CHECK_THROWS_WITH(decode_command(bytes.data(), 20, nullptr, "fetch", 0),
                    "fetch: command 0: truncated: load command is 36 bytes, only 20 left");
}

TEST_CASE("conv in_pixel_stride: 24 bits in the binary, in_stride= in the text, and no overlapping pixels",
          "[command][codec]") {
  Program p = small_program();
  ConvCmd v;
  v.in_h = v.in_w = 4, v.in_c = 16, v.out_h = v.out_w = 4, v.n = 16, v.kh = v.kw = 3, v.pad_top = v.pad_left = 1;
  v.c_stride = 16, v.b_stride = 16, v.in_addr = 32;
  v.in_pixel_stride = 0x012345;  // every byte of the field differs
  p.commands.insert(p.commands.end() - 1, make(Opcode::Conv, v));
  const auto bytes = encode_program(p);
  const Program back = decode_program(bytes, "x");
  REQUIRE(back == p);
  CHECK(std::get<ConvCmd>(back.commands[back.commands.size() - 2].body).in_pixel_stride == 0x012345);
  const std::string text = format_program(p);
  CHECK(text.find("in_stride=74565") != std::string::npos);
  CHECK(parse_program_text(text, "x.kasm") == p);
  // The tile's extent: 15 pixel strides and the last pixel's channels.
  CHECK(v.input_extent() == 15ull * 0x012345 + 16);
  v.in_pixel_stride = 0;
  CHECK(v.input_extent() == 16ull * 16);

  v.in_pixel_stride = 8;  // less than in_c
  Program bad = small_program();
  bad.commands.insert(bad.commands.end() - 1, make(Opcode::Conv, v));
  CHECK_THROWS_WITH(decode_program(encode_program(bad), "bad.kbin"),
                    Catch::Contains("in_stride=8 is less than in_c=16: input pixels overlap"));
}

TEST_CASE("conv depthwise: a flag bit in the binary, a word in the text, and in_c must equal n", "[command][codec]") {
  ConvCmd v;
  v.in_h = v.in_w = 4, v.in_c = 16, v.out_h = v.out_w = 4, v.n = 16, v.kh = v.kw = 3, v.pad_top = v.pad_left = 1;
  v.c_stride = 16, v.b_stride = 16;
  v.depthwise = true;
  CHECK(v.weight_rows() == 9);  // compact taps, not K = 144 rows
  CHECK(v.gemm_k() == 144);     // what the array multiplies
  Program p = small_program();
  p.commands.insert(p.commands.end() - 1, make(Opcode::Conv, v));
  const Program back = decode_program(encode_program(p), "x");
  REQUIRE(back == p);
  CHECK(std::get<ConvCmd>(back.commands[back.commands.size() - 2].body).depthwise);
  const std::string text = format_program(p);
  CHECK(text.find(" depthwise") != std::string::npos);
  CHECK(parse_program_text(text, "x.kasm") == p);
  v.depthwise = false;
  CHECK(v.weight_rows() == 144);

  v.depthwise = true;
  v.n = 8;
  Program bad = small_program();
  bad.commands.insert(bad.commands.end() - 1, make(Opcode::Conv, v));
  CHECK_THROWS_WITH(decode_program(encode_program(bad), "bad.kbin"),
                    Catch::Contains("depthwise with in_c=16 and n=8 (expected equal"));
}
