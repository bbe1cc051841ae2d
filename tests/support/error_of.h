// The message of the kiln::Error a call throws, or "" when it throws none:
// tests compare whole one-line errors.
#pragma once

#include <string>

#include "arch/error.h"

namespace kiln::test {

template <class Fn>
std::string error_of(Fn fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace kiln::test
