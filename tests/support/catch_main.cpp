// Catch2 runner shared by every test executable. Debian's libsystemc.so
// defines main() and calls sc_main(); our own main() takes precedence, and the
// weak sc_main below satisfies the library's reference. Tests that simulate
// call sc_start() themselves (one elaboration per process: ctest runs each
// test case in its own process).
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <cstdlib>

extern "C" __attribute__((weak)) int sc_main(int, char**) { return 0; }

int main(int argc, char* argv[]) {
  // Tests that run the tool find it here (KILN_BIN overrides), built beside them.
  setenv("KILN_BIN", KILN_BINARY_PATH, 0);
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
  return Catch::Session().run(argc, argv);
}
