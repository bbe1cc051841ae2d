// Where kiln finds its bundled files (configs/, workloads/, scripts/): the
// KILN_HOME environment variable if set, else the source tree it was built from.
#pragma once

#include <string>

namespace kiln::explore {

std::string kiln_home();
std::string default_soc_path();
// Shipped technologies (docs/energy.md): configs/tech/<name>.yaml; the one of a
// SocConfig that names none.
std::string technology_dir();
const char* default_technology_name();
std::string default_model_path();

}  // namespace kiln::explore
