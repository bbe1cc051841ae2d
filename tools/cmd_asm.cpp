// kiln asm IN.kasm [-o OUT.kbin] [--soc CONFIG]: assemble the text form of a
// command stream into a program file (and, with --soc, validate it against an SoC).
// kiln disasm IN.kbin [-o OUT.kasm] [--soc CONFIG]: the reverse; the text it
// writes assembles back to the identical file. Format: docs/command-stream.md.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "arch/command_codec.h"
#include "arch/command_text.h"
#include "arch/error.h"
#include "arch/soc_config_yaml.h"
#include "tools/commands.h"

namespace kiln::tools {

namespace {

struct AsmOptions {
  std::string input, output, soc;
};

std::string replace_extension(const std::string& path, const std::string& ext) {
  const size_t slash = path.rfind('/');
  const size_t dot = path.rfind('.');
  const bool has_ext = dot != std::string::npos && (slash == std::string::npos || dot > slash);
  return (has_ext ? path.substr(0, dot) : path) + ext;
}

void validate_if_asked(const Program& program, const AsmOptions& o) {
  if (!o.soc.empty()) validate_program(program, load_soc_config(o.soc), o.input);
}

void write_text_atomically(const std::string& text, const std::string& path) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw Error(fmt::format("{}: cannot write: {}", tmp, std::strerror(errno)));
    out << text;
    out.flush();
    if (!out) {
      std::remove(tmp.c_str());
      throw Error(fmt::format("{}: write failed", tmp));
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    std::remove(tmp.c_str());
    throw Error(fmt::format("{}: cannot rename {} into place: {}", path, tmp, std::strerror(err)));
  }
}

void run_asm(const AsmOptions& o) {
  const Program program = read_program_text_file(o.input);
  validate_if_asked(program, o);
  const std::string out = o.output.empty() ? replace_extension(o.input, ".kbin") : o.output;
  write_program_file(program, out);
  std::cout << fmt::format("{}: {} commands, {} images, {} bytes{}\n", out, program.commands.size(),
                           program.images.size(), encode_program(program).size(),
                           o.soc.empty() ? "" : fmt::format(" (valid for {})", o.soc));
}

void run_disasm(const AsmOptions& o) {
  const Program program = read_program_file(o.input);
  validate_if_asked(program, o);
  const std::string text = format_program(program);
  if (o.output.empty() || o.output == "-") std::cout << text;
  else write_text_atomically(text, o.output);
}

}  // namespace

void add_asm_commands(CLI::App& app) {
  auto a = std::make_shared<AsmOptions>();
  CLI::App* as = app.add_subcommand(
      "asm", "Assemble a command stream from its text form (.kasm) into a program file (.kbin); see "
             "docs/command-stream.md");
  // No CLI11 existence checks: the readers name missing files like every other error.
  as->add_option("IN", a->input, "Text command stream (.kasm)")->required();
  as->add_option("-o,--output", a->output, "Program file to write (default: IN with extension .kbin)");
  as->add_option("--soc", a->soc, "Also validate the program against this SoC config (YAML)");
  as->callback([a] { run_asm(*a); });

  auto d = std::make_shared<AsmOptions>();
  CLI::App* dis = app.add_subcommand(
      "disasm", "Print a program file (.kbin) as text (.kasm) that assembles back to the identical file");
  dis->add_option("IN", d->input, "Program file (.kbin)")->required();
  dis->add_option("-o,--output", d->output, "Text file to write (default: standard output)");
  dis->add_option("--soc", d->soc, "Also validate the program against this SoC config (YAML)");
  dis->callback([d] { run_disasm(*d); });
}

}  // namespace kiln::tools
