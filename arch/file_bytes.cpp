#include "arch/file_bytes.h"

#include <sstream>

namespace kiln {

std::string read_stream(std::istream& in) {
  std::ostringstream bytes;
  bytes << in.rdbuf();  // an empty file sets bytes' failbit only: the result is ""
  return bytes.str();
}

}  // namespace kiln
