// Text that came from an input file (tensor and node names, YAML keys, header
// strings), made safe for a one-line error message: control bytes become
// \n, \t, \r or \xNN, and text longer than max_chars bytes is cut there with
// "...", so that a name can neither split an error over lines nor bury it.
#pragma once

#include <string>
#include <string_view>

namespace kiln {

std::string escaped(std::string_view text, size_t max_chars = 200);

}  // namespace kiln
