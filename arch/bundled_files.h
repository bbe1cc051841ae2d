// Where kiln finds its bundled files (configs/, workloads/): the KILN_HOME
// environment variable if set, else the source tree it was built from. The
// SoC loader resolves MCU profile names there (configs/mcu/<name>.yaml).
#pragma once

#include <string>

namespace kiln {

std::string kiln_home();
// configs/mcu under kiln_home(): the shipped MCU core profiles.
std::string mcu_profile_dir();

}  // namespace kiln
