// The energy and area model: action counts of a hand-written stream against
// hand-derived numbers, a run's energy against the sum of its actions priced
// independently here, and the directions a design-space sweep relies on
// (a larger array costs more area, a larger scratchpad more energy per access).
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "arch/command_codec.h"
#include "arch/command_text.h"
#include "arch/technology_yaml.h"
#include "sim/energy.h"
#include "tests/sim/sim_test_util.h"
#include "tests/support/error_of.h"

using namespace kiln;
using namespace kiln::test;

namespace {

Technology shipped_tech() { return load_technology(source_dir() + "/configs/tech/horowitz45.yaml"); }

nlohmann::json counts_json(const ActionCounts& a) {
  nlohmann::json mems = nlohmann::json::array();
  for (const auto& m : a.memories)
    mems.push_back({{"name", m.name}, {"kind", int(m.kind)}, {"read", m.read_bytes}, {"write", m.write_bytes}});
  return {{"array_macs", a.array_macs},   {"mcu_macs", a.mcu_macs},         {"spm_read", a.spm_read_bytes},
          {"spm_write", a.spm_write_bytes}, {"memories", mems},              {"bus_bytes", a.bus_bytes},
          {"dma_bytes", a.dma_bytes},     {"mcu_busy_cycles", a.mcu_busy_cycles}, {"npu_cycles", a.npu_cycles},
          {"bus_cycles", a.bus_cycles},   {"mcu_cycles", a.mcu_cycles}};
}

ActionCounts counts_from(const nlohmann::json& j) {
  ActionCounts a;
  a.array_macs = j.at("array_macs");
  a.mcu_macs = j.at("mcu_macs");
  a.spm_read_bytes = j.at("spm_read").get<std::array<uint64_t, 4>>();
  a.spm_write_bytes = j.at("spm_write").get<std::array<uint64_t, 4>>();
  for (const auto& m : j.at("memories"))
    a.memories.push_back({m.at("name"), MemoryKind(m.at("kind").get<int>()), m.at("read"), m.at("write")});
  a.bus_bytes = j.at("bus_bytes");
  a.dma_bytes = j.at("dma_bytes");
  a.mcu_busy_cycles = j.at("mcu_busy_cycles");
  a.npu_cycles = j.at("npu_cycles");
  a.bus_cycles = j.at("bus_cycles");
  a.mcu_cycles = j.at("mcu_cycles");
  return a;
}

const MemoryTraffic& memory(const ActionCounts& a, const std::string& name) {
  for (const auto& m : a.memories)
    if (m.name == name) return m;
  FAIL("no memory " << name);
  return a.memories.front();
}

uint64_t unit_bytes(const Profile& p, const std::string& unit) {
  const UnitTotals* u = p.unit(unit);
  return u ? u->bytes : 0;
}

}  // namespace

TEST_CASE("gemm_tile.kasm: action counts equal the numbers derived by hand from the stream", "[energy]") {
  const SocConfig soc = default_soc();
  const Program p = read_program_text_file(data_path("streams/gemm_tile.kasm"));
  const Technology tech = shipped_tech();
  double child_total_pj = 0;
  const RunReport rep = run_in_child(soc, p, [&](const SimResult& r) {
    nlohmann::json j = counts_json(r.actions);
    j["total_ps"] = r.total_ps;
    j["energy_pj"] = compute_energy(soc, tech, r.actions, r.total_ps).total_pj();
    const std::string s = j.dump();
    return std::vector<uint8_t>(s.begin(), s.end());
  });
  REQUIRE(rep.ok);
  const nlohmann::json j = nlohmann::json::parse(std::string(rep.output.begin(), rep.output.end()));
  const ActionCounts a = counts_from(j);
  child_total_pj = j.at("energy_pj");
  const Profile profile = profile_from_json(rep.profile_json, "profile");

  // gemm m=4 n=8 k=16.
  CHECK(a.array_macs == 4 * 16 * 8);
  CHECK(a.mcu_macs == 0);
  // Loads: A 4 x 16 = 64, B 128, params 8 x 12 = 96; store: 4 x 8 = 32.
  CHECK(a.dma_bytes == 64 + 128 + 96 + 32);
  const size_t in = size_t(Buffer::Input), w = size_t(Buffer::Weight), out = size_t(Buffer::Output),
               acc = size_t(Buffer::Accumulator);
  CHECK(a.spm_write_bytes[in] == 64);        // DMA
  CHECK(a.spm_read_bytes[in] == 4 * 16);     // the array reads A once
  CHECK(a.spm_write_bytes[w] == 128 + 96);   // DMA: B and the params
  CHECK(a.spm_read_bytes[w] == 16 * 8 + 96); // the array reads B, the PPU its params
  CHECK(a.spm_write_bytes[acc] == 4 * 8 * 4);  // int32 C, no accumulate: no read by the gemm
  CHECK(a.spm_read_bytes[acc] == 4 * 8 * 4);   // the PPU reads C
  CHECK(a.spm_write_bytes[out] == 4 * 8);    // PPU
  CHECK(a.spm_read_bytes[out] == 4 * 8);     // DMA store
  // Flash: B and params by DMA, and the command stream fetched by the NPU.
  const uint64_t fetched = unit_bytes(profile, "npu.fetch");
  CHECK(fetched > 0);
  CHECK(memory(a, "flash").read_bytes == 128 + 96 + fetched);
  CHECK(memory(a, "flash").write_bytes == 0);
  CHECK(memory(a, "sram").read_bytes == 64);
  CHECK(memory(a, "sram").write_bytes == 32);
  // The bus carries the DMA, the fetch and the MCU's register accesses.
  CHECK(a.bus_bytes == 320 + fetched + unit_bytes(profile, "mcu"));
  CHECK(a.npu_cycles == rep.total_cycles);
  CHECK(a.bus_cycles == rep.total_cycles);  // 200 MHz everywhere on the default SoC
  CHECK(a.mcu_cycles == rep.total_cycles);
  CHECK(a.mcu_busy_cycles > 0);
  CHECK(a.mcu_busy_cycles <= a.mcu_cycles);

  // The energy is the sum of the actions priced here from the technology's numbers.
  const TechEnergy& e = tech.energy;
  // [H14] per 64 bits: 20 pJ for the 32 KiB banks of input and weight (64 KiB
  // in 2 banks), 10 pJ for the 8 KiB banks of output (16 KiB in 2 banks).
  const double spm32k = 20.0 / 8, spm8k = 10.0 / 8;
  const double dynamic = double(a.array_macs) * 0.3 +
                         double(a.spm_read_bytes[in] + a.spm_write_bytes[in]) * spm32k +
                         double(a.spm_read_bytes[w] + a.spm_write_bytes[w]) * spm32k +
                         double(a.spm_read_bytes[out] + a.spm_write_bytes[out]) * spm8k +
                         // the 64 KiB accumulator (one macro): 20 + 80 ln 2 / ln 32 = 36 pJ per 64 bits;
                         // the 512 KiB SRAM in 4 banks of 128 KiB: 20 + 80 ln 4 / ln 32 = 52 pJ.
                         double(a.spm_read_bytes[acc] + a.spm_write_bytes[acc]) * 36.0 / 8 +
                         double(memory(a, "sram").read_bytes + memory(a, "sram").write_bytes) * 52.0 / 8 +
                         double(memory(a, "flash").read_bytes) * e.flash_read_pj_per_byte +
                         double(a.bus_bytes) * e.bus_pj_per_byte + double(a.dma_bytes) * e.dma_pj_per_byte +
                         double(a.mcu_busy_cycles) * e.mcu_pj_per_cycle;
  // Leakage: every component's area for the whole run (µm² * µW/mm² * s = pJ).
  const double seconds = double(j.at("total_ps").get<uint64_t>()) * 1e-12;
  const double logic_um2 = 256 * tech.area.pe_um2() + 64 * (2 + 2 + 2 + 1) * tech.area.bus_um2_per_bit_port +
                           2 * tech.area.dma_channel_um2 + tech.area.mcu_um2;
  const double sram_um2 = 2 * tech.sram_macro_um2(32 * 1024) + 2 * tech.sram_macro_um2(32 * 1024) +
                          2 * tech.sram_macro_um2(8 * 1024) + tech.sram_macro_um2(64 * 1024) +
                          4 * tech.sram_macro_um2(128 * 1024);
  const double flash_um2 = 1024 * tech.area.flash_um2_per_kib;
  const double leakage = (logic_um2 * tech.leakage.logic_uw_per_mm2 + sram_um2 * tech.leakage.sram_uw_per_mm2 +
                          flash_um2 * tech.leakage.flash_uw_per_mm2) *
                         seconds;

  const EnergyReport r = compute_energy(soc, tech, a, j.at("total_ps"));
  CHECK(r.dynamic_pj() == Approx(dynamic));
  CHECK(r.leakage_pj() == Approx(leakage));
  CHECK(r.total_pj() == Approx(dynamic + leakage));
  CHECK(child_total_pj == Approx(r.total_pj()));
  CHECK(r.of(Component::Array).dynamic_pj == Approx(512 * 0.3));
  double sum = 0;
  for (const auto& c : r.components) sum += c.total_pj();
  CHECK(sum == Approx(r.total_pj()));
}

TEST_CASE("a larger array costs more area, by its extra PEs", "[energy]") {
  const Technology tech = shipped_tech();
  SocConfig small = default_soc(), large = default_soc();
  large.npu.rows = large.npu.cols = 32;
  const AreaReport a = compute_area(small, tech), b = compute_area(large, tech);
  CHECK(b.total_um2() > a.total_um2());
  CHECK(b.um2(Component::Array) - a.um2(Component::Array) == Approx((1024 - 256) * tech.area.pe_um2()));
  CHECK(b.um2(Component::Sram) == a.um2(Component::Sram));  // nothing else changed
  // The default SoC: 256 PEs of 282 + 137 + 48 * 5.98 um^2.
  CHECK(a.um2(Component::Array) == Approx(256 * (282 + 137 + 48 * 5.98)));
}

TEST_CASE("a larger scratchpad costs more energy per access and more area", "[energy]") {
  const Technology tech = shipped_tech();
  SocConfig soc = default_soc(), bigger = default_soc();
  bigger.npu.input.size_bytes *= 8;  // 2 x 32 KiB banks -> 2 x 256 KiB
  ActionCounts counts;
  counts.spm_read_bytes[size_t(Buffer::Input)] = 1000;
  counts.spm_write_bytes[size_t(Buffer::Input)] = 1000;
  const EnergyReport e1 = compute_energy(soc, tech, counts, 0), e2 = compute_energy(bigger, tech, counts, 0);
  CHECK(e2.of(Component::InputSpm).dynamic_pj > e1.of(Component::InputSpm).dynamic_pj);
  CHECK(e1.of(Component::InputSpm).dynamic_pj == Approx(2000 * 20.0 / 8));  // 32 KiB banks: 20 pJ per 64 bits
  CHECK(compute_area(bigger, tech).um2(Component::InputSpm) > compute_area(soc, tech).um2(Component::InputSpm));
  // No run time, no leakage; no other action, no other energy.
  CHECK(e1.leakage_pj() == 0);
  CHECK(e1.total_pj() == Approx(e1.of(Component::InputSpm).dynamic_pj));
}

TEST_CASE("the vector unit costs lanes x lane area and its rescales and adds, and no price is an error", "[energy]") {
  const Technology tech = shipped_tech();
  REQUIRE(tech.vector_unit);
  SocConfig soc = default_soc();
  soc.npu.units.push_back(UnitConfig{"vector", {{"lanes", 8}}, {}});
  ActionCounts counts;
  counts.vector_rescales = 1000;
  counts.vector_adds = 3000;
  const EnergyReport e = compute_energy(soc, tech, counts, 0);
  // horowitz45: a rescale 3.2 pJ (32-bit mult + add), an add 0.1 pJ, a lane 20,453 um^2.
  CHECK(e.of(Component::Vector).dynamic_pj == Approx(1000 * 3.2 + 3000 * 0.1));
  CHECK(compute_area(soc, tech).um2(Component::Vector) == Approx(8 * 20453.0));
  // The default SoC has no vector unit: no area, and its counts would price nothing.
  CHECK(compute_area(default_soc(), tech).um2(Component::Vector) == 0);
  CHECK(compute_energy(default_soc(), tech, counts, 0).of(Component::Vector).dynamic_pj == 0);
  Technology unpriced = tech;
  unpriced.vector_unit.reset();
  CHECK_THAT(error_of([&] { compute_area(soc, unpriced); }),
             Catch::Contains("technology 'horowitz45' has no `vector` section (rescale_pj, add_pj, lane_um2)"));
  CHECK_NOTHROW(compute_area(default_soc(), unpriced));
}
