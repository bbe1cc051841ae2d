// kiln::Error: every user-facing failure (bad YAML, bad stream, bad model,
// bad flag) is thrown as one of these with a one-line message of the form
// "file:line:column: what was expected" (or "file: command 12: ..."), and the
// kiln tool prints it and exits non-zero. Never assert on user input.
#pragma once

#include <stdexcept>
#include <string>

namespace kiln {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace kiln
