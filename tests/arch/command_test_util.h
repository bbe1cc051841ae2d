// Helpers shared by the command-stream tests: an SoC built in code (the values
// of configs/soc/default.yaml, so these tests do not depend on the YAML
// loader), small programs, a seeded random program generator, and byte
// patching of encoded programs.
#pragma once

#include <cstdint>
#include <fstream>
#include <iterator>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "arch/command.h"
#include "arch/command_codec.h"
#include "arch/mcu_op.h"

namespace kiln::test {

// The id of the MCU kernel named `name` in the catalogue (the kernel table's).
inline uint16_t mcu_kernel_id(const std::string& name) {
  const McuKernelSpec* k = find_mcu_kernel(name);
  if (!k) throw std::runtime_error("no MCU kernel named " + name);
  return k->id;
}

inline SocConfig command_test_soc() {
  SocConfig soc;
  soc.name = "default-in-code";
  MemoryConfig flash;
  flash.name = "flash";
  flash.kind = MemoryKind::Flash;
  flash.base = 0x00000000;
  flash.size_bytes = 1024 * 1024;
  MemoryConfig sram;
  sram.name = "sram";
  sram.kind = MemoryKind::Sram;
  sram.base = 0x20000000;
  sram.size_bytes = 512 * 1024;
  soc.memories = {flash, sram};
  soc.dma.channels = 2;
  soc.dma.strides_2d = true;
  soc.npu.rows = soc.npu.cols = 16;
  soc.npu.input.size_bytes = 64 * 1024;
  soc.npu.weight.size_bytes = 64 * 1024;
  soc.npu.output.size_bytes = 16 * 1024;
  soc.npu.accumulator_bytes = 64 * 1024;
  return soc;
}

inline Command make(Opcode op, CommandBody body, Deps deps = {}) {
  Command c;
  c.op = op;
  c.body = std::move(body);
  c.deps = deps;
  return c;
}

inline Deps deps(bool wait_prev, bool wait_next, bool signal_prev, bool signal_next) {
  Deps d;
  d.wait_prev = wait_prev;
  d.wait_next = wait_next;
  d.signal_prev = signal_prev;
  d.signal_next = signal_next;
  return d;
}

inline DmaCmd dma(uint8_t ch, uint64_t mem, Buffer buf, uint32_t off, uint32_t rows, uint32_t row_bytes,
                  uint32_t mem_stride, uint32_t spm_stride) {
  DmaCmd d;
  d.channel = ch;
  d.mem_addr = mem;
  d.spm.buf = buf;
  d.spm.offset = off;
  d.rows = rows;
  d.row_bytes = row_bytes;
  d.mem_stride = mem_stride;
  d.spm_stride = spm_stride;
  return d;
}

inline GemmCmd gemm(uint32_t m, uint32_t n, uint32_t k) {
  GemmCmd g;
  g.m = m;
  g.n = n;
  g.k = k;
  g.a_stride = k;
  g.b_stride = n;
  g.c_stride = n;
  return g;
}

inline PostProcessCmd ppu(uint32_t m, uint32_t n) {
  PostProcessCmd p;
  p.m = m;
  p.n = n;
  p.acc_stride = n;
  p.params_addr = 0x1000;
  p.out.buf = Buffer::Output;
  p.out_stride = n;
  return p;
}

// load A, load B (signal) -> gemm (wait, signal) -> ppu (signal) -> store (wait) -> end; valid on command_test_soc().
inline Program small_program() {
  Program p;
  p.commands.push_back(make(Opcode::DmaLoad, dma(0, 0x20000000, Buffer::Input, 0, 16, 32, 32, 32)));
  p.commands.push_back(make(Opcode::DmaLoad, dma(1, 0x100, Buffer::Weight, 0, 1, 512, 0, 0), deps(0, 0, 0, 1)));
  p.commands.push_back(make(Opcode::Gemm, gemm(16, 16, 32), deps(1, 0, 0, 0)));
  p.commands.push_back(make(Opcode::PostProcess, ppu(16, 16), deps(0, 0, 0, 1)));
  p.commands.push_back(make(Opcode::DmaStore, dma(0, 0x20001000, Buffer::Output, 0, 16, 16, 16, 16), deps(1, 0, 0, 0)));
  p.commands.push_back(make(Opcode::End, EndCmd{}));
  p.images.push_back({"flash", 0x100, std::vector<uint8_t>(512, 0x11)});
  p.images.push_back({"sram", 0x20000000, {1, 2, 3, 0xff, 0x80}});
  return p;
}

// Any well-formed command (command_problem() == ""), fields drawn from the whole of their ranges.
inline Command random_command(std::mt19937& rng) {
  auto u32 = [&]() { return uint32_t(rng()); };
  auto pos32 = [&]() { return uint32_t(rng() % 0xFFFFFFFFu) + 1; };
  auto pos8 = [&]() { return uint8_t(rng() % 255 + 1); };
  auto bit = [&]() { return bool(rng() & 1); };
  auto dataflow = [&]() { return Dataflow(rng() % 3); };
  Command c;
  switch (rng() % 7) {
    case 0:
    case 1: {
      c.op = (rng() & 1) ? Opcode::DmaLoad : Opcode::DmaStore;
      DmaCmd d = dma(uint8_t(rng()), (uint64_t(rng()) << 32) | rng(), Buffer(rng() % 4), u32(), pos32(), pos32(), u32(),
                     u32());
      c.body = d;
      if (c.op == Opcode::DmaLoad) c.deps = deps(false, bit(), false, bit());
      else c.deps = deps(bit(), false, bit(), false);
      return c;
    }
    case 2: {
      c.op = Opcode::Gemm;
      GemmCmd g;
      g.m = pos32(), g.n = pos32(), g.k = pos32();
      g.a_addr = u32(), g.a_stride = u32(), g.b_addr = u32(), g.b_stride = u32();
      g.c_addr = u32() & ~3u, g.c_stride = u32();
      g.dataflow = dataflow();
      g.accumulate = bit();
      c.body = g;
      break;
    }
    case 3: {
      c.op = Opcode::Conv;
      ConvCmd v;
      v.in_h = pos32(), v.in_w = pos32(), v.in_c = pos32(), v.out_h = pos32(), v.out_w = pos32(), v.n = pos32();
      v.kh = pos8(), v.kw = pos8(), v.stride_h = pos8(), v.stride_w = pos8(), v.dil_h = pos8(), v.dil_w = pos8();
      v.pad_top = uint8_t(rng()), v.pad_left = uint8_t(rng()), v.pad_value = int8_t(rng());
      v.in_addr = u32(), v.b_addr = u32(), v.b_stride = u32(), v.c_addr = u32() & ~3u, v.c_stride = u32();
      v.dataflow = dataflow();
      v.accumulate = bit();
      c.body = v;
      break;
    }
    case 4: {
      c.op = Opcode::PostProcess;
      PostProcessCmd p;
      p.m = pos32(), p.n = pos32();
      p.acc_addr = u32() & ~3u, p.acc_stride = u32(), p.params_addr = u32() & ~3u;
      p.out.buf = Buffer(rng() % 4), p.out.offset = u32(), p.out_stride = u32();
      p.out_zero_point = int32_t(rng() % 256) - 128;
      p.act_min = int32_t(rng() % 256) - 128;
      p.act_max = p.act_min + int32_t(rng() % uint32_t(128 - p.act_min));
      c.body = p;
      break;
    }
    case 5: {
      c.op = Opcode::McuOp;
      const auto& spec = *std::next(mcu_kernels().begin(), std::ptrdiff_t(rng() % mcu_kernels().size()));
      McuOpCmd m;
      m.kernel = uint16_t(spec.id);
      for (size_t i = 0; i < spec.args.size(); ++i) m.args.push_back(u32());
      c.body = m;
      return c;
    }
    default: {
      // Not End: random programs get exactly one, at the end.
      c.op = Opcode::Fence;
      c.body = FenceCmd{};
      return c;
    }
  }
  c.deps = deps(bit(), bit(), bit(), bit());
  return c;
}

inline Program random_program(std::mt19937& rng) {
  Program p;
  const size_t n = rng() % 40;
  for (size_t i = 0; i < n; ++i) p.commands.push_back(random_command(rng));
  p.commands.push_back(make(Opcode::End, EndCmd{bool(rng() & 1)}));
  const size_t images = rng() % 4;
  for (size_t i = 0; i < images; ++i) {
    MemoryImage img;
    img.memory = (rng() & 1) ? "flash" : "sram_2.bank-A";
    img.addr = (uint64_t(rng()) << 32) | rng();
    img.bytes.resize(rng() % 100);
    for (auto& b : img.bytes) b = uint8_t(rng());
    p.images.push_back(img);
  }
  if (rng() & 1) {
    p.stream_memory = "flash";
    p.stream_addr = rng();
  }
  return p;
}

// Recomputes the header checksum so a corrupted payload reaches the parser.
inline void fix_crc(std::vector<uint8_t>& bytes) {
  if (bytes.size() < kProgramHeaderBytes) return;
  const uint32_t crc = program_crc32(bytes.data() + kProgramHeaderBytes, bytes.size() - kProgramHeaderBytes);
  for (int i = 0; i < 4; ++i) bytes[20 + i] = uint8_t(crc >> (8 * i));
}

inline uint32_t read_u32(const std::vector<uint8_t>& b, size_t at) {
  return uint32_t(b[at]) | uint32_t(b[at + 1]) << 8 | uint32_t(b[at + 2]) << 16 | uint32_t(b[at + 3]) << 24;
}

inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace kiln::test
