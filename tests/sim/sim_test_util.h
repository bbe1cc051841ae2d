// Helpers for the simulator tests: building programs from command structs,
// and running simulate() in a child process (SystemC elaborates once per
// process, and several cases compare two runs).
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <nlohmann/json.hpp>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "arch/command.h"
#include "arch/profile.h"
#include "arch/soc_config.h"
#include "arch/soc_config_yaml.h"
#include "sim/simulate.h"
#include "tests/support/test_paths.h"

namespace kiln::test {

inline SocConfig default_soc() { return load_soc_config(config_path("default")); }

// The default SoC with the NPU's vector unit of `lanes` lanes.
inline SocConfig vector_soc(uint64_t lanes) {
  SocConfig soc = default_soc();
  soc.npu.units.push_back(UnitConfig{"vector", {{"lanes", lanes}}, {}});
  return soc;
}

constexpr uint64_t kSram = 0x20000000;  // the default SoC's SRAM base

inline uint64_t period_ps(double mhz) { return uint64_t(std::llround(1e6 / mhz)); }

inline Command make(Opcode op, CommandBody body, Deps deps = {}) {
  Command c;
  c.op = op;
  c.deps = deps;
  c.body = std::move(body);
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

inline Command dma(Opcode op, uint8_t channel, uint64_t mem, Buffer buf, uint32_t spm, uint32_t rows, uint32_t row_bytes,
                   uint32_t mem_stride, uint32_t spm_stride, Deps d = {}) {
  DmaCmd c;
  c.channel = channel;
  c.mem_addr = mem;
  c.spm.buf = buf;
  c.spm.offset = spm;
  c.rows = rows;
  c.row_bytes = row_bytes;
  c.mem_stride = mem_stride;
  c.spm_stride = spm_stride;
  return make(op, c, d);
}

inline Command end_cmd(bool interrupt = true) {
  EndCmd e;
  e.interrupt = interrupt;
  return make(Opcode::End, e);
}

inline std::vector<int8_t> random_int8(size_t n, uint32_t seed, int lo = -128, int hi = 127) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> d(lo, hi);
  std::vector<int8_t> v(n);
  for (auto& x : v) x = int8_t(d(rng));
  return v;
}

inline std::vector<uint8_t> bytes_of(const std::vector<int8_t>& v) { return std::vector<uint8_t>(v.begin(), v.end()); }

// Per-channel post-processing records {bias, multiplier, shift}, little-endian.
struct ChannelParams {
  int32_t bias, mult, shift;
};
inline std::vector<uint8_t> params_bytes(const std::vector<ChannelParams>& ps) {
  std::vector<uint8_t> out(ps.size() * 12);
  for (size_t i = 0; i < ps.size(); ++i) std::memcpy(&out[i * 12], &ps[i], 12);
  return out;
}

inline MemoryImage image(const std::string& memory, uint64_t addr, std::vector<uint8_t> bytes) {
  MemoryImage m;
  m.memory = memory;
  m.addr = addr;
  m.bytes = std::move(bytes);
  return m;
}

// What a child run reports back to the test.
struct RunReport {
  bool ok = false;
  std::string error;
  uint64_t total_ps = 0, total_cycles = 0;
  std::vector<uint8_t> output;  // the bytes the case asked for
  std::string profile_json;
  std::string trace;
};

// Runs simulate() in a forked child; `read_output` picks the bytes to return;
// `npu_unit` builds NPU units in place of their registered implementations.
inline RunReport run_in_child(const SocConfig& soc, const Program& program,
                              const std::function<std::vector<uint8_t>(const SimResult&)>& read_output = {},
                              const std::string& source = "test", const sim::NpuUnitFactory& npu_unit = {}) {
  int fds[2];
  if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    close(fds[0]);
    nlohmann::json j;
    try {
      SimOptions opt;
      opt.source = source;
      opt.npu_unit = npu_unit;
      const SimResult r = simulate(soc, program, opt);
      j["ok"] = true;
      j["total_ps"] = r.total_ps;
      j["total_cycles"] = r.total_cycles;
      j["output"] = read_output ? read_output(r) : std::vector<uint8_t>{};
      j["profile"] = profile_to_json(r.profile);
      j["trace"] = chrome_trace_json(r.profile);
    } catch (const std::exception& e) {
      j["ok"] = false;
      j["error"] = e.what();
    }
    const std::string s = j.dump();
    size_t done = 0;
    while (done < s.size()) {
      const ssize_t n = write(fds[1], s.data() + done, s.size() - done);
      if (n <= 0) break;
      done += size_t(n);
    }
    close(fds[1]);
    _exit(0);
  }
  close(fds[1]);
  std::string s;
  char buf[65536];
  for (;;) {
    const ssize_t n = read(fds[0], buf, sizeof buf);
    if (n <= 0) break;
    s.append(buf, size_t(n));
  }
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  RunReport rep;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || s.empty()) {
    rep.error = "child process crashed";
    return rep;
  }
  const auto j = nlohmann::json::parse(s);
  rep.ok = j.at("ok").get<bool>();
  if (!rep.ok) {
    rep.error = j.at("error").get<std::string>();
    return rep;
  }
  rep.total_ps = j.at("total_ps").get<uint64_t>();
  rep.total_cycles = j.at("total_cycles").get<uint64_t>();
  rep.output = j.at("output").get<std::vector<uint8_t>>();
  rep.profile_json = j.at("profile").get<std::string>();
  rep.trace = j.at("trace").get<std::string>();
  return rep;
}

// The profile event of command `index` of a child's run, as a copy: the
// Profile parsed from the run's JSON does not outlive the call.
inline ProfileEvent event_of_command(const RunReport& r, int64_t index) {
  const Profile p = profile_from_json(r.profile_json, "profile");
  const ProfileEvent* ev = p.event_of(index);
  if (!ev) throw std::runtime_error("the profile has no event of command " + std::to_string(index));
  return *ev;
}

}  // namespace kiln::test
