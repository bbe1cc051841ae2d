// Numbers inside command-line option values (--dump MEM:ADDR:LEN:FILE,
// --vcd-commands FIRST:LAST): decimal or 0x hex, the whole text or an error
// that quotes the option.
#pragma once

#include <cstdint>
#include <string>

namespace kiln::tools {

// Throws kiln::Error "<option> '<spec>': '<text>' is not a number (decimal or 0x hex)".
uint64_t parse_option_number(const std::string& text, const std::string& option, const std::string& spec);

}  // namespace kiln::tools
