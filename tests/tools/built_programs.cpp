// The paths are compiled into this one file: a path in every test's command
// line would make ccache miss in a checkout at another path.
#include "tests/tools/built_programs.h"

namespace kiln::test {

std::string write_fault_library() { return KILN_WRITE_FAULT_LIB; }

std::string fault_pe_binary() {
#ifdef KILN_FAULT_PE_BINARY
  return KILN_FAULT_PE_BINARY;
#else
  return "";
#endif
}

std::string fault_vector_binary() {
#ifdef KILN_FAULT_VECTOR_BINARY
  return KILN_FAULT_VECTOR_BINARY;
#else
  return "";
#endif
}

}  // namespace kiln::test
