// Each kiln subcommand lives in its own tools/cmd_*.cpp and registers itself
// on the CLI11 app here. A command's callback throws kiln::Error for bad
// input; main() prints it as one line and exits with kExitUserError.
#pragma once

#include <CLI/CLI.hpp>

namespace kiln::tools {

// Exit codes (README, "Exit codes").
inline constexpr int kExitOk = 0;
inline constexpr int kExitUserError = 1;     // bad input: config, stream, model, flag
inline constexpr int kExitMismatch = 2;      // results differ (reference check, verify)
inline constexpr int kExitInternalError = 3; // a bug in kiln: please report

// A command that completes but must report a non-zero status (a mismatch)
// sets this; main() returns it.
int& command_exit_code();

void add_config_command(CLI::App& app);     // kiln config check
void add_asm_commands(CLI::App& app);       // kiln asm, kiln disasm
void add_simulate_command(CLI::App& app);   // kiln simulate
void add_compile_command(CLI::App& app);    // kiln compile
void add_run_command(CLI::App& app);        // kiln run
void add_reference_command(CLI::App& app);  // kiln reference
void add_verify_command(CLI::App& app);     // kiln verify
void add_sweep_command(CLI::App& app);      // kiln sweep, kiln sweep merge
void add_tune_command(CLI::App& app);       // kiln tune
void add_compare_command(CLI::App& app);    // kiln compare
void add_kernels_command(CLI::App& app);    // kiln kernels

}  // namespace kiln::tools
