#include "arch/bundled_files.h"

#include <cstdlib>

namespace kiln {

std::string kiln_home() {
  if (const char* home = std::getenv("KILN_HOME")) return home;
  return KILN_SOURCE_DIR;
}

std::string mcu_profile_dir() { return kiln_home() + "/configs/mcu"; }

}  // namespace kiln
