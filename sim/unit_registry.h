// Implementations chosen by name, as Ramulator 2 chooses them from YAML: each
// array engine and NPU unit registers a factory under its catalogue name
// (arch/unit_catalog.h) from its own file, with KILN_REGISTER_UNIT, and the
// platform builds what the SoC config names. kiln_sim is linked as object
// files (sim/CMakeLists.txt) so that a file nothing calls still registers.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "arch/error.h"
#include "arch/unit_catalog.h"
#include "arch/yaml_reader.h"

namespace kiln {

template <class Product, class... Args>
class UnitRegistry {
 public:
  using Factory = std::function<std::unique_ptr<Product>(Args...)>;

  // One registry per product type, built on first use (safe from any static initializer).
  static UnitRegistry& instance() {
    static UnitRegistry registry;
    return registry;
  }

  // Returns true so that it can initialise a static; a second factory under
  // one name is kept aside and reported by make() and duplicates().
  bool add(const std::string& name, Factory factory) {
    if (!factories_.emplace(name, std::move(factory)).second) duplicates_.push_back(name);
    return true;
  }

  bool has(const std::string& name) const { return factories_.count(name) != 0; }

  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& entry : factories_) out.push_back(entry.first);
    return out;
  }
  const std::vector<std::string>& duplicates() const { return duplicates_; }

  // Builds the implementation registered under `name`; `what` names the slot in errors.
  std::unique_ptr<Product> make(const std::string& name, const std::string& what, Args... args) const {
    const auto it = factories_.find(name);
    if (it == factories_.end())
      throw Error(fmt::format("{}: no implementation registered under '{}' in this build (registered: {})", what, name,
                              yaml::join(names())));
    return it->second(std::forward<Args>(args)...);
  }

 private:
  std::map<std::string, Factory> factories_;
  std::vector<std::string> duplicates_;
};

}  // namespace kiln

#define KILN_UNIT_CONCAT_(a, b) a##b
#define KILN_UNIT_CONCAT(a, b) KILN_UNIT_CONCAT_(a, b)
// Registers FACTORY (a callable returning std::unique_ptr<Product>) under NAME
// in REGISTRY at static initialization. Use at namespace scope in the unit's file.
#define KILN_REGISTER_UNIT(REGISTRY, NAME, FACTORY)                                              \
  namespace {                                                                                    \
  [[maybe_unused]] const bool KILN_UNIT_CONCAT(kiln_unit_registered_, __LINE__) =                \
      REGISTRY::instance().add(NAME, FACTORY);                                                   \
  }
