// Where tests find their data: the source tree (configs/, tests/data/) and the
// shared workloads beside the checkout (../shared/workloads), which tests skip
// with a clear message when absent.
#pragma once

#include <string>

namespace kiln::test {

inline std::string source_dir() { return KILN_SOURCE_DIR; }
inline std::string data_path(const std::string& rel) { return std::string(KILN_SOURCE_DIR) + "/tests/data/" + rel; }
inline std::string config_path(const std::string& name) {
  return std::string(KILN_SOURCE_DIR) + "/configs/soc/" + name + ".yaml";
}
inline std::string shared_workload(const std::string& rel) {
  return std::string(KILN_SOURCE_DIR) + "/../shared/workloads/" + rel;
}

}  // namespace kiln::test
