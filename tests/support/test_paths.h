// Where tests find their data: the source tree (configs/, tests/data/) and the
// shared workloads beside the checkout (../shared/workloads), which tests skip
// with a clear message when absent.
#pragma once

#include <string>

namespace kiln::test {

std::string source_dir();  // test_paths.cpp
inline std::string data_path(const std::string& rel) { return source_dir() + "/tests/data/" + rel; }
inline std::string config_path(const std::string& name) { return source_dir() + "/configs/soc/" + name + ".yaml"; }
inline std::string shared_workload(const std::string& rel) { return source_dir() + "/../shared/workloads/" + rel; }

}  // namespace kiln::test
