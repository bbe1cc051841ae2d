// Programs and libraries the build makes for test_tools only (tests/CMakeLists.txt):
// the preloaded full-disk library and the kiln builds with a broken RTL core.
// KILN_HAVE_FAULT_PE / KILN_HAVE_FAULT_VECTOR say whether the RTL sizes built have them.
#pragma once

#include <string>

namespace kiln::test {

std::string write_fault_library();    // support/write_fault.c
std::string fault_pe_binary();        // kiln_fault_pe, "" without KILN_HAVE_FAULT_PE
std::string fault_vector_binary();    // kiln_fault_vector, "" without KILN_HAVE_FAULT_VECTOR

}  // namespace kiln::test
