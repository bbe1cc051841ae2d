// Where the kiln tool finds its bundled files (configs/, workloads/): the
// KILN_HOME environment variable if set, else the source tree it was built from.
#pragma once

#include <string>

#include "arch/bundled_files.h"

namespace kiln::tools {

using kiln::kiln_home;
inline std::string default_soc_path() { return kiln_home() + "/configs/soc/default.yaml"; }
// Shipped technologies (docs/energy.md): configs/tech/<name>.yaml; the one of a
// SocConfig that names none.
inline std::string technology_dir() { return kiln_home() + "/configs/tech"; }
inline const char* default_technology_name() { return "horowitz45"; }
inline std::string default_model_path() { return kiln_home() + "/workloads/resnet8.onnx"; }

}  // namespace kiln::tools
