#include "explore/paths.h"

#include <cstdlib>

namespace kiln::explore {

std::string kiln_home() {
  if (const char* home = std::getenv("KILN_HOME")) return home;
  return KILN_SOURCE_DIR;
}
std::string default_soc_path() { return kiln_home() + "/configs/soc/default.yaml"; }
std::string technology_dir() { return kiln_home() + "/configs/tech"; }
const char* default_technology_name() { return "horowitz45"; }
std::string default_model_path() { return kiln_home() + "/workloads/resnet8.onnx"; }

}  // namespace kiln::explore
