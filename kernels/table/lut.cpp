// The MCU kernel table's entry for lut (kernels/table/entry.h).
#include "kernels/table/entry.h"

#include "kernels/lut.h"

namespace kiln::kernels::table {

namespace {

const Registration kLut([] {
  using P = LutParams;
  entry<P>({kernel(McuKernel::Lut, "lut",
                   {in8("in", "int8 input tensor"),
                    in8("table", "256 int8 outputs, entry uint8(x) for input x (the compiler's constant data)"),
                    out8("out", "int8 output tensor"), extent("count", "elements")},
                   "requantize"),
            {&P::count},
            [](const P& p) {
              return std::vector<uint64_t>{uint64_t(p.count), uint64_t(kLutEntries), uint64_t(p.count)};
            },
            [](const P& p) { validate(p); },
            [](const P& p, const McuOperands& o) { lut(p, in_i8(o, 0), in_i8(o, 1), out_i8(o, 2)); },
            {}});
});

}  // namespace

}  // namespace kiln::kernels::table
