// The profile record: JSON round trip, reader errors, trace structure, and the
// events and totals of a real run.
#include <catch2/catch.hpp>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "arch/error.h"
#include "arch/profile.h"
#include "tests/sim/conv_stream.h"
#include "tests/sim/sim_test_util.h"

using namespace kiln;
using namespace kiln::test;

namespace {

Profile sample() {
  Profile p;
  p.soc = "default";
  p.source = "x.kbin";
  p.reference_clock_mhz = 200;
  p.total_ps = 100000;
  p.total_cycles = 20;
  ProfileEvent a;
  a.command = 0, a.name = "load", a.unit = "npu.load", a.resource = "dma0";
  a.start_ps = 5000, a.end_ps = 30000, a.start_cycle = 1, a.end_cycle = 6, a.bytes = 128, a.bus_wait_ps = 5000;
  ProfileEvent b;
  b.command = 1, b.name = "gemm", b.unit = "npu.compute";
  b.start_ps = 30000, b.end_ps = 90000, b.start_cycle = 6, b.end_cycle = 18, b.macs = 4096, b.token_wait_ps = 25000;
  p.events = {a, b};
  p.units = summarize_units(p.events);
  p.bus_busy_ps = 25000;
  p.bus_initiators = {{"dma0", 1, 128, 25000, 5000}};
  return p;
}

}  // namespace

TEST_CASE("profile JSON round-trips") {
  const Profile p = sample();
  const Profile q = profile_from_json(profile_to_json(p), "p.json");
  CHECK(profile_to_json(q) == profile_to_json(p));
  REQUIRE(q.events.size() == 2);
  CHECK(q.events[0].resource == "dma0");
  CHECK(q.events[1].macs == 4096);
  CHECK(q.bus_utilization() == Approx(0.25));
  const UnitTotals* dma = q.unit("dma0");
  REQUIRE(dma);
  CHECK(dma->busy_ps == 25000);
  const UnitTotals* compute = q.unit("npu.compute");
  REQUIRE(compute);
  CHECK(compute->token_wait_ps == 25000);
}

TEST_CASE("the profile reader names what is wrong") {
  auto error_of = [](const std::string& text) {
    try {
      profile_from_json(text, "p.json");
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK(error_of("{") .find("p.json: byte") == 0);
  // A number past a double's range is nlohmann's out_of_range, not a parse_error.
  CHECK(error_of(R"({"format": 1e400})").find("p.json: not readable JSON: ") == 0);
  CHECK(error_of(R"({"format":"other"})") == "p.json: profile.format: expected \"kiln-profile\"");
  auto j = nlohmann::json::parse(profile_to_json(sample()));
  j["version"] = 99;
  CHECK(error_of(j.dump()).find("p.json: profile.version: version 99 is not supported") == 0);
  j = nlohmann::json::parse(profile_to_json(sample()));
  j["events"][1]["start_ps"] = "soon";
  CHECK(error_of(j.dump()) == "p.json: profile.events[1].start_ps: expected a non-negative integer");
  j = nlohmann::json::parse(profile_to_json(sample()));
  j["events"][0].erase("unit");
  CHECK(error_of(j.dump()) == "p.json: profile.events[0]: missing field 'unit'");
}

TEST_CASE("the Chrome trace has one named track per unit and per DMA channel") {
  const auto j = nlohmann::json::parse(chrome_trace_json(sample()));
  std::map<int, std::string> names;
  int slices = 0;
  for (const auto& e : j.at("traceEvents")) {
    if (e.at("ph") == "M" && e.at("name") == "thread_name") names[e.at("tid").get<int>()] = e.at("args").at("name");
    if (e.at("ph") == "X") ++slices;
  }
  CHECK(names == std::map<int, std::string>{{1, "npu.load"}, {2, "npu.compute"}, {3, "dma0"}});
  // load (on npu.load and dma0), the gemm's token wait and the gemm.
  CHECK(slices == 4);
  for (const auto& e : j.at("traceEvents"))
    if (e.at("ph") == "X" && e.at("name") == "gemm #1") {
      CHECK(e.at("tid") == 2);
      CHECK(e.at("ts").get<double>() == Approx(0.030));
      CHECK(e.at("dur").get<double>() == Approx(0.060));
    }
}

TEST_CASE("profile files are written whole") {
  const std::string path = "test_profile_written.json";
  write_profile_file(sample(), path);
  const Profile q = read_profile_file(path);
  CHECK(q.events.size() == 2);
  std::ifstream tmp(path + ".tmp");
  CHECK_FALSE(tmp.good());
  std::remove(path.c_str());
  CHECK_THROWS_AS(write_profile_file(sample(), "/nonexistent-dir/p.json"), Error);
}

TEST_CASE("a run's profile has an event per executed command and consistent totals") {
  const SocConfig soc = default_soc();
  const ConvProblem prob = ConvProblem::standard();
  const Program prog = conv_stream(prob, 2);
  const RunReport r = run_in_child(soc, prog);
  INFO(r.error);
  REQUIRE(r.ok);
  const Profile p = profile_from_json(r.profile_json, "p");
  CHECK(p.version == kProfileFormatVersion);
  CHECK(p.soc == soc.name);
  CHECK(p.reference_clock_mhz == soc.npu.clock_mhz);
  std::set<int64_t> commands;
  for (const auto& e : p.events) {
    if (e.command >= 0) commands.insert(e.command);
    CHECK(e.end_ps >= e.start_ps);
    CHECK(e.end_ps <= p.total_ps);
    CHECK(e.start_cycle == e.start_ps / 5000);
  }
  CHECK(commands.size() == prog.commands.size());
  uint64_t macs = 0;
  for (const auto& e : p.events) macs += e.macs;
  CHECK(macs == 4ull * 16 * 72 * 16);  // 4 tiles of 16 pixels x 72 taps x 16 channels
  for (const char* unit : {"mcu", "npu.fetch", "npu.load", "npu.compute", "npu.store", "dma0", "dma1"}) {
    INFO(unit);
    CHECK(p.unit(unit) != nullptr);
  }
  CHECK(p.bus_utilization() > 0);
  CHECK(p.bus_utilization() < 1);
  uint64_t by_initiator = 0;
  for (const auto& i : p.bus_initiators) by_initiator += i.busy_ps;
  CHECK(by_initiator == p.bus_busy_ps);
  // The trace is valid JSON with slices on every unit.
  const auto trace = nlohmann::json::parse(r.trace);
  CHECK(trace.at("traceEvents").size() > p.events.size());
}
