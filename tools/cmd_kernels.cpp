// kiln kernels [NAME...] [--json]: the MCU kernel catalogue, as the command
// stream names it (arch/mcu_op.h, filled by the kernel table): each kernel's
// id, name, the kernel that prices it where a cost table has none, and its
// arguments in encoding order with type and meaning. What a .kasm `mcu` line
// and an SoC's mcu.costs need, from the table itself rather than a copy.
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "arch/error.h"
#include "arch/mcu_op.h"
#include "arch/yaml_reader.h"
#include "tools/commands.h"

namespace kiln::tools {

namespace {

std::string type_text(const McuArg& a) {
  const char* element = a.element == McuElement::Int8      ? "int8"
                        : a.element == McuElement::Int32   ? "int32"
                        : a.element == McuElement::Float32 ? "float32"
                                                           : "";
  switch (a.type) {
    case McuArgType::Read: return fmt::format("reads {}{}", element, a.optional ? " (optional)" : "");
    case McuArgType::Write: return fmt::format("writes {}", element);
    case McuArgType::Extent: return "extent";
    case McuArgType::Int: return "int";
  }
  return "";
}

nlohmann::json kernel_json(const McuKernelSpec& k) {
  nlohmann::json args = nlohmann::json::array();
  for (const McuArg& a : k.args)
    args.push_back({{"name", a.name}, {"type", type_text(a)}, {"meaning", a.meaning}});
  return {{"id", k.id},
          {"name", k.name},
          {"priced_as", k.priced_as ? nlohmann::json(k.priced_as) : nlohmann::json()},
          {"args", args}};
}

void print_table(const std::vector<const McuKernelSpec*>& kernels, std::ostream& out) {
  out << fmt::format("{:>3}  {:<20} {:<12} {}\n", "id", "kernel", "priced as", "arguments");
  for (const McuKernelSpec* k : kernels) {
    std::vector<std::string> names;
    for (const McuArg& a : k->args) names.push_back(a.name);
    out << fmt::format("{:>3}  {:<20} {:<12} {}\n", k->id, k->name, k->priced_as ? k->priced_as : "-",
                       yaml::join(names));
  }
}

void print_kernel(const McuKernelSpec& k, std::ostream& out) {
  out << fmt::format("{} (id {}){}\n", k.name, k.id,
                     k.priced_as ? fmt::format(", priced as {} where a cost table has no entry", k.priced_as) : "");
  for (size_t i = 0; i < k.args.size(); ++i)
    out << fmt::format("  {:>2}  {:<20} {:<22} {}\n", i, k.args[i].name, type_text(k.args[i]), k.args[i].meaning);
}

}  // namespace

void add_kernels_command(CLI::App& app) {
  struct Options {
    std::vector<std::string> names;
    bool json = false;
  };
  auto opt = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand(
      "kernels", "List the MCU kernels a command stream can name: id, arguments in encoding order, cost-table key");
  cmd->add_option("NAME", opt->names, "Kernels to describe argument by argument (all, as a table, when none)");
  cmd->add_flag("--json", opt->json, "Print the catalogue (or the kernels named) as JSON");
  cmd->callback([opt]() {
    std::vector<const McuKernelSpec*> kernels;
    for (const std::string& name : opt->names) {
      const McuKernelSpec* k = find_mcu_kernel(name);
      if (!k) {
        std::vector<std::string> known;
        for (const McuKernelSpec& s : mcu_kernels()) known.push_back(s.name);
        throw Error(fmt::format("kernels: no MCU kernel named '{}'; known: {}", name, yaml::join(known)));
      }
      kernels.push_back(k);
    }
    const bool all = kernels.empty();
    if (all)
      for (const McuKernelSpec& k : mcu_kernels()) kernels.push_back(&k);
    if (opt->json) {
      nlohmann::json j = nlohmann::json::array();
      for (const McuKernelSpec* k : kernels) j.push_back(kernel_json(*k));
      std::cout << j.dump(2) << "\n";
    } else if (all) {
      print_table(kernels, std::cout);
    } else {
      for (const McuKernelSpec* k : kernels) print_kernel(*k, std::cout);
    }
  });
}

}  // namespace kiln::tools
