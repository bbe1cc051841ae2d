// The MCU kernel table's entry for float_unary (kernels/table/entry.h).
#include "kernels/table/entry.h"

#include "kernels/float_boundary.h"
#include "kernels/float_unary.h"

namespace kiln::kernels::table {

namespace {

// A function of one float32 tensor: attribute function (FloatUnaryFunction),
// real attributes a and b where the function takes them (absent: 0).
FloatUnaryParams float_unary_from_op(const McuOpView& op) {
  op.expect_tensors(1, 1);
  expect_float32("float_unary", op);
  if (op.inputs[0].shape != op.outputs[0].shape)
    check::fail("float_unary", "output",
                fmt::format("shape {} is not the input's {}", dims_string(op.outputs[0].shape),
                            dims_string(op.inputs[0].shape)));
  op.attr("function");
  const int64_t function = op.attr_or("function", 0);
  check::range("float_unary", "function", function, kFloatClamp, kFloatSqrt);
  const auto real = [&](const char* name) {
    const auto it = op.real_attrs.find(name);
    return it == op.real_attrs.end() ? 0 : float_bits(float(it->second));
  };
  FloatUnaryParams p;
  p.count = op.outputs[0].elements();
  p.function = int32_t(function);
  p.a_bits = real("a");
  p.b_bits = real("b");
  validate(p);
  return p;
}

const Registration kFloatUnary([] {
  using P = FloatUnaryParams;
  // Priced as requantize where a cost table has no entry of its own.
  entry<P>({kernel(49, "float_unary",
                   {in_f32("in", "float32 input"), out_f32("out", "float32 output"), extent("count", "elements"),
                    extent("function",
                           "0 clamp, 1 leaky_relu, 2 hard_sigmoid, 3 hard_swish, 4 logistic, 5 tanh, 6 elu, 7 exp, "
                           "8 sqrt"),
                    sint("a_bits", "binary32 bits of the first parameter (clamp: lower bound; leaky_relu, elu, "
                                   "hard_sigmoid: alpha; else 0)"),
                    sint("b_bits", "binary32 bits of the second parameter (clamp: upper bound; hard_sigmoid: beta; "
                                   "else 0)")},
                   "requantize"),
            {&P::count, &P::function, &P::a_bits, &P::b_bits},
            [](const P& p) { return std::vector<uint64_t>(2, uint64_t(p.count)); },
            [](const P& p) { validate(p); },
            [](const P& p, const McuOperands& o) {
              float_unary(p, static_cast<const uint8_t*>(o.at(0).in), static_cast<uint8_t*>(o.at(1).out));
            },
            [](const P& p) { return library_calls(p); },
            float_unary_from_op});
});

}  // namespace

}  // namespace kiln::kernels::table
