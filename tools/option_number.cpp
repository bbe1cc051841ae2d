#include "tools/option_number.h"

#include <fmt/format.h>

#include <exception>

#include "arch/error.h"

namespace kiln::tools {

uint64_t parse_option_number(const std::string& text, const std::string& option, const std::string& spec) {
  size_t used = 0;
  uint64_t v = 0;
  // std::stoull accepts a leading '-' (and wraps it): refuse it before.
  if (!text.empty() && text[0] != '-') {
    try {
      v = std::stoull(text, &used, 0);
    } catch (const std::exception&) {
      used = 0;
    }
  }
  if (used == 0 || used != text.size())
    throw Error(fmt::format("{} '{}': '{}' is not a number (decimal or 0x hex)", option, spec, text));
  return v;
}

}  // namespace kiln::tools
