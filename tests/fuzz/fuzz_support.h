// What every fuzzing harness shares. A harness feeds one input to the same
// library entry point the kiln command line uses; kiln::Error is the expected
// way to refuse it. Anything else is a finding: a crash, a sanitizer report,
// another exception (libFuzzer aborts on it), a hang or running out of
// memory, and also an Error whose message is not one line naming the input
// (the command line prints it as its one located line).
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "arch/error.h"

namespace kiln::fuzz {

// The last input's outcome, for the replayer (replay_main.cpp).
struct Outcome {
  bool rejected = false;
  std::string message;
};
inline Outcome& last_outcome() {
  static Outcome o;
  return o;
}

// Runs `feed` on one input; `name` is how the input is named to kiln (the
// file the command line would name), which every error message must contain.
template <class Feed>
int expect_errors(const std::string& name, Feed&& feed) {
  last_outcome() = Outcome{};
  try {
    feed();
  } catch (const Error& e) {
    const std::string message = e.what();
    last_outcome() = Outcome{true, message};
    if (message.find('\n') != std::string::npos || message.find('\r') != std::string::npos) {
      std::fprintf(stderr, "finding: the error is not one line:\n%s\n", message.c_str());
      std::abort();
    }
    if (message.find(name) == std::string::npos) {
      std::fprintf(stderr, "finding: the error does not name %s: %s\n", name.c_str(), message.c_str());
      std::abort();
    }
  }
  return 0;
}

// A private directory of this process for readers that take a path
// ($TMPDIR/kiln-fuzz-<pid>), created once.
std::string work_dir();

// Writes the input to work_dir()/relative (rewritten on every run) and
// returns that path.
std::string input_file(const uint8_t* data, size_t size, const std::string& relative);

std::string source_dir();  // fuzz_support.cpp

}  // namespace kiln::fuzz
