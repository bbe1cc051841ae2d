// Run-time errors: one line naming the stream and the command, never a crash.
#include <catch2/catch.hpp>

#include "tests/sim/sim_test_util.h"

using namespace kiln;
using namespace kiln::test;

TEST_CASE("a token deadlock at run time names the blocked commands") {
  const SocConfig soc = default_soc();
  Program p;
  // The gemm waits for a token the load never sends; the store waits for the gemm.
  p.commands.push_back(dma(Opcode::DmaLoad, 0, 0x20000000, Buffer::Input, 0, 1, 64, 0, 0));
  GemmCmd g;
  g.m = g.n = g.k = 4, g.a_stride = 4, g.b_stride = 4, g.c_stride = 4;
  p.commands.push_back(make(Opcode::Gemm, g, deps(1, 0, 0, 1)));
  p.commands.push_back(dma(Opcode::DmaStore, 1, 0x20001000, Buffer::Output, 0, 1, 16, 0, 0, deps(1, 0, 0, 0)));
  p.commands.push_back(end_cmd());
  const RunReport r = run_in_child(soc, p, {}, "dead.kbin");
  REQUIRE_FALSE(r.ok);
  CHECK(r.error.find("dead.kbin: token deadlock") == 0);
  CHECK(r.error.find("command 1 (gemm) in the compute queue waits for a token from the load queue") != std::string::npos);
  CHECK(r.error.find("command 2 (store) in the store queue waits for a token from the compute queue") != std::string::npos);
  CHECK(r.error.find('\n') == std::string::npos);
}

TEST_CASE("a deadlock is found when the MCU polls instead of sleeping") {
  const SocConfig soc = default_soc();
  Program p;
  GemmCmd g;
  g.m = g.n = g.k = 4, g.a_stride = 4, g.b_stride = 4, g.c_stride = 4;
  p.commands.push_back(make(Opcode::Gemm, g, deps(0, 1, 0, 0)));
  p.commands.push_back(end_cmd(false));
  const RunReport r = run_in_child(soc, p, {}, "poll.kbin");
  REQUIRE_FALSE(r.ok);
  CHECK(r.error.find("command 0 (gemm) in the compute queue waits for a token from the store queue") != std::string::npos);
}

TEST_CASE("a DMA from an unmapped address names the command and the address") {
  const SocConfig soc = default_soc();
  Program p;
  p.commands.push_back(dma(Opcode::DmaLoad, 0, 0x20000000, Buffer::Input, 0, 1, 64, 0, 0));
  p.commands.push_back(dma(Opcode::DmaLoad, 1, 0x90000000, Buffer::Input, 0, 1, 64, 0, 0));
  p.commands.push_back(end_cmd());
  const RunReport r = run_in_child(soc, p, {}, "bad.kbin");
  REQUIRE_FALSE(r.ok);
  CHECK(r.error == "bad.kbin: command 1: bus: read of 64 bytes at 0x90000000: no memory or device is mapped at that address");
}

TEST_CASE("a DMA store into flash is rejected at run time") {
  const SocConfig soc = default_soc();
  Program p;
  p.commands.push_back(dma(Opcode::DmaStore, 0, 0x100, Buffer::Output, 0, 1, 16, 0, 0));
  p.commands.push_back(end_cmd());
  const RunReport r = run_in_child(soc, p, {}, "ro.kbin");
  REQUIRE_FALSE(r.ok);
  CHECK(r.error.find("ro.kbin: command 0: bus: write of 16 bytes at 0x00000100") == 0);
  CHECK(r.error.find("read-only") != std::string::npos);
}

TEST_CASE("a scratchpad range outside its buffer names the command") {
  const SocConfig soc = default_soc();
  Program p;
  p.commands.push_back(
      dma(Opcode::DmaLoad, 0, 0x20000000, Buffer::Output, uint32_t(soc.npu.output.size_bytes - 8), 1, 64, 0, 0));
  p.commands.push_back(end_cmd());
  const RunReport r = run_in_child(soc, p, {}, "spm.kbin");
  REQUIRE_FALSE(r.ok);
  CHECK(r.error.find("spm.kbin: command 0: output scratchpad") == 0);
}

TEST_CASE("an image that does not fit its memory is reported before time 0") {
  const SocConfig soc = default_soc();
  Program p;
  p.images.push_back(image("sram", 0x20000000 + soc.memory_named("sram")->size_bytes - 4, std::vector<uint8_t>(8, 0)));
  p.commands.push_back(end_cmd());
  const RunReport r = run_in_child(soc, p, {}, "img.kbin");
  REQUIRE_FALSE(r.ok);
  CHECK(r.error.find("img.kbin: image 0: 8 bytes at 0x2007fffc do not fit in sram") == 0);
}

TEST_CASE("simulate() refuses a second elaboration in one process") {
  // Runs both in one child: the first succeeds, the second must throw.
  const SocConfig soc = default_soc();
  Program p;
  p.commands.push_back(end_cmd());
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    std::string msg = "no error";
    try {
      simulate(soc, p);
      simulate(soc, p);
    } catch (const std::exception& e) {
      msg = e.what();
    }
    (void)!write(fds[1], msg.data(), msg.size());
    _exit(0);
  }
  close(fds[1]);
  char buf[512] = {};
  (void)!read(fds[0], buf, sizeof buf - 1);
  close(fds[0]);
  waitpid(pid, nullptr, 0);
  CHECK(std::string(buf).find("once per process") != std::string::npos);
}
