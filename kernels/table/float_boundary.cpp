// The MCU kernel table's entry for float_boundary (kernels/table/entry.h).
#include "kernels/table/entry.h"

#include "kernels/float_boundary.h"

namespace kiln::kernels::table {

namespace {

const Registration kQuantize([] {
  using P = QuantizeParams;
  entry<P>(
      {kernel(McuKernel::Quantize, "quantize",
              {in_f32("in", "float32 input tensor"), out8("out", "int8 output tensor"), extent("count", "elements"),
               out_zp(), sint("scale_bits", "output scale as IEEE-754 binary32 bits"),
               extent("rounding", "0: half away from zero (TFLite QUANTIZE), 1: half to even (ONNX QuantizeLinear)")},
              "requantize"),
       {&P::count, &P::out_zp, &P::scale_bits, &P::rounding},
       [](const P& p) { return std::vector<uint64_t>(2, uint64_t(p.count)); },
       [](const P& p) { validate(p); },
       [](const P& p, const McuOperands& o) { quantize(p, static_cast<const uint8_t*>(o.at(0).in), out_i8(o, 1)); },
       {}});
});

const Registration kDequantize([] {
  using P = DequantizeParams;
  entry<P>(
      {kernel(McuKernel::Dequantize, "dequantize",
              {in8("in", "int8 input tensor"), out_f32("out", "float32 output tensor"), extent("count", "elements"),
               in_zp(), sint("scale_bits", "input scale as IEEE-754 binary32 bits")},
              "requantize"),
       {&P::count, &P::in_zp, &P::scale_bits},
       [](const P& p) { return std::vector<uint64_t>(2, uint64_t(p.count)); },
       [](const P& p) { validate(p); },
       [](const P& p, const McuOperands& o) { dequantize(p, in_i8(o, 0), static_cast<uint8_t*>(o.at(1).out)); },
       {}});
});

}  // namespace

}  // namespace kiln::kernels::table
