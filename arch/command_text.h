// Text form of a Program (.kasm): one command per line, key=value fields,
// directives for memory images and stream placement. Grammar and examples:
// docs/command-stream.md. format_program's output parses back to an equal
// Program (and so encodes to identical bytes).
#pragma once

#include <string>

#include "arch/command.h"

namespace kiln {

// Parses .kasm text. `source` names it in errors ("file:line:column: message");
// `base_dir` resolves `.image ... file "x.bin"` paths ("" = current directory).
// Every command is checked on its own (command_problem), not against an SoC.
Program parse_program_text(const std::string& text, const std::string& source, const std::string& base_dir = "");
Program read_program_text_file(const std::string& path);  // base_dir = the file's directory

// One command as a line of text, without a trailing newline or comment.
std::string format_command(const Command& cmd);
// The whole program: header comment, .stream, commands (each with "# N", its
// index, as errors name it), then images as hex.
std::string format_program(const Program& program);

}  // namespace kiln
