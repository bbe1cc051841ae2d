// How the long-running parts of explore/ (a tuning, a sweep) tell their
// caller what they are doing, without writing to the terminal themselves:
// the command line passes a callback that prints (or a test one that keeps)
// each report.
#pragma once

#include <cstddef>
#include <functional>
#include <string>

namespace kiln::explore {

struct Progress {
  enum class Kind {
    Step,       // a step finished: one line for the log (a tuning round, a decision)
    Status,     // the running count, replaced by the next Status (a terminal rewrites it in place)
    StatusEnd,  // the running count of this phase is over (text: its last state, or empty)
  };
  Kind kind = Kind::Step;
  std::string text;            // one line, without its newline
  size_t done = 0, total = 0;  // Status and StatusEnd: runs finished of those to run
};

using ProgressFn = std::function<void(const Progress&)>;

}  // namespace kiln::explore
