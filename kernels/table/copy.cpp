// The MCU kernel table's entry for copy (kernels/table/entry.h).
#include "kernels/table/entry.h"

#include "kernels/copy.h"

namespace kiln::kernels::table {

namespace {

const Registration kCopy([] {
  using P = CopyParams;
  entry<P>({kernel(McuKernel::Copy, "copy",
                   {in8("src", "source bytes"), out8("dst", "destination bytes (may overlap the source)"),
                    extent("bytes", "bytes to copy, at least 1")}),
            {&P::bytes},
            [](const P& p) {
              return std::vector<uint64_t>{uint64_t(p.bytes), uint64_t(p.bytes)};
            },
            [](const P& p) { validate(p); },
            [](const P& p, const McuOperands& o) { copy(p.bytes, o.at(0).in, o.at(1).out); },
            {}});
});

}  // namespace

}  // namespace kiln::kernels::table
