// Timing checks. Every expected number is derived here from the SoC config and
// the documented timing model (docs/simulator.md, docs/array-timing.md), never
// copied from a run.
#include <catch2/catch.hpp>

#include "arch/array_timing.h"
#include "arch/command_codec.h"
#include "tests/sim/conv_stream.h"
#include "tests/sim/sim_test_util.h"

using namespace kiln;
using namespace kiln::test;

namespace {

uint64_t cdiv(uint64_t a, uint64_t b) { return (a + b - 1) / b; }

Profile profile_of(const RunReport& r) { return profile_from_json(r.profile_json, "profile"); }

// Bus cycles of one burst of `bytes` at an aligned address of memory `m`.
uint64_t burst_bus_cycles(const SocConfig& soc, const MemoryConfig& m, uint64_t bytes) {
  uint64_t c = soc.bus.latency_cycles + cdiv(bytes, soc.bus.width_bytes);
  if (m.kind == MemoryKind::Flash) c += cdiv(bytes, m.read_width_bytes) * m.wait_states;
  // DRAM: its latency, then the slower of the bus beats and the device's rate.
  if (m.kind == MemoryKind::Dram)
    c = soc.bus.latency_cycles + m.latency_cycles +
        std::max(cdiv(bytes, soc.bus.width_bytes), cdiv(bytes, m.bytes_per_cycle));
  return c;
}

// A DMA load of n bytes from `m` on one channel, alone on the bus: its bursts
// back to back on the bus; each burst's scratchpad write starts when its bus
// read has ended and the previous write is done (the port is sequential).
uint64_t expected_load_ps(const SocConfig& soc, const MemoryConfig& m, uint64_t n) {
  const uint64_t burst = uint64_t(soc.bus.max_burst_beats) * soc.bus.width_bytes;
  const uint64_t bus = period_ps(soc.bus.clock_mhz), npu = period_ps(soc.npu.clock_mhz);
  uint64_t bus_end = 0, spm_end = 0;
  for (uint64_t off = 0; off < n; off += burst) {
    const uint64_t b = std::min(burst, n - off);
    bus_end += burst_bus_cycles(soc, m, b) * bus;
    spm_end = std::max(bus_end, spm_end) + cdiv(b, soc.npu.spm_bytes_per_cycle) * npu;
  }
  return spm_end;
}

void check_dma_from(const std::string& memory, uint64_t n, const SocConfig& soc = default_soc()) {
  const MemoryConfig* m = soc.memory_named(memory);
  REQUIRE(m);
  Program p;
  p.images.push_back(image(memory, m->base, std::vector<uint8_t>(n, 0x5a)));
  p.commands.push_back(dma(Opcode::DmaLoad, 0, m->base, Buffer::Input, 0, 1, uint32_t(n), 0, 0));
  p.commands.push_back(end_cmd());
  const RunReport r = run_in_child(soc, p, [](const SimResult& s) {
    return std::vector<uint8_t>(s.scratchpad(Buffer::Input).begin(), s.scratchpad(Buffer::Input).begin() + 1000);
  });
  INFO(r.error);
  REQUIRE(r.ok);
  CHECK(r.output == std::vector<uint8_t>(1000, 0x5a));
  const Profile prof = profile_of(r);
  const ProfileEvent* e = prof.event_of(0);
  REQUIRE(e);
  CHECK(e->bytes == n);
  CHECK(e->bus_wait_ps == 0);
  CHECK(e->duration_ps() == expected_load_ps(soc, *m, n));
}

}  // namespace

TEST_CASE("DMA of N bytes from flash: bursts, latency, wait states per read width") {
  const SocConfig soc = default_soc();
  REQUIRE(soc.memory_named("flash")->wait_states > 0);
  check_dma_from("flash", 1000);  // 7 full bursts and a partial one
}

TEST_CASE("DMA of N bytes from SRAM: bursts and latency") { check_dma_from("sram", 1000); }

TEST_CASE("DMA of N bytes from DRAM: latency per burst, then the slower of bus and device") {
  SocConfig soc = default_soc();
  MemoryConfig dram;
  dram.name = "dram";
  dram.kind = MemoryKind::Dram;
  dram.base = 0x80000000;
  dram.size_bytes = 1 << 20;
  dram.latency_cycles = 25;
  dram.bytes_per_cycle = 4;  // slower than the 8-byte bus: the device sets the pace
  soc.memories.push_back(dram);
  check_dma_from("dram", 1000, soc);
  soc.memories.back().bytes_per_cycle = 32;  // faster: the bus beats do
  check_dma_from("dram", 1000, soc);
}

TEST_CASE("array time per tile for each dataflow equals the closed form") {
  const uint32_t M = 20, N = 24, K = 40;
  for (Dataflow df : {Dataflow::WeightStationary, Dataflow::OutputStationary, Dataflow::InputStationary}) {
    SocConfig soc = default_soc();
    Program p;
    GemmCmd g;
    g.m = M, g.n = N, g.k = K, g.a_stride = K, g.b_stride = N, g.c_stride = N, g.dataflow = df;
    p.commands.push_back(make(Opcode::Gemm, g));
    PostProcessCmd pp;
    pp.m = M, pp.n = N, pp.acc_stride = N, pp.params_addr = 0x4000, pp.out.buf = Buffer::Output, pp.out_stride = N;
    p.commands.push_back(make(Opcode::PostProcess, pp));
    p.commands.push_back(end_cmd());
    // Parameters in the Weight buffer are all zero: multiplier 0, shift 0 is valid.
    const RunReport r = run_in_child(soc, p);
    INFO(to_string(df) << ": " << r.error);
    REQUIRE(r.ok);
    const Profile prof = profile_of(r);
    const uint64_t npu = period_ps(soc.npu.clock_mhz);
    const ProfileEvent* gemm = prof.event_of(0);
    const ProfileEvent* ppu = prof.event_of(1);
    REQUIRE(gemm);
    REQUIRE(ppu);
    CHECK(gemm->macs == uint64_t(M) * N * K);
    CHECK(gemm->duration_ps() == array_tile_cycles(df, soc.npu.rows, soc.npu.cols, M, N, K) * npu);
    // Post-processing: one handshake cycle plus m*n / lanes.
    CHECK(ppu->duration_ps() == (1 + cdiv(uint64_t(M) * N, soc.npu.ppu_lanes)) * npu);
    CHECK(ppu->start_ps == gemm->end_ps);
  }
}

namespace {

// A load on channel 0 and a store on channel 1 of n bytes each, started together.
Program load_and_store(uint64_t n) {
  Program p;
  p.images.push_back(image("sram", kSram, std::vector<uint8_t>(n, 1)));
  p.commands.push_back(dma(Opcode::DmaLoad, 0, kSram, Buffer::Input, 0, 1, uint32_t(n), 0, 0));
  p.commands.push_back(dma(Opcode::DmaStore, 1, kSram + 0x10000, Buffer::Output, 0, 1, uint32_t(n), 0, 0));
  p.commands.push_back(end_cmd());
  return p;
}

}  // namespace

TEST_CASE("two DMA channels on one bus slow each other by what arbitration implies") {
  const uint64_t nb = 6;
  SocConfig soc = default_soc();
  const uint64_t burst = uint64_t(soc.bus.max_burst_beats) * soc.bus.width_bytes;
  const uint64_t bus = period_ps(soc.bus.clock_mhz), npu = period_ps(soc.npu.clock_mhz);
  const uint64_t L = burst_bus_cycles(soc, *soc.memory_named("sram"), burst) * bus;  // one SRAM burst on the bus
  const uint64_t S = cdiv(burst, soc.npu.spm_bytes_per_cycle) * npu;                // its scratchpad side
  REQUIRE(S < L);  // the derivation below assumes the scratchpad side keeps up

  SECTION("round robin: the bursts alternate") {
    soc.bus.arbitration = Arbitration::RoundRobin;
    const RunReport r = run_in_child(soc, load_and_store(nb * burst));
    INFO(r.error);
    REQUIRE(r.ok);
    const Profile prof = profile_of(r);
    const ProfileEvent *load = prof.event_of(0), *store = prof.event_of(1);
    REQUIRE(load);
    REQUIRE(store);
    REQUIRE(load->start_ps == store->start_ps);
    // The load takes the bus at once; the store asks after reading its first
    // burst from the scratchpad (S), gets it when the load's first burst ends,
    // and from then on the two alternate.
    CHECK(load->duration_ps() == (2 * nb - 1) * L + S);
    CHECK(store->duration_ps() == 2 * nb * L);
    CHECK(load->bus_wait_ps == (nb - 1) * L);
    CHECK(store->bus_wait_ps == (L - S) + (nb - 1) * L);
    // Alone, each would take nb bursts (and one scratchpad burst).
    CHECK(load->duration_ps() - (nb * L + S) == (nb - 1) * L);
  }
  SECTION("fixed priority: dma0 before dma1, the load never waits") {
    soc.bus.arbitration = Arbitration::FixedPriority;
    const RunReport r = run_in_child(soc, load_and_store(nb * burst));
    INFO(r.error);
    REQUIRE(r.ok);
    const Profile prof = profile_of(r);
    const ProfileEvent *load = prof.event_of(0), *store = prof.event_of(1);
    REQUIRE(load);
    REQUIRE(store);
    CHECK(load->duration_ps() == nb * L + S);
    CHECK(load->bus_wait_ps == 0);
    CHECK(store->duration_ps() == 2 * nb * L);
  }
}

TEST_CASE("a double-buffered stream finishes before the same stream serialized by tokens") {
  const SocConfig soc = default_soc();
  const ConvProblem prob = ConvProblem::standard();
  auto out = [&](const SimResult& s) { return s.read(prob.out_addr, prob.out_bytes()); };
  const RunReport serial = run_in_child(soc, conv_stream(prob, 1), out);
  const RunReport doubled = run_in_child(soc, conv_stream(prob, 2), out);
  INFO(serial.error << doubled.error);
  REQUIRE(serial.ok);
  REQUIRE(doubled.ok);
  CHECK(serial.output == prob.expected());
  CHECK(doubled.output == prob.expected());
  CHECK(doubled.total_ps < serial.total_ps);
  // Serialized, no load overlaps a compute; double-buffered, some do.
  auto overlap = [](const Profile& p) {
    uint64_t total = 0;
    for (const auto& l : p.events)
      if (l.unit == "npu.load")
        for (const auto& c : p.events)
          if (c.unit == "npu.compute" && c.start_ps < l.end_ps && l.start_ps < c.end_ps)
            total += std::min(l.end_ps, c.end_ps) - std::max(l.start_ps, c.start_ps);
    return total;
  };
  CHECK(overlap(profile_of(serial)) == 0);
  CHECK(overlap(profile_of(doubled)) > 0);
}

TEST_CASE("the same stream run twice gives the same cycles and the same trace") {
  const SocConfig soc = default_soc();
  const ConvProblem prob = ConvProblem::standard();
  const Program p = conv_stream(prob, 2);
  const RunReport a = run_in_child(soc, p), b = run_in_child(soc, p);
  REQUIRE(a.ok);
  REQUIRE(b.ok);
  CHECK(a.total_cycles == b.total_cycles);
  CHECK(a.trace == b.trace);
  CHECK(a.profile_json == b.profile_json);
}
