// Runs child processes, at most N at a time, each with a timeout: the pool
// behind `kiln sweep` (a design point per child) and `kiln tune` (a candidate
// program per child). SystemC elaborates once per process, so every
// simulation that runs beside another needs a process of its own.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace kiln::explore {

struct ChildJob {
  ChildJob() = default;
  ChildJob(std::vector<std::string> argv_, std::string stderr_path_)
      : argv(std::move(argv_)), stderr_path(std::move(stderr_path_)) {}
  std::vector<std::string> argv;  // argv[0] is the executable's path
  std::string stderr_path;        // the child's stderr goes here (stdout is dropped)
  // When set, the child is a fork of this process that runs `run` and exits
  // with what it returns (no exec: no program start-up per job); argv is not
  // used. It should report errors on stderr as a `kiln` child would.
  std::function<int()> run;
};

struct ChildResult {
  size_t index = 0;        // into the jobs given
  bool timed_out = false;  // killed after the timeout
  bool signaled = false;   // ended by a signal (timed_out implies it)
  int signal = 0;
  int exit_code = -1;      // when it exited
  double wall_ms = 0;
};

// Starts the jobs in order, `parallel` at once; `on_done` runs in this process
// as each ends (in the order they end). Throws kiln::Error if fork fails; if
// on_done throws, the children still running are killed and the exception
// goes on to the caller.
// exit code 127: the executable could not be run.
void run_children(const std::vector<ChildJob>& jobs, unsigned parallel, double timeout_s,
                  const std::function<void(const ChildResult&)>& on_done);

// What a child left in a file ("" when it left nothing).
std::string read_child_file(const std::string& path);
// The first line of a child's stderr without the "kiln: error: " prefix: the
// one-line error a failed `kiln` child reports.
std::string child_error_line(std::string stderr_text);

}  // namespace kiln::explore
