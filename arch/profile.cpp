#include "arch/profile.h"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "arch/error.h"
#include "arch/yaml_reader.h"

namespace kiln {
namespace {

using nlohmann::json;

// Units in the order a reader expects them; anything else follows, sorted.
int unit_rank(const std::string& name) {
  static const char* const order[] = {"mcu", "npu.fetch", "npu.load", "npu.compute", "npu.store"};
  for (int i = 0; i < 5; ++i)
    if (name == order[i]) return i;
  return 5;
}

bool unit_before(const std::string& a, const std::string& b) {
  const int ra = unit_rank(a), rb = unit_rank(b);
  return ra != rb ? ra < rb : a < b;
}

void add_to(UnitTotals& t, const ProfileEvent& e) {
  ++t.events;
  t.busy_ps += e.duration_ps();
  t.token_wait_ps += e.token_wait_ps;
  t.bus_wait_ps += e.bus_wait_ps;
  t.bank_wait_ps += e.bank_wait_ps;
  t.bytes += e.bytes;
  t.macs += e.macs;
}

json event_to_json(const ProfileEvent& e) {
  json j;
  j["command"] = e.command;
  j["name"] = e.name;
  j["unit"] = e.unit;
  if (!e.resource.empty()) j["resource"] = e.resource;
  j["start_ps"] = e.start_ps;
  j["end_ps"] = e.end_ps;
  j["start_cycle"] = e.start_cycle;
  j["end_cycle"] = e.end_cycle;
  j["bytes"] = e.bytes;
  j["macs"] = e.macs;
  j["token_wait_ps"] = e.token_wait_ps;
  j["bus_wait_ps"] = e.bus_wait_ps;
  j["bank_wait_ps"] = e.bank_wait_ps;
  return j;
}

json unit_to_json(const UnitTotals& u) {
  return json{{"name", u.name},          {"events", u.events},       {"busy_ps", u.busy_ps},
              {"token_wait_ps", u.token_wait_ps}, {"bus_wait_ps", u.bus_wait_ps}, {"bank_wait_ps", u.bank_wait_ps},
              {"bytes", u.bytes},        {"macs", u.macs}};
}

// Reading: every field checked, errors name the JSON path.
class Reader {
 public:
  explicit Reader(std::string source) : source_(std::move(source)) {}

  const json& field(const json& obj, const char* key, const std::string& where) const {
    if (!obj.is_object()) fail(where, "expected an object");
    auto it = obj.find(key);
    if (it == obj.end()) fail(where, fmt::format("missing field '{}'", key));
    return *it;
  }
  uint64_t u64(const json& obj, const char* key, const std::string& where) const {
    const json& v = field(obj, key, where);
    if (!v.is_number_unsigned() && !(v.is_number_integer() && v.get<int64_t>() >= 0))
      fail(where + "." + key, "expected a non-negative integer");
    return v.get<uint64_t>();
  }
  int64_t i64(const json& obj, const char* key, const std::string& where) const {
    const json& v = field(obj, key, where);
    if (!v.is_number_integer()) fail(where + "." + key, "expected an integer");
    return v.get<int64_t>();
  }
  double number(const json& obj, const char* key, const std::string& where) const {
    const json& v = field(obj, key, where);
    if (!v.is_number()) fail(where + "." + key, "expected a number");
    return v.get<double>();
  }
  std::string str(const json& obj, const char* key, const std::string& where) const {
    const json& v = field(obj, key, where);
    if (!v.is_string()) fail(where + "." + key, "expected a string");
    return v.get<std::string>();
  }
  const json& array(const json& obj, const char* key, const std::string& where) const {
    const json& v = field(obj, key, where);
    if (!v.is_array()) fail(where + "." + key, "expected an array");
    return v;
  }
  [[noreturn]] void fail(const std::string& where, const std::string& what) const {
    throw Error(fmt::format("{}: {}: {}", source_, where, what));
  }

 private:
  std::string source_;
};

UnitTotals unit_from_json(const Reader& r, const json& j, const std::string& where) {
  UnitTotals u;
  u.name = r.str(j, "name", where);
  u.events = r.u64(j, "events", where);
  u.busy_ps = r.u64(j, "busy_ps", where);
  u.token_wait_ps = r.u64(j, "token_wait_ps", where);
  u.bus_wait_ps = r.u64(j, "bus_wait_ps", where);
  u.bank_wait_ps = r.u64(j, "bank_wait_ps", where);
  u.bytes = r.u64(j, "bytes", where);
  u.macs = r.u64(j, "macs", where);
  return u;
}

ProfileEvent event_from_json(const Reader& r, const json& j, const std::string& where) {
  ProfileEvent e;
  e.command = r.i64(j, "command", where);
  e.name = r.str(j, "name", where);
  e.unit = r.str(j, "unit", where);
  if (j.contains("resource")) e.resource = r.str(j, "resource", where);
  e.start_ps = r.u64(j, "start_ps", where);
  e.end_ps = r.u64(j, "end_ps", where);
  if (e.end_ps < e.start_ps) r.fail(where, "end_ps is before start_ps");
  e.start_cycle = r.u64(j, "start_cycle", where);
  e.end_cycle = r.u64(j, "end_cycle", where);
  e.bytes = r.u64(j, "bytes", where);
  e.macs = r.u64(j, "macs", where);
  e.token_wait_ps = r.u64(j, "token_wait_ps", where);
  e.bus_wait_ps = r.u64(j, "bus_wait_ps", where);
  e.bank_wait_ps = r.u64(j, "bank_wait_ps", where);
  return e;
}


// Picoseconds as the trace's microseconds, exactly (1 ps = 1e-6 us).
std::string ps_as_us(uint64_t ps) { return fmt::format("{}.{:06}", ps / 1000000, ps % 1000000); }

}  // namespace

const UnitTotals* Profile::unit(const std::string& name) const {
  for (const auto& u : units)
    if (u.name == name) return &u;
  return nullptr;
}

const ProfileEvent* Profile::event_of(int64_t index, const std::string& unit_name) const {
  for (const auto& e : events)
    if (e.command == index && (unit_name.empty() || e.unit == unit_name)) return &e;
  return nullptr;
}

std::vector<UnitTotals> summarize_units(const std::vector<ProfileEvent>& events) {
  std::map<std::string, UnitTotals> units, resources;
  for (const auto& e : events) {
    auto& u = units[e.unit];
    u.name = e.unit;
    add_to(u, e);
    if (!e.resource.empty()) {
      auto& r = resources[e.resource];
      r.name = e.resource;
      add_to(r, e);
      r.token_wait_ps -= e.token_wait_ps;  // a channel does not stall on tokens; its queue does
    }
  }
  std::vector<UnitTotals> out;
  for (auto& [name, u] : units) out.push_back(u);
  std::stable_sort(out.begin(), out.end(), [](const UnitTotals& a, const UnitTotals& b) { return unit_before(a.name, b.name); });
  for (auto& [name, r] : resources) out.push_back(r);
  return out;
}

std::string profile_to_json(const Profile& p) {
  json j;
  j["format"] = "kiln-profile";
  j["version"] = p.version;
  j["soc"] = p.soc;
  j["source"] = p.source;
  j["reference_clock_mhz"] = p.reference_clock_mhz;
  j["total_ps"] = p.total_ps;
  j["total_cycles"] = p.total_cycles;
  json bus;
  bus["busy_ps"] = p.bus_busy_ps;
  bus["utilization"] = p.bus_utilization();
  bus["initiators"] = json::array();
  for (const auto& i : p.bus_initiators)
    bus["initiators"].push_back(
        {{"name", i.name}, {"bursts", i.bursts}, {"bytes", i.bytes}, {"busy_ps", i.busy_ps}, {"wait_ps", i.wait_ps}});
  j["bus"] = bus;
  j["units"] = json::array();
  for (const auto& u : p.units) j["units"].push_back(unit_to_json(u));
  j["events"] = json::array();
  for (const auto& e : p.events) j["events"].push_back(event_to_json(e));
  return j.dump(1) + "\n";
}

Profile profile_from_json(const std::string& text, const std::string& source) {
  json j;
  try {
    j = json::parse(text);
  } catch (const json::parse_error& e) {
    throw Error(fmt::format("{}: byte {}: not valid JSON", source, e.byte));
  } catch (const json::exception& e) {  // a number too large for a double (1e400): out_of_range
    throw Error(fmt::format("{}: not readable JSON: {}", source, e.what()));
  }
  Reader r(source);
  if (r.str(j, "format", "profile") != "kiln-profile") r.fail("profile.format", "expected \"kiln-profile\"");
  Profile p;
  p.version = int(r.i64(j, "version", "profile"));
  if (p.version != kProfileFormatVersion)
    r.fail("profile.version", fmt::format("version {} is not supported (expected {})", p.version, kProfileFormatVersion));
  p.soc = r.str(j, "soc", "profile");
  p.source = r.str(j, "source", "profile");
  p.reference_clock_mhz = r.number(j, "reference_clock_mhz", "profile");
  p.total_ps = r.u64(j, "total_ps", "profile");
  p.total_cycles = r.u64(j, "total_cycles", "profile");
  const json& bus = r.field(j, "bus", "profile");
  p.bus_busy_ps = r.u64(bus, "busy_ps", "profile.bus");
  const json& inits = r.array(bus, "initiators", "profile.bus");
  for (size_t i = 0; i < inits.size(); ++i) {
    const std::string where = fmt::format("profile.bus.initiators[{}]", i);
    BusInitiatorTotals b;
    b.name = r.str(inits[i], "name", where);
    b.bursts = r.u64(inits[i], "bursts", where);
    b.bytes = r.u64(inits[i], "bytes", where);
    b.busy_ps = r.u64(inits[i], "busy_ps", where);
    b.wait_ps = r.u64(inits[i], "wait_ps", where);
    p.bus_initiators.push_back(b);
  }
  const json& units = r.array(j, "units", "profile");
  for (size_t i = 0; i < units.size(); ++i)
    p.units.push_back(unit_from_json(r, units[i], fmt::format("profile.units[{}]", i)));
  const json& events = r.array(j, "events", "profile");
  for (size_t i = 0; i < events.size(); ++i)
    p.events.push_back(event_from_json(r, events[i], fmt::format("profile.events[{}]", i)));
  return p;
}

void write_profile_file(const Profile& profile, const std::string& path) {
  write_text_file_atomic(path, profile_to_json(profile));
}

Profile read_profile_file(const std::string& path) { return profile_from_json(yaml::read_file(path, "profile"), path); }

std::string chrome_trace_json(const Profile& p) {
  // Track ids: units in their order, then DMA channels; stable for a given profile.
  std::vector<std::string> tracks;
  for (const auto& u : p.units) tracks.push_back(u.name);
  auto tid_of = [&](const std::string& name) {
    return int(std::find(tracks.begin(), tracks.end(), name) - tracks.begin()) + 1;
  };
  // Written by hand rather than through nlohmann so that timestamps keep their
  // exact decimal form (ps -> us) and the bytes are the same on every run.
  std::string out = "{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n";
  out += fmt::format("{{\"ph\":\"M\",\"pid\":1,\"tid\":0,\"name\":\"process_name\",\"args\":{{\"name\":{}}}}}",
                     json(fmt::format("kiln soc {}", p.soc)).dump());
  for (size_t i = 0; i < tracks.size(); ++i) {
    out += fmt::format(",\n{{\"ph\":\"M\",\"pid\":1,\"tid\":{},\"name\":\"thread_name\",\"args\":{{\"name\":{}}}}}",
                       i + 1, json(tracks[i]).dump());
    out += fmt::format(",\n{{\"ph\":\"M\",\"pid\":1,\"tid\":{},\"name\":\"thread_sort_index\",\"args\":{{\"sort_index\":{}}}}}",
                       i + 1, i + 1);
  }
  auto slice = [&](const std::string& track, const std::string& name, uint64_t start, uint64_t dur, const json& args) {
    out += fmt::format(",\n{{\"ph\":\"X\",\"pid\":1,\"tid\":{},\"name\":{},\"ts\":{},\"dur\":{},\"args\":{}}}",
                       tid_of(track), json(name).dump(), ps_as_us(start), ps_as_us(dur), args.dump());
  };
  for (const auto& e : p.events) {
    json args = {{"command", e.command}, {"start_cycle", e.start_cycle}, {"end_cycle", e.end_cycle},
                 {"bytes", e.bytes},     {"macs", e.macs},               {"bus_wait_ps", e.bus_wait_ps},
                 {"bank_wait_ps", e.bank_wait_ps}, {"token_wait_ps", e.token_wait_ps}};
    const std::string label = e.command >= 0 ? fmt::format("{} #{}", e.name, e.command) : e.name;
    if (e.token_wait_ps > 0)
      slice(e.unit, "wait tokens", e.start_ps - e.token_wait_ps, e.token_wait_ps, json{{"command", e.command}});
    slice(e.unit, label, e.start_ps, e.duration_ps(), args);
    if (!e.resource.empty()) slice(e.resource, label, e.start_ps, e.duration_ps(), args);
  }
  out += "\n]}\n";
  return out;
}

void write_chrome_trace_file(const Profile& profile, const std::string& path) {
  write_text_file_atomic(path, chrome_trace_json(profile));
}

void write_text_file_atomic(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw Error(fmt::format("{}: cannot write file: {}", path, std::strerror(errno)));
    out.write(text.data(), std::streamsize(text.size()));
    out.flush();
    if (!out) {
      // A full disk: the file at `path`, if any, is left as it was.
      const int err = errno;
      std::remove(tmp.c_str());
      throw Error(fmt::format("{}: write failed: {}", path, std::strerror(err)));
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    std::remove(tmp.c_str());
    throw Error(fmt::format("{}: cannot rename the temporary file into place: {}", path, std::strerror(err)));
  }
}

}  // namespace kiln
