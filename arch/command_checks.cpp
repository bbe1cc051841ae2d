// command_problem: what is wrong with one command on its own, without an SoC.
// Generic over the command table: the body must be the opcode's struct, the
// deps must suit its queue, and each field must pass the checks its
// description names; then the command's own cross-field check, if any.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <vector>

#include "arch/command_codec.h"
#include "arch/mcu_op.h"

namespace kiln {
namespace {

std::string show(FieldValue v) {
  if (v < 0) return "-" + std::to_string(uint64_t(-v));
  return std::to_string(uint64_t(v));
}

std::string deps_problem(const Command& c, const CommandSpec& spec) {
  const Deps& d = c.deps;
  const char* op = spec.mnemonic;
  switch (spec.queue) {
    case Queue::Load:
      if (d.wait_prev || d.signal_prev)
        return fmt::format("{}: {} not allowed: the load queue has no previous queue (only wait_next, signal_next)",
                           op, d.wait_prev ? "wait_prev" : "signal_prev");
      break;
    case Queue::Store:
      if (d.wait_next || d.signal_next)
        return fmt::format("{}: {} not allowed: the store queue has no next queue (only wait_prev, signal_prev)", op,
                           d.wait_next ? "wait_next" : "signal_next");
      break;
    case Queue::Compute: break;
    case Queue::Mcu:
      if (d.wait_prev || d.wait_next || d.signal_prev || d.signal_next)
        return fmt::format("{}: dependency tokens not allowed: {} runs in program order, outside the NPU queues", op,
                           op);
      break;
  }
  return "";
}

// Whether v is representable in `bits` bits (two's complement if is_signed).
bool fits(FieldValue v, uint8_t bits, bool is_signed) {
  if (bits == 0 || bits >= 64) return true;  // 64-bit members hold whatever they hold
  const FieldValue span = FieldValue(1) << bits;
  return is_signed ? (v >= -span / 2 && v < span / 2) : (v >= 0 && v < span);
}

std::string field_problem(const FieldSpec& f, const void* body) {
  if (!f.get) return "";
  const FieldValue v = f.get(body);
  if (f.choices && (v < 0 || v >= f.choices->count)) {
    std::string expected;
    for (uint8_t i = 0; i < f.choices->count; ++i)
      expected += fmt::format("{}{} {}", i ? ", " : "", i, f.choices->names[i]);
    return fmt::format("{} id {} (expected {})", f.choices->what, show(v), expected);
  }
  if ((f.kind == FieldKind::Number || f.kind == FieldKind::Address) && !fits(v, f.loc.bits, f.is_signed))
    return fmt::format("{}={} does not fit its {} bits", f.name, show(v), f.loc.bits);
  if (f.has_range && (v < f.lo || v > f.hi))
    return fmt::format("{}={} outside {} {}..{}", f.name, show(v), f.range_what, show(f.lo), show(f.hi));
  if (f.align && v % f.align)
    return fmt::format("{}=0x{:x} is not {}-byte aligned ({})", f.name, uint64_t(v), f.align, f.align_why);
  if (f.nonzero && v == 0) return fmt::format("{} is 0, expected at least 1", f.name);
  return "";
}

}  // namespace

std::string command_problem(const Command& c) {
  const CommandSpec* spec = find_command(uint8_t(c.op));
  if (!spec) return fmt::format("unknown opcode 0x{:02x}", uint8_t(c.op));
  if (c.body.index() != spec->body) return fmt::format("{}: command body does not match its opcode", spec->mnemonic);
  if (auto p = deps_problem(c, *spec); !p.empty()) return p;
  const void* body = std::visit([](const auto& b) -> const void* { return &b; }, c.body);
  for (const FieldSpec& f : spec->fields)
    if (auto p = field_problem(f, body); !p.empty()) return fmt::format("{}: {}", spec->mnemonic, p);
  return spec->problem ? spec->problem(c) : "";
}

// ---- The checks of single commands that span fields.

std::string conv_problem(const Command& c) {
  const auto& v = std::get<ConvCmd>(c.body);
  if (v.in_pixel_stride && v.in_pixel_stride < v.in_c)
    return fmt::format("conv: in_stride={} is less than in_c={}: input pixels overlap", v.in_pixel_stride, v.in_c);
  if (v.depthwise && v.in_c != v.n)
    return fmt::format("conv: depthwise with in_c={} and n={} (expected equal: channel j reads channel j)", v.in_c,
                       v.n);
  return "";
}

std::string ppu_problem(const Command& c) {
  const auto& p = std::get<PostProcessCmd>(c.body);
  if (p.act_min > p.act_max) return fmt::format("ppu: min={} is greater than max={}", p.act_min, p.act_max);
  return "";
}

std::string vadd_problem(const Command& c) {
  const auto& v = std::get<VectorAddCmd>(c.body);
  if (v.act_min > v.act_max) return fmt::format("vadd: min={} is greater than max={}", v.act_min, v.act_max);
  return "";
}

namespace {
// A window axis as kernels/pool_params.cpp and kernels/check.cpp check it:
// the first window (its dilated extent) is not all padding and the last
// starts inside the tile.
std::string pool_axis_problem(const char* mnemonic, const char* axis, unsigned in, unsigned out, unsigned k,
                              unsigned stride, unsigned pad, unsigned dilation = 1) {
  const unsigned extent = (k - 1) * dilation + 1;
  if (pad >= extent)
    return fmt::format("{}: pad along {} is {}: the first {}-wide window lies entirely in the padding", mnemonic, axis,
                       pad, extent);
  const int64_t last = int64_t(out - 1) * stride - pad;
  if (last >= int64_t(in))
    return fmt::format("{}: the last window along {} starts at {}, outside the tile of {}", mnemonic, axis, last, in);
  return "";
}
}  // namespace

std::string vpool_problem(const Command& c) {
  const auto& v = std::get<VectorPoolCmd>(c.body);
  const char* m = command_spec(c.op).mnemonic;
  if (v.act_min > v.act_max) return fmt::format("{}: min={} is greater than max={}", m, v.act_min, v.act_max);
  if (auto q = pool_axis_problem(m, "h", v.in_h, v.out_h, v.kh, v.stride_h, v.pad_top); !q.empty()) return q;
  return pool_axis_problem(m, "w", v.in_w, v.out_w, v.kw, v.stride_w, v.pad_left);
}

std::string vdwconv_problem(const Command& c) {
  const auto& v = std::get<VectorDepthwiseCmd>(c.body);
  if (v.act_min > v.act_max) return fmt::format("vdwconv: min={} is greater than max={}", v.act_min, v.act_max);
  if (v.params.offset % 4)
    return fmt::format("vdwconv: params=0x{:x} is not 4-byte aligned (int32 records)", v.params.offset);
  if (unsigned(v.kh) * v.kw > kVectorDepthwiseMaxTaps)
    return fmt::format("vdwconv: kh*kw={} exceeds the {} taps a lane holds", unsigned(v.kh) * v.kw,
                       kVectorDepthwiseMaxTaps);
  if (auto q = pool_axis_problem("vdwconv", "h", v.in_h, v.out_h, v.kh, v.stride_h, v.pad_top, v.dil_h); !q.empty())
    return q;
  return pool_axis_problem("vdwconv", "w", v.in_w, v.out_w, v.kw, v.stride_w, v.pad_left, v.dil_w);
}

std::string vsub_problem(const Command& c) {
  const auto& v = std::get<VectorAddCmd>(c.body);
  if (v.act_min > v.act_max) return fmt::format("vsub: min={} is greater than max={}", v.act_min, v.act_max);
  return "";
}

std::string vmul_problem(const Command& c) {
  const auto& v = std::get<VectorMulCmd>(c.body);
  if (v.act_min > v.act_max) return fmt::format("vmul: min={} is greater than max={}", v.act_min, v.act_max);
  if (v.b_count == 0 || v.count % v.b_count != 0)
    return fmt::format("vmul: b_count={} does not divide count={} (b repeats whole)", v.b_count, v.count);
  return "";
}

std::string vrequant_problem(const Command& c) {
  const auto& v = std::get<VectorRequantizeCmd>(c.body);
  if (v.act_min > v.act_max) return fmt::format("vrequant: min={} is greater than max={}", v.act_min, v.act_max);
  return "";
}

std::string vmean_problem(const Command& c) {
  const auto& v = std::get<VectorMeanCmd>(c.body);
  // kernels/mean.h's bound: 255 * h*w stays inside int32.
  if (uint64_t(v.h) * v.w > (uint64_t(1) << 23))
    return fmt::format("vmean: h*w={} exceeds 2^23, the int32 sum could overflow", uint64_t(v.h) * v.w);
  return "";
}

std::string mcu_problem(const Command& c) {
  const auto& m = std::get<McuOpCmd>(c.body);
  const McuKernelSpec* spec = find_mcu_kernel(m.kernel);
  if (!spec) {
    std::vector<uint16_t> ids;
    for (const McuKernelSpec& k : mcu_kernels()) ids.push_back(k.id);
    std::sort(ids.begin(), ids.end());
    return fmt::format("mcu: unknown kernel id {} (known ids: {})", m.kernel, fmt::join(ids, ", "));
  }
  if (m.args.size() != spec->args.size())
    return fmt::format("mcu {}: {} arguments, expected {}", spec->name, m.args.size(), spec->args.size());
  return "";
}

}  // namespace kiln
