#include "kernels/mcu_dispatch.h"

#include <fmt/format.h>

#include <limits>

#include "arch/error.h"
#include "arch/mcu_op.h"
#include "kernels/add.h"
#include "kernels/avg_pool.h"
#include "kernels/concat2.h"
#include "kernels/conv2d.h"
#include "kernels/copy.h"
#include "kernels/depthwise_conv2d.h"
#include "kernels/fully_connected.h"
#include "kernels/max_pool.h"
#include "kernels/mean.h"
#include "kernels/pad.h"
#include "kernels/requantize_tensor.h"
#include "kernels/softmax.h"

namespace kiln::kernels {

namespace {

// The arguments of one command, looked up by their names in the kernel table.
// Errors are "<kernel>: <arg>: ..."; the entry points prefix "mcu op ".
class Args {
 public:
  Args(const McuKernelSpec& spec, const std::vector<uint32_t>& values) : spec_(spec), values_(values) {}

  const char* kernel() const { return spec_.name; }
  McuKernel id() const { return spec_.id; }

  uint32_t raw(const char* arg) const {
    for (size_t i = 0; i < spec_.args.size(); ++i)
      if (std::string(spec_.args[i]) == arg) return values_[i];
    throw Error(fmt::format("{}: {}: no such argument in the kernel table", spec_.name, arg));
  }
  uint32_t addr(const char* arg) const { return raw(arg); }
  int32_t sint(const char* arg) const { return static_cast<int32_t>(raw(arg)); }
  // A count or extent: a non-negative int (the kernels check its range).
  int uint(const char* arg) const {
    const uint32_t v = raw(arg);
    if (v > uint32_t(std::numeric_limits<int32_t>::max()))
      throw Error(fmt::format("{}: {}: {} is too large", spec_.name, arg, v));
    return static_cast<int>(v);
  }

 private:
  const McuKernelSpec& spec_;
  const std::vector<uint32_t>& values_;
};

Args open(const McuOpCmd& cmd) {
  const McuKernelSpec* spec = find_mcu_kernel(cmd.kernel);
  if (!spec) throw Error(fmt::format("mcu op {}: unknown kernel id", cmd.kernel));
  if (cmd.args.size() != spec->args.size())
    throw Error(fmt::format("mcu op {}: expected {} arguments ({}), got {}", spec->name, spec->args.size(),
                            fmt::join(spec->args, ", "), cmd.args.size()));
  return Args(*spec, cmd.args);
}

// Runs f, turning "<kernel>: <arg>: ..." errors into "mcu op <kernel>: <arg>: ...".
template <typename F>
auto prefixed(F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const Error& e) {
    throw Error(std::string("mcu op ") + e.what());
  }
}

Conv2dParams conv2d_params(const Args& a) {
  Conv2dParams p;
  p.in_h = a.uint("in_h"), p.in_w = a.uint("in_w"), p.in_c = a.uint("in_c");
  p.out_h = a.uint("out_h"), p.out_w = a.uint("out_w"), p.out_c = a.uint("out_c");
  p.kh = a.uint("kh"), p.kw = a.uint("kw");
  p.stride_h = a.uint("stride_h"), p.stride_w = a.uint("stride_w");
  p.dil_h = a.uint("dil_h"), p.dil_w = a.uint("dil_w");
  p.pad_top = a.uint("pad_top"), p.pad_left = a.uint("pad_left");
  p.in_zp = a.sint("in_zp"), p.out_zp = a.sint("out_zp");
  p.act_min = a.sint("act_min"), p.act_max = a.sint("act_max");
  validate(p);
  return p;
}

DepthwiseConv2dParams depthwise_params(const Args& a) {
  DepthwiseConv2dParams p;
  p.in_h = a.uint("in_h"), p.in_w = a.uint("in_w"), p.in_c = a.uint("in_c");
  p.out_h = a.uint("out_h"), p.out_w = a.uint("out_w"), p.depth_mult = a.uint("depth_mult");
  p.kh = a.uint("kh"), p.kw = a.uint("kw");
  p.stride_h = a.uint("stride_h"), p.stride_w = a.uint("stride_w");
  p.dil_h = a.uint("dil_h"), p.dil_w = a.uint("dil_w");
  p.pad_top = a.uint("pad_top"), p.pad_left = a.uint("pad_left");
  p.in_zp = a.sint("in_zp"), p.out_zp = a.sint("out_zp");
  p.act_min = a.sint("act_min"), p.act_max = a.sint("act_max");
  validate(p);
  return p;
}

FullyConnectedParams fc_params(const Args& a) {
  FullyConnectedParams p;
  p.batches = a.uint("batches"), p.in_features = a.uint("in_features"), p.out_features = a.uint("out_features");
  p.in_zp = a.sint("in_zp"), p.out_zp = a.sint("out_zp");
  p.act_min = a.sint("act_min"), p.act_max = a.sint("act_max");
  validate(p);
  return p;
}

AddParams add_params(const Args& a) {
  AddParams p;
  p.count = a.uint("count");
  p.in1_zp = a.sint("in1_zp"), p.in2_zp = a.sint("in2_zp"), p.out_zp = a.sint("out_zp");
  p.left_shift = a.sint("left_shift");
  p.in1_mult = a.sint("in1_mult"), p.in1_shift = a.sint("in1_shift");
  p.in2_mult = a.sint("in2_mult"), p.in2_shift = a.sint("in2_shift");
  p.out_mult = a.sint("out_mult"), p.out_shift = a.sint("out_shift");
  p.act_min = a.sint("act_min"), p.act_max = a.sint("act_max");
  validate(p);
  return p;
}

PoolParams pool_params(const Args& a) {
  PoolParams p;
  p.in_h = a.uint("in_h"), p.in_w = a.uint("in_w"), p.c = a.uint("c");
  p.out_h = a.uint("out_h"), p.out_w = a.uint("out_w");
  p.kh = a.uint("kh"), p.kw = a.uint("kw");
  p.stride_h = a.uint("stride_h"), p.stride_w = a.uint("stride_w");
  p.pad_top = a.uint("pad_top"), p.pad_left = a.uint("pad_left");
  p.act_min = a.sint("act_min"), p.act_max = a.sint("act_max");
  validate(p, a.kernel());
  return p;
}

MeanParams mean_params(const Args& a) {
  MeanParams p;
  p.h = a.uint("h"), p.w = a.uint("w"), p.c = a.uint("c");
  p.in_zp = a.sint("in_zp"), p.out_zp = a.sint("out_zp");
  p.mult = a.sint("mult"), p.shift = a.sint("shift");
  validate(p);
  return p;
}

SoftmaxParams softmax_params(const Args& a) {
  SoftmaxParams p;
  p.rows = a.uint("rows"), p.depth = a.uint("depth");
  p.beta_mult = a.sint("beta_mult"), p.beta_shift = a.sint("beta_shift"), p.diff_min = a.sint("diff_min");
  validate(p);
  return p;
}

PadParams pad_params(const Args& a) {
  PadParams p;
  p.in_h = a.uint("in_h"), p.in_w = a.uint("in_w"), p.c = a.uint("c");
  p.pad_top = a.uint("pad_top"), p.pad_bottom = a.uint("pad_bottom");
  p.pad_left = a.uint("pad_left"), p.pad_right = a.uint("pad_right");
  p.pad_value = a.sint("pad_value");
  validate(p);
  return p;
}

Concat2Params concat2_params(const Args& a) {
  Concat2Params p;
  p.outer = a.uint("outer"), p.in1_inner = a.uint("in1_inner"), p.in2_inner = a.uint("in2_inner");
  validate(p);
  return p;
}

RequantizeParams requantize_params(const Args& a) {
  RequantizeParams p;
  p.count = a.uint("count");
  p.in_zp = a.sint("in_zp"), p.out_zp = a.sint("out_zp");
  p.mult = a.sint("mult"), p.shift = a.sint("shift");
  p.act_min = a.sint("act_min"), p.act_max = a.sint("act_max");
  validate(p);
  return p;
}

int64_t copy_bytes(const Args& a) {
  const int64_t bytes = a.uint("bytes");
  if (bytes == 0) throw Error("copy: bytes: must be at least 1");
  return bytes;
}

// Builds the plan, checking each range stays inside the 32-bit address space.
class PlanBuilder {
 public:
  PlanBuilder(const Args& a, McuOpPlan& plan) : a_(a), plan_(plan) { plan_.kernel = a.kernel(); }
  void read(const char* arg, uint64_t bytes) { add(plan_.reads, arg, bytes); }
  void write(const char* arg, uint64_t bytes) { add(plan_.writes, arg, bytes); }

 private:
  void add(std::vector<AddressRange>& to, const char* arg, uint64_t bytes) {
    if (bytes == 0) return;
    const uint64_t addr = a_.addr(arg);
    if (addr + bytes > (uint64_t(1) << 32))
      throw Error(fmt::format("{}: {}: {} bytes at 0x{:08x} pass the end of the 32-bit address space", a_.kernel(),
                              arg, bytes, addr));
    to.push_back({addr, bytes});
  }
  const Args& a_;
  McuOpPlan& plan_;
};

// Per-channel arrays of a conv / depthwise / fully connected: bias (optional), mult, shift.
void plan_channel_arrays(const Args& a, PlanBuilder& b, uint64_t channels) {
  if (a.addr("bias") != kNoAddress) b.read("bias", 4 * channels);
  b.read("mult", 4 * channels);
  b.read("shift", 4 * channels);
}

McuOpPlan plan(const Args& a) {
  McuOpPlan plan;
  PlanBuilder b(a, plan);
  switch (a.id()) {
    case McuKernel::Copy: {
      const int64_t n = copy_bytes(a);
      b.read("src", n);
      b.write("dst", n);
      plan.output_elements = n;
      break;
    }
    case McuKernel::Add: {
      const AddParams p = add_params(a);
      b.read("in1", p.count);
      b.read("in2", p.count);
      b.write("out", p.count);
      plan.output_elements = p.count;
      break;
    }
    case McuKernel::Conv2d: {
      const Conv2dParams p = conv2d_params(a);
      b.read("in", uint64_t(p.in_h) * p.in_w * p.in_c);
      b.read("weights", uint64_t(p.out_c) * p.kh * p.kw * p.in_c);
      plan_channel_arrays(a, b, p.out_c);
      plan.output_elements = uint64_t(p.out_h) * p.out_w * p.out_c;
      b.write("out", plan.output_elements);
      plan.macs = macs(p);
      break;
    }
    case McuKernel::DepthwiseConv2d: {
      const DepthwiseConv2dParams p = depthwise_params(a);
      b.read("in", uint64_t(p.in_h) * p.in_w * p.in_c);
      b.read("weights", uint64_t(p.kh) * p.kw * p.out_c());
      plan_channel_arrays(a, b, p.out_c());
      plan.output_elements = uint64_t(p.out_h) * p.out_w * p.out_c();
      b.write("out", plan.output_elements);
      plan.macs = macs(p);
      break;
    }
    case McuKernel::FullyConnected: {
      const FullyConnectedParams p = fc_params(a);
      b.read("in", uint64_t(p.batches) * p.in_features);
      b.read("weights", uint64_t(p.out_features) * p.in_features);
      plan_channel_arrays(a, b, p.out_features);
      plan.output_elements = uint64_t(p.batches) * p.out_features;
      b.write("out", plan.output_elements);
      plan.macs = macs(p);
      break;
    }
    case McuKernel::AvgPool:
    case McuKernel::MaxPool: {
      const PoolParams p = pool_params(a);
      b.read("in", uint64_t(p.in_h) * p.in_w * p.c);
      plan.output_elements = uint64_t(p.out_h) * p.out_w * p.c;
      b.write("out", plan.output_elements);
      plan.macs = macs(p);
      break;
    }
    case McuKernel::Mean: {
      const MeanParams p = mean_params(a);
      b.read("in", uint64_t(p.h) * p.w * p.c);
      plan.output_elements = p.c;
      b.write("out", plan.output_elements);
      plan.macs = macs(p);
      break;
    }
    case McuKernel::Softmax: {
      const SoftmaxParams p = softmax_params(a);
      plan.output_elements = uint64_t(p.rows) * p.depth;
      b.read("in", plan.output_elements);
      b.write("out", plan.output_elements);
      break;
    }
    case McuKernel::Pad: {
      const PadParams p = pad_params(a);
      b.read("in", uint64_t(p.in_h) * p.in_w * p.c);
      plan.output_elements = uint64_t(p.out_h()) * p.out_w() * p.c;
      b.write("out", plan.output_elements);
      break;
    }
    case McuKernel::Concat2: {
      const Concat2Params p = concat2_params(a);
      b.read("in1", uint64_t(p.outer) * p.in1_inner);
      b.read("in2", uint64_t(p.outer) * p.in2_inner);
      plan.output_elements = uint64_t(p.outer) * (p.in1_inner + p.in2_inner);
      b.write("out", plan.output_elements);
      break;
    }
    case McuKernel::Requantize: {
      const RequantizeParams p = requantize_params(a);
      b.read("in", p.count);
      b.write("out", p.count);
      plan.output_elements = p.count;
      break;
    }
  }
  return plan;
}

std::vector<int8_t> read_i8(MemoryPort& mem, uint64_t addr, uint64_t n) {
  std::vector<int8_t> v(n);
  if (n) mem.read(addr, v.data(), n);
  return v;
}

std::vector<int32_t> read_i32(MemoryPort& mem, uint64_t addr, uint64_t n) {
  std::vector<uint8_t> bytes(4 * n);
  if (n) mem.read(addr, bytes.data(), bytes.size());
  std::vector<int32_t> v(n);
  for (uint64_t i = 0; i < n; ++i) {
    const uint8_t* b = &bytes[4 * i];
    v[i] = static_cast<int32_t>(uint32_t(b[0]) | uint32_t(b[1]) << 8 | uint32_t(b[2]) << 16 | uint32_t(b[3]) << 24);
  }
  return v;
}

void write_i8(MemoryPort& mem, uint64_t addr, const std::vector<int8_t>& v) {
  if (!v.empty()) mem.write(addr, v.data(), v.size());
}

// bias, mult and shift of a per-channel kernel.
struct ChannelArrays {
  std::vector<int32_t> bias, mult, shift;
  const int32_t* bias_ptr() const { return bias.empty() ? nullptr : bias.data(); }
};

ChannelArrays read_channel_arrays(const Args& a, MemoryPort& mem, uint64_t channels) {
  ChannelArrays c;
  if (a.addr("bias") != kNoAddress) c.bias = read_i32(mem, a.addr("bias"), channels);
  c.mult = read_i32(mem, a.addr("mult"), channels);
  c.shift = read_i32(mem, a.addr("shift"), channels);
  return c;
}

}  // namespace

McuOpPlan plan_mcu_op(const McuOpCmd& cmd) {
  const Args a = open(cmd);
  return prefixed([&] { return plan(a); });
}

void run_mcu_op(const McuOpCmd& cmd, MemoryPort& mem) {
  const Args a = open(cmd);
  const McuOpPlan pl = prefixed([&] { return plan(a); });
  const uint64_t out_n = pl.output_elements;
  switch (a.id()) {
    case McuKernel::Copy: {
      const std::vector<int8_t> data = read_i8(mem, a.addr("src"), out_n);
      write_i8(mem, a.addr("dst"), data);
      break;
    }
    case McuKernel::Add: {
      const AddParams p = add_params(a);
      const auto in1 = read_i8(mem, a.addr("in1"), p.count), in2 = read_i8(mem, a.addr("in2"), p.count);
      std::vector<int8_t> out(out_n);
      prefixed([&] { add(p, in1.data(), in2.data(), out.data()); });
      write_i8(mem, a.addr("out"), out);
      break;
    }
    case McuKernel::Conv2d: {
      const Conv2dParams p = conv2d_params(a);
      const auto in = read_i8(mem, a.addr("in"), uint64_t(p.in_h) * p.in_w * p.in_c);
      const auto w = read_i8(mem, a.addr("weights"), uint64_t(p.out_c) * p.kh * p.kw * p.in_c);
      const ChannelArrays ch = read_channel_arrays(a, mem, p.out_c);
      std::vector<int8_t> out(out_n);
      prefixed([&] { conv2d(p, in.data(), w.data(), ch.bias_ptr(), ch.mult.data(), ch.shift.data(), out.data()); });
      write_i8(mem, a.addr("out"), out);
      break;
    }
    case McuKernel::DepthwiseConv2d: {
      const DepthwiseConv2dParams p = depthwise_params(a);
      const auto in = read_i8(mem, a.addr("in"), uint64_t(p.in_h) * p.in_w * p.in_c);
      const auto w = read_i8(mem, a.addr("weights"), uint64_t(p.kh) * p.kw * p.out_c());
      const ChannelArrays ch = read_channel_arrays(a, mem, p.out_c());
      std::vector<int8_t> out(out_n);
      prefixed([&] {
        depthwise_conv2d(p, in.data(), w.data(), ch.bias_ptr(), ch.mult.data(), ch.shift.data(), out.data());
      });
      write_i8(mem, a.addr("out"), out);
      break;
    }
    case McuKernel::FullyConnected: {
      const FullyConnectedParams p = fc_params(a);
      const auto in = read_i8(mem, a.addr("in"), uint64_t(p.batches) * p.in_features);
      const auto w = read_i8(mem, a.addr("weights"), uint64_t(p.out_features) * p.in_features);
      const ChannelArrays ch = read_channel_arrays(a, mem, p.out_features);
      std::vector<int8_t> out(out_n);
      prefixed([&] {
        fully_connected(p, in.data(), w.data(), ch.bias_ptr(), ch.mult.data(), ch.shift.data(), out.data());
      });
      write_i8(mem, a.addr("out"), out);
      break;
    }
    case McuKernel::AvgPool:
    case McuKernel::MaxPool: {
      const PoolParams p = pool_params(a);
      const auto in = read_i8(mem, a.addr("in"), uint64_t(p.in_h) * p.in_w * p.c);
      std::vector<int8_t> out(out_n);
      if (a.id() == McuKernel::AvgPool)
        avg_pool(p, in.data(), out.data());
      else
        max_pool(p, in.data(), out.data());
      write_i8(mem, a.addr("out"), out);
      break;
    }
    case McuKernel::Mean: {
      const MeanParams p = mean_params(a);
      const auto in = read_i8(mem, a.addr("in"), uint64_t(p.h) * p.w * p.c);
      std::vector<int8_t> out(out_n);
      mean(p, in.data(), out.data());
      write_i8(mem, a.addr("out"), out);
      break;
    }
    case McuKernel::Softmax: {
      const SoftmaxParams p = softmax_params(a);
      const auto in = read_i8(mem, a.addr("in"), out_n);
      std::vector<int8_t> out(out_n);
      softmax(p, in.data(), out.data());
      write_i8(mem, a.addr("out"), out);
      break;
    }
    case McuKernel::Pad: {
      const PadParams p = pad_params(a);
      const auto in = read_i8(mem, a.addr("in"), uint64_t(p.in_h) * p.in_w * p.c);
      std::vector<int8_t> out(out_n);
      pad(p, in.data(), out.data());
      write_i8(mem, a.addr("out"), out);
      break;
    }
    case McuKernel::Concat2: {
      const Concat2Params p = concat2_params(a);
      const auto in1 = read_i8(mem, a.addr("in1"), uint64_t(p.outer) * p.in1_inner);
      const auto in2 = read_i8(mem, a.addr("in2"), uint64_t(p.outer) * p.in2_inner);
      std::vector<int8_t> out(out_n);
      concat2(p, in1.data(), in2.data(), out.data());
      write_i8(mem, a.addr("out"), out);
      break;
    }
    case McuKernel::Requantize: {
      const RequantizeParams p = requantize_params(a);
      const auto in = read_i8(mem, a.addr("in"), p.count);
      std::vector<int8_t> out(out_n);
      requantize(p, in.data(), out.data());
      write_i8(mem, a.addr("out"), out);
      break;
    }
  }
}

}  // namespace kiln::kernels
