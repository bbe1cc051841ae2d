// The whole of an open file as bytes, read in blocks: a model is hundreds of
// kilobytes, and istreambuf_iterator's character-at-a-time copy of one took
// more time than parsing it.
#pragma once

#include <istream>
#include <string>

namespace kiln {

// Everything left in `in` (a file, a pipe); `in.bad()` tells a read error.
std::string read_stream(std::istream& in);

}  // namespace kiln
