// The MCU kernel table: one entry per kernel (a file in kernels/table/),
// holding its spec (id, name, and each argument's name, type and meaning in
// encoding order: the contract of arch/mcu_op.h, registered in its catalogue
// when the program starts) and
// its binding to a kernels/ function: which parameter each non-operand
// argument sets, how many elements each operand has, the call, and for a
// kernel that runs an operator of its own, how its parameters follow from
// the operator. From that follow the argument encoding (codegen), the
// decoding and validation (the simulated MCU), the reference interpreter's
// call, the compiler's lowering of the operator and the cost terms (MACs and
// output elements, priced by the SoC's mcu.costs). No memory and no timing
// here: the simulated MCU (sim/mcu_dispatch.h) moves the operands.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "arch/error.h"
#include "arch/mcu_op.h"
#include "kernels/conv2d.h"
#include "kernels/mcu_op_view.h"

namespace kiln::kernels {

// The kernels the compiler names in code (its lowering of a typed op,
// codegen's conv2d variants). A kernel that runs an operator of its own is
// found by name and needs no name here; its id is in its table entry.
enum class McuKernel : uint16_t {
  Copy = 1,
  Add = 2,
  Conv2d = 3,
  DepthwiseConv2d = 4,
  FullyConnected = 5,
  AvgPool = 6,
  MaxPool = 7,
  Mean = 8,
  Softmax = 9,
  Pad = 10,
  Concat2 = 11,
  Requantize = 12,
  // conv2d on the shapes optimized libraries run on their own code paths:
  // the same arguments and arithmetic as conv2d, priced apart (an SoC's cost
  // table without an entry prices them as conv2d; conv2d_kernel picks them).
  Conv2d1x1 = 13,      // pointwise: 1x1 kernel, stride 1, no padding, in_c >= 4
  Conv2dShallow = 14,  // fewer than 4 input channels (an image's RGB, a spectrogram)
  Quantize = 15,       // float32 -> int8 at a float graph input
  Dequantize = 16,     // int8 -> float32 at a float graph output
  Maximum = 17,        // element-wise max of two int8 tensors (TFLite MAXIMUM)
  Minimum = 18,        // element-wise min of two int8 tensors (TFLite MINIMUM)
  Lut = 25,            // a unary int8 function as a 256-entry table (kernels/lut.h)
  Sub = 26,            // element-wise int8 subtraction, rescaled as add (TFLite SUB)
  Mul = 27,            // element-wise int8 multiplication (TFLite MUL)
};

// One operand of a call, in the order of the kernel's operand arguments:
// `in` for a Read operand (nullptr when an optional one is absent), `out` for a Write one.
struct McuOperand {
  const void* in = nullptr;
  void* out = nullptr;
};
using McuOperands = std::vector<McuOperand>;

// Typed views of an operand (the element type is the argument's, in the kernel's spec).
inline const int8_t* in_i8(const McuOperands& o, size_t k) { return static_cast<const int8_t*>(o.at(k).in); }
inline const int32_t* in_i32(const McuOperands& o, size_t k) { return static_cast<const int32_t*>(o.at(k).in); }
inline int8_t* out_i8(const McuOperands& o, size_t k) { return static_cast<int8_t*>(o.at(k).out); }
inline int32_t* out_i32(const McuOperands& o, size_t k) { return static_cast<int32_t*>(o.at(k).out); }

// A command decoded and validated, for the simulated MCU: what it touches,
// what it costs, and how to run it on operands it has read.
struct McuKernelCall {
  struct OperandUse {
    const McuArg* arg;   // the operand argument (of the kernel's spec)
    uint32_t address;
    uint64_t bytes;      // 0 when absent
  };
  const McuKernelSpec* spec = nullptr;
  std::vector<OperandUse> operands;  // in argument order
  uint64_t macs = 0;                 // multiply-accumulates (pooling, mean: elements visited)
  uint64_t output_elements = 0;      // elements of the Write operands
  std::vector<uint32_t> encoded;     // the arguments encoded again from the decoded parameters
  std::function<void(const McuOperands&)> run;
};

// A kernel with its parameters, whatever their type: what the compiler's
// lowering hands the reference interpreter (invoke), codegen (encode) and the
// partition's cost (macs, output_elements).
class McuInvocation {
 public:
  virtual ~McuInvocation() = default;
  virtual const McuKernelSpec& spec() const = 0;
  // Throws kiln::Error "<kernel>: <param>: <what>".
  virtual void validate() const = 0;
  virtual uint64_t macs() const = 0;
  virtual uint64_t output_elements() const = 0;
  // The command's arguments, with `addresses` one per operand argument in order.
  virtual std::vector<uint32_t> encode(const std::vector<uint32_t>& addresses) const = 0;
  virtual void invoke(const McuOperands& operands) const = 0;
};

// The binding of one kernel, whatever its parameter type.
class McuKernelBinding {
 public:
  // Registers `spec` in the catalogue (arch/mcu_op.h); throws kiln::Error
  // "internal: ..." unless `fields` parameters bind its non-operand arguments.
  McuKernelBinding(McuKernelSpec spec, size_t fields);
  virtual ~McuKernelBinding() = default;
  const McuKernelSpec& spec() const { return *spec_; }
  // Decodes `args` (exactly spec().args.size() of them) and validates the
  // parameters. Throws kiln::Error "<kernel>: <arg>: <what>".
  virtual McuKernelCall decode(const std::vector<uint32_t>& args) const = 0;
  // Parameters bound to non-operand arguments (the table test compares it with the spec).
  virtual size_t bound_fields() const = 0;
  // True when the kernel runs an operator of its own (ir::OpKind::Kernel),
  // its parameters derived from the operator's view by from_op.
  virtual bool runs_operator() const = 0;
  // The kernel's parameters for `op` (operands: its inputs, then its
  // outputs, in the order of the operand arguments). Throws kiln::Error
  // "<kernel>: <what>" when the operator does not fit the kernel.
  virtual std::unique_ptr<McuInvocation> from_op(const McuOpView& op) const = 0;
  // The operators, as model formats write them, that a front end reads into
  // an op of this kernel without code of its own (empty: none).
  virtual const std::vector<McuOperatorForm>& operator_forms() const = 0;

 private:
  const McuKernelSpec* spec_;
};

// The binding of a kernel whose parameters are a P (e.g. Conv2dParams).
template <class P>
class McuKernelDef final : public McuKernelBinding {
 public:
  // A parameter set by a non-operand argument: an integer member of P.
  class Field {
   public:
    template <class T>
    Field(T P::*member)  // implicit, for brace lists of members
        : get_([member](const P& p) { return int64_t(p.*member); }),
          set_([member](P& p, int64_t v) { p.*member = T(v); }) {
      static_assert(std::is_integral_v<T>, "an MCU argument sets an integer parameter");
    }
    int64_t get(const P& p) const { return get_(p); }
    void set(P& p, int64_t v) const { set_(p, v); }

   private:
    std::function<int64_t(const P&)> get_;
    std::function<void(P&, int64_t)> set_;
  };

  struct Binding {
    McuKernelSpec spec;
    std::vector<Field> fields;  // one per non-operand argument, in argument order
    std::function<std::vector<uint64_t>(const P&)> elements;  // one per operand argument, in order
    std::function<void(const P&)> validate;                    // throws "<kernel>: <param>: ..."
    std::function<void(const P&, const McuOperands&)> invoke;
    std::function<uint64_t(const P&)> macs;  // empty: none
    // For a kernel that runs an operator of its own (ir::OpKind::Kernel): its
    // parameters from the operator's tensors and attributes, checked. Empty:
    // the compiler's lowering builds P for a typed op (compiler/lowering).
    std::function<P(const McuOpView&)> from_op = {};
    // The operators a front end reads into an op of this kernel as they are
    // (McuOperatorForm); needs from_op.
    std::vector<McuOperatorForm> operators = {};
  };

  explicit McuKernelDef(Binding b) : McuKernelBinding(b.spec, b.fields.size()), b_(std::move(b)) {
    if (!b_.operators.empty() && !b_.from_op)
      throw Error(fmt::format("internal: MCU kernel {} reads operators but has no from_op", spec().name));
  }

  void validate(const P& p) const { b_.validate(p); }
  void invoke(const P& p, const McuOperands& operands) const { b_.invoke(p, operands); }
  uint64_t macs(const P& p) const { return b_.macs ? b_.macs(p) : 0; }
  // Elements of every operand, in argument order.
  std::vector<uint64_t> operand_elements(const P& p) const { return b_.elements(p); }
  // Elements written: the cost table's per_element count.
  uint64_t output_elements(const P& p) const;

  // The command's arguments: operand addresses (one per operand argument, in
  // order) and the parameters, in argument order.
  std::vector<uint32_t> encode(const P& p, const std::vector<uint32_t>& addresses) const;
  // The parameters of `args` (not validated); throws "<kernel>: <arg>: <v> is too large".
  P decode_params(const std::vector<uint32_t>& args) const;

  McuKernelCall decode(const std::vector<uint32_t>& args) const override;
  size_t bound_fields() const override { return b_.fields.size(); }
  bool runs_operator() const override { return bool(b_.from_op); }
  std::unique_ptr<McuInvocation> from_op(const McuOpView& op) const override;
  const std::vector<McuOperatorForm>& operator_forms() const override { return b_.operators; }
  // This kernel with parameters p.
  std::unique_ptr<McuInvocation> bind(P p) const;

 private:
  Binding b_;
};

// Every kernel's binding, in id order.
const std::vector<std::unique_ptr<McuKernelBinding>>& mcu_kernel_table();
// Adds an entry's binding to the table (kernels/table/: each entry file
// registers its kernels when the program starts) and returns it.
const McuKernelBinding& register_mcu_binding(std::unique_ptr<McuKernelBinding> binding);
// The kernel that runs the operator `format` names `op` as it is, and the
// form it is read in; {nullptr, nullptr} when none does.
std::pair<const McuKernelBinding*, const McuOperatorForm*> find_operator_kernel(const std::string& format,
                                                                                const std::string& op);
const McuKernelBinding* find_mcu_binding(uint16_t id);
const McuKernelBinding* find_mcu_binding(const std::string& name);

// The kernel of the conv2d family that runs p: conv2d_shallow
// for fewer than 4 input channels, conv2d_1x1 for a 1x1 kernel at stride 1
// without padding, conv2d otherwise. One arithmetic, three cost entries.
McuKernel conv2d_kernel(const Conv2dParams& p);

// The typed binding of kernel `id`; P must be its parameter type.
template <class P>
const McuKernelDef<P>& mcu_kernel(McuKernel id);

// ---- implementation of the templates

// An argument's value as its parameter: an Extent below 2^31, an Int as two's
// complement. Throws "<kernel>: <arg>: <v> is too large".
int64_t decode_mcu_value(const McuKernelSpec& spec, const McuArg& arg, uint32_t value);

template <class P>
uint64_t McuKernelDef<P>::output_elements(const P& p) const {
  const std::vector<uint64_t> n = b_.elements(p);
  uint64_t sum = 0;
  size_t k = 0;
  for (const McuArg& a : spec().args) {
    if (!a.is_operand()) continue;
    if (a.type == McuArgType::Write) sum += n.at(k);
    ++k;
  }
  return sum;
}

template <class P>
std::vector<uint32_t> McuKernelDef<P>::encode(const P& p, const std::vector<uint32_t>& addresses) const {
  std::vector<uint32_t> args;
  size_t operand = 0, field = 0;
  for (const McuArg& a : spec().args) {
    if (a.is_operand())
      args.push_back(addresses.at(operand++));
    else  // two's complement for negative values
      args.push_back(uint32_t(b_.fields.at(field++).get(p)));
  }
  return args;
}

template <class P>
P McuKernelDef<P>::decode_params(const std::vector<uint32_t>& args) const {
  P p;
  size_t field = 0;
  for (size_t i = 0; i < spec().args.size(); ++i) {
    const McuArg& a = spec().args[i];
    if (a.is_operand()) continue;
    b_.fields.at(field++).set(p, decode_mcu_value(spec(), a, args.at(i)));
  }
  return p;
}

template <class P>
McuKernelCall McuKernelDef<P>::decode(const std::vector<uint32_t>& args) const {
  const P p = decode_params(args);
  b_.validate(p);
  McuKernelCall c;
  c.spec = &spec();
  const std::vector<uint64_t> n = b_.elements(p);
  std::vector<uint32_t> addresses;
  for (size_t i = 0, k = 0; i < spec().args.size(); ++i) {
    const McuArg& a = spec().args[i];
    if (!a.is_operand()) continue;
    const bool absent = a.optional && args[i] == kMcuNoAddress;
    c.operands.push_back({&a, args[i], absent ? 0 : n.at(k) * mcu_element_bytes(a.element)});
    addresses.push_back(args[i]);
    ++k;
  }
  c.macs = macs(p);
  c.output_elements = output_elements(p);
  c.encoded = encode(p, addresses);
  c.run = [this, p](const McuOperands& operands) { b_.invoke(p, operands); };
  return c;
}

// A kernel's binding with one parameter set.
template <class P>
class BoundMcuKernel final : public McuInvocation {
 public:
  BoundMcuKernel(const McuKernelDef<P>& def, P p) : def_(def), p_(std::move(p)) {}
  const McuKernelSpec& spec() const override { return def_.spec(); }
  void validate() const override { def_.validate(p_); }
  uint64_t macs() const override { return def_.macs(p_); }
  uint64_t output_elements() const override { return def_.output_elements(p_); }
  std::vector<uint32_t> encode(const std::vector<uint32_t>& addresses) const override {
    return def_.encode(p_, addresses);
  }
  void invoke(const McuOperands& operands) const override { def_.invoke(p_, operands); }
  const P& params() const { return p_; }

 private:
  const McuKernelDef<P>& def_;
  P p_;
};

template <class P>
std::unique_ptr<McuInvocation> McuKernelDef<P>::bind(P p) const {
  return std::make_unique<BoundMcuKernel<P>>(*this, std::move(p));
}

template <class P>
std::unique_ptr<McuInvocation> McuKernelDef<P>::from_op(const McuOpView& op) const {
  if (!b_.from_op) throw Error(fmt::format("internal: MCU kernel {} runs no operator of its own", spec().name));
  return bind(b_.from_op(op));
}

template <class P>
const McuKernelDef<P>& mcu_kernel(McuKernel id) {
  const auto* def = dynamic_cast<const McuKernelDef<P>*>(find_mcu_binding(uint16_t(id)));
  if (!def) throw Error("internal: MCU kernel " + std::to_string(unsigned(id)) + " has no binding of this parameter type");
  return *def;
}

}  // namespace kiln::kernels
