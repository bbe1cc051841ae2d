// Units by name: the simulator's registries and arch's unit catalogue name the
// same units, the config's names build them, and a wrong name, two units
// claiming one command, or a command the command table gives a unit that
// does not execute it (a vector command without its executor) fail clearly
// at start-up.
#include <catch2/catch.hpp>

#include <algorithm>

#include "arch/unit_catalog.h"
#include "sim/array_engine.h"
#include "sim/npu_unit.h"
#include "sim/scratchpad.h"
#include "sim/vector_unit.h"
#include "tests/sim/sim_test_util.h"
#include "tests/support/error_of.h"

using namespace kiln;
using namespace kiln::test;

namespace {

std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

// A unit that claims gemm, which the built-in array unit executes already.
class ClaimsGemm final : public sim::NpuUnit {
 public:
  std::string name() const override { return "claims_gemm"; }
  std::vector<Opcode> opcodes() const override { return {Opcode::Gemm}; }
  sim::UnitWork execute(const Command&, int64_t) override { return {}; }
};

// A scratchpad nobody may touch: listing a unit's commands reads nothing.
class NoScratchpad final : public sim::ScratchpadIf {
 public:
  void read(Buffer, uint64_t, void*, uint64_t) const override { throw std::logic_error("read"); }
  void write(Buffer, uint64_t, const void*, uint64_t) override { throw std::logic_error("write"); }
  sc_core::sc_time reserve(const std::vector<sim::SpmRegion>&, const sc_core::sc_time&) override {
    throw std::logic_error("reserve");
  }
  unsigned port_bytes_per_cycle() const override { return 1; }
};

// A vector unit that executes every command the table gives it but vmean.
class VectorWithoutMean final : public sim::NpuUnit {
 public:
  std::string name() const override { return "vector"; }
  std::vector<Opcode> opcodes() const override {
    std::vector<Opcode> ops = unit_commands("vector");
    ops.erase(std::find(ops.begin(), ops.end(), Opcode::VectorMean));
    return ops;
  }
  sim::UnitWork execute(const Command&, int64_t) override { return {}; }
};

// A program of one vadd on the vector SoC.
Program one_vadd() {
  VectorAddCmd v;
  v.a = {Buffer::Input, 0}, v.b = {Buffer::Input, 64}, v.out = {Buffer::Output, 0};
  v.count = 16;
  Program p;
  p.commands.push_back(make(Opcode::VectorAdd, v));
  p.commands.push_back(end_cmd());
  return p;
}

SocConfig vector_soc() {
  SocConfig soc = default_soc();
  soc.npu.units.push_back(UnitConfig{"vector", {{"lanes", 16}}, {}});
  return soc;
}

}  // namespace

TEST_CASE("units: the vector unit executes exactly the commands the command table gives it", "[units]") {
  const std::vector<Opcode> table = unit_commands("vector");
  REQUIRE(table.size() >= 11);
  NoScratchpad spm;
  const SocConfig soc = default_soc();
  const sim::VectorUnit unit(soc.npu, spm, 16);
  CHECK(unit.opcodes() == table);
  for (const Opcode op : table) {
    INFO(to_string(op));
    const sim::VectorCommand* c = sim::VectorCommands::instance().find(op);
    REQUIRE(c);
    CHECK(c->execute);
    // Its row times it and names what it holds.
    CHECK(command_spec(op).operands);
    CHECK(command_spec(op).cycles);
  }
  CHECK(sim::VectorCommands::instance().duplicates().empty());
}

TEST_CASE("units: a command the table gives the vector unit without an executor stops the unit at start-up",
          "[units]") {
  NoScratchpad spm;
  const SocConfig soc = default_soc();
  sim::VectorCommands partial;
  for (const Opcode op : unit_commands("vector"))
    if (op != Opcode::VectorMean) partial.add(*sim::VectorCommands::instance().find(op));
  CHECK(error_of([&] { sim::VectorUnit(soc.npu, spm, 16, partial); }) ==
        "vector unit: the command table (arch/command.h) and the unit's executors disagree: vmean has no executor (a "
        "file of sim/vector/ that registers it)");
  // An executor of a command the table does not give the unit is refused too.
  partial.add(*sim::VectorCommands::instance().find(Opcode::VectorMean));
  partial.add({Opcode::Gemm, sim::VectorCommands::instance().find(Opcode::VectorAdd)->execute});
  CHECK_THAT(error_of([&] { sim::VectorUnit(soc.npu, spm, 16, partial); }),
             Catch::EndsWith("an executor is registered for opcode 0x10, which the command table does not give the "
                             "vector unit"));
}

TEST_CASE("units: a unit that does not claim a command the table gives it stops the NPU at start-up", "[units]") {
  const sim::NpuUnitFactory without_mean = [](const std::string& name,
                                              const sim::NpuUnitContext&) -> std::unique_ptr<sim::NpuUnit> {
    if (name == "vector") return std::make_unique<VectorWithoutMean>();
    return nullptr;
  };
  const RunReport r = run_in_child(vector_soc(), one_vadd(), {}, "test", without_mean);
  CHECK_FALSE(r.ok);
  CHECK_THAT(r.error,
             Catch::Contains("npu unit 'vector' does not execute vmean, which the command table (arch/command.h) "
                             "gives it"));
  // The registered unit runs the same program.
  CHECK(run_in_child(vector_soc(), one_vadd()).ok);
}

TEST_CASE("units: the catalogue's line on the vector unit names every command the unit claims", "[units]") {
  NoScratchpad spm;
  const SocConfig soc = default_soc();
  const sim::VectorUnit unit(soc.npu, spm, 16);
  const UnitSchema* schema = find_unit(UnitSlot::NpuUnit, "vector");
  REQUIRE(schema);
  const std::string summary = schema->summary;
  REQUIRE(unit.opcodes().size() >= 11);
  for (Opcode op : unit.opcodes()) {
    const std::string mnemonic = command_spec(op).mnemonic;
    INFO(mnemonic);
    // A whole word of the list before the colon.
    const std::string list = summary.substr(0, summary.find(':'));
    CHECK((", " + list + ",").find(" " + mnemonic + ",") != std::string::npos);
  }
}

TEST_CASE("units: every catalogued array engine is registered, and nothing else", "[units]") {
  CHECK(sorted(unit_names(UnitSlot::ArrayEngine)) == ArrayEngineRegistry::instance().names());
  CHECK(ArrayEngineRegistry::instance().duplicates().empty());
  CHECK(ArrayEngineRegistry::instance().has("tlm"));
  CHECK(ArrayEngineRegistry::instance().has("rtl"));  // registered even in a build without RTL
}

TEST_CASE("units: every catalogued NPU unit is registered, and nothing else", "[units]") {
  CHECK(sorted(unit_names(UnitSlot::NpuUnit)) == sim::NpuUnitRegistry::instance().names());
  CHECK(sim::NpuUnitRegistry::instance().duplicates().empty());
  for (const char* built_in : {"array", "post_process"}) {
    const UnitSchema* u = find_unit(UnitSlot::NpuUnit, built_in);
    REQUIRE(u);
    CHECK(u->built_in);
  }
}

TEST_CASE("units: the array engine is built by the name the config gives", "[units]") {
  NpuConfig npu;
  npu.engine = "tlm";
  CHECK(make_array_engine(npu)->name() == "tlm");
  npu.engine = "systolic_fpga";  // past the YAML check, as a config edited in code could be
  const std::string msg = error_of([&] { make_array_engine(npu); });
  CHECK(msg == "npu.array.engine: no implementation registered under 'systolic_fpga' in this build (registered: "
               "rtl, tlm)");
}

TEST_CASE("units: two units claiming one command is a start-up error naming both", "[units]") {
  sim::NpuUnitRegistry::instance().add("claims_gemm",
                                       [](const sim::NpuUnitContext&) { return std::make_unique<ClaimsGemm>(); });
  SocConfig soc = default_soc();
  soc.npu.units.push_back(UnitConfig{"claims_gemm", {}, {}});
  Program p;
  p.commands.push_back(end_cmd());
  const RunReport r = run_in_child(soc, p);
  CHECK_FALSE(r.ok);
  CHECK_THAT(r.error, Catch::Contains("npu units 'array' and 'claims_gemm' both claim gemm"));
  // Without it the same program runs.
  soc.npu.units.clear();
  CHECK(run_in_child(soc, p).ok);
}

TEST_CASE("units: an enabled unit the build does not register is a start-up error", "[units]") {
  SocConfig soc = default_soc();
  soc.npu.units.push_back(UnitConfig{"no_such_unit", {}, {}});
  Program p;
  p.commands.push_back(end_cmd());
  const RunReport r = run_in_child(soc, p);
  CHECK_FALSE(r.ok);
  CHECK_THAT(r.error, Catch::Contains("npu unit 'no_such_unit': no implementation registered under 'no_such_unit'"));
}
