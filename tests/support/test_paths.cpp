// The source tree's path, compiled into this one file: a path in every test's
// command line would make ccache miss in a checkout at another path.
#include "tests/support/test_paths.h"

namespace kiln::test {

std::string source_dir() { return KILN_SOURCE_DIR; }

}  // namespace kiln::test
