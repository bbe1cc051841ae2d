#include "explore/paths.h"

#include "arch/bundled_files.h"

namespace kiln::explore {

// One definition for every layer: arch resolves MCU profile names there too.
std::string kiln_home() { return kiln::kiln_home(); }
std::string default_soc_path() { return kiln_home() + "/configs/soc/default.yaml"; }
std::string technology_dir() { return kiln_home() + "/configs/tech"; }
const char* default_technology_name() { return "horowitz45"; }
std::string default_model_path() { return kiln_home() + "/workloads/resnet8.onnx"; }

}  // namespace kiln::explore
