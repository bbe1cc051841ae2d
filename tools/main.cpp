// kiln: compile quantized networks for an MCU + NPU SoC, simulate them, and
// feed what the simulation measured back to the compiler.
#include <exception>
#include <iostream>

#include "arch/error.h"
#include "arch/escaped.h"
#include "tools/commands.h"

// Debian's libsystemc.so defines main() and references sc_main(); ours wins,
// and this weak definition satisfies the library. Simulations call sc_start().
extern "C" __attribute__((weak)) int sc_main(int, char**) { return 0; }

int& kiln::tools::command_exit_code() {
  static int code = kExitOk;
  return code;
}

int main(int argc, char** argv) {
  CLI::App app{"kiln: compile quantized networks for an MCU + NPU SoC and simulate them"};
  app.require_subcommand(1);
  kiln::tools::add_config_command(app);
  kiln::tools::add_asm_commands(app);
  kiln::tools::add_simulate_command(app);
  kiln::tools::add_compile_command(app);
  kiln::tools::add_run_command(app);
  kiln::tools::add_reference_command(app);
  kiln::tools::add_verify_command(app);
  kiln::tools::add_sweep_command(app);
  kiln::tools::add_tune_command(app);
  kiln::tools::add_compare_command(app);
  kiln::tools::add_kernels_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? kiln::tools::kExitOk : kiln::tools::kExitUserError;
  } catch (const kiln::Error& e) {
    // Escaped again here: whatever a message quotes, it stays one line.
    std::cerr << "kiln: error: " << kiln::escaped(e.what(), 4000) << "\n";
    return kiln::tools::kExitUserError;
  } catch (const std::exception& e) {
    std::cerr << "kiln: internal error: " << kiln::escaped(e.what(), 4000) << "\n";
    return kiln::tools::kExitInternalError;
  }
  return kiln::tools::command_exit_code();
}
