// Loading a Technology from YAML (schema: configs/tech/horowitz45.yaml, every
// field documented in docs/energy.md). Every key is required and validated; a
// bad file throws kiln::Error with one line "file:line:column: key.path: message".
#pragma once

#include <string>

#include "arch/technology.h"

namespace kiln {

Technology load_technology(const std::string& path);
Technology parse_technology(const std::string& yaml_text, const std::string& source_name);

}  // namespace kiln
