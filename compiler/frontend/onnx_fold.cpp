#include "compiler/frontend/onnx_fold.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "arch/error.h"

// Written here rather than taken from a library: onnx's own constant folding
// is Python (onnx.reference), and onnxruntime's is not a Debian library. The
// operators are the few that shape arithmetic uses, on small tensors.

namespace kiln::onnx_frontend {

namespace {

using Proto = onnx::TensorProto;

const onnx::AttributeProto* find_attr(const onnx::NodeProto& n, const char* name) {
  for (const onnx::AttributeProto& a : n.attribute())
    if (a.name() == name) return &a;
  return nullptr;
}
int64_t attr_int(const onnx::NodeProto& n, const char* name, int64_t fallback) {
  const onnx::AttributeProto* a = find_attr(n, name);
  return a ? a->i() : fallback;
}
std::vector<int64_t> attr_ints(const onnx::NodeProto& n, const char* name) {
  const onnx::AttributeProto* a = find_attr(n, name);
  return a ? std::vector<int64_t>(a->ints().begin(), a->ints().end()) : std::vector<int64_t>{};
}

int64_t count(const std::vector<int64_t>& dims) {
  int64_t c = 1;
  for (int64_t d : dims) {
    if (d < 0 || (d > 0 && c > (int64_t(1) << 24) / d)) throw Error("a folded tensor above 2^24 elements");
    c *= d;
  }
  return c;
}

// Row-major strides of `dims`.
std::vector<int64_t> strides(const std::vector<int64_t>& dims) {
  std::vector<int64_t> s(dims.size(), 1);
  for (size_t k = dims.size(); k-- > 1;) s[k - 1] = s[k] * dims[k];
  return s;
}

const ConstTensor& need(const std::vector<const ConstTensor*>& in, size_t k, const char* role) {
  if (k >= in.size() || !in[k]) throw Error(fmt::format("{} (input {}) is missing", role, k));
  return *in[k];
}

std::vector<int64_t> ints_of(const ConstTensor& t, const char* role) {
  if (t.is_float()) throw Error(fmt::format("{} must be integers", role));
  return t.ints;
}

size_t axis_of(int64_t axis, size_t rank) {
  if (axis < -int64_t(rank) || axis >= int64_t(rank))
    throw Error(fmt::format("axis {} outside [{}, {}]", axis, -int64_t(rank), int64_t(rank) - 1));
  return size_t(axis < 0 ? axis + int64_t(rank) : axis);
}

// A tensor like `like` (its type) of `dims`, element i taken from `like`'s element pick(i).
ConstTensor gathered(const ConstTensor& like, const std::vector<int64_t>& dims, const std::function<int64_t(int64_t)>& pick) {
  ConstTensor out;
  out.data_type = like.data_type;
  out.dims = dims;
  const int64_t n = count(dims);
  for (int64_t i = 0; i < n; ++i) {
    if (like.is_float())
      out.floats.push_back(like.floats[size_t(pick(i))]);
    else
      out.ints.push_back(like.ints[size_t(pick(i))]);
  }
  return out;
}

// Element index of `t` (of `dims`, broadcast numpy-style to `out`) for output element i.
int64_t broadcast_index(const std::vector<int64_t>& dims, const std::vector<int64_t>& out, int64_t i) {
  const std::vector<int64_t> os = strides(out), ts = strides(dims);
  int64_t at = 0;
  for (size_t k = 0; k < out.size(); ++k) {
    const int64_t coord = (i / os[k]) % out[k];
    const size_t off = out.size() - dims.size();
    if (k < off) continue;
    if (dims[k - off] != 1) at += coord * ts[k - off];
  }
  return at;
}

std::vector<int64_t> broadcast_dims(const std::vector<const ConstTensor*>& ts) {
  std::vector<int64_t> out;
  for (const ConstTensor* t : ts) {
    std::vector<int64_t> d = t->dims;
    if (d.size() > out.size()) out.insert(out.begin(), d.size() - out.size(), 1);
    d.insert(d.begin(), out.size() - d.size(), 1);
    for (size_t k = 0; k < out.size(); ++k) {
      if (d[k] == out[k] || d[k] == 1) continue;
      if (out[k] != 1) throw Error(fmt::format("shapes [{}] do not broadcast", fmt::join(t->dims, ", ")));
      out[k] = d[k];
    }
  }
  return out;
}

ConstTensor elementwise(const onnx::NodeProto& n, const std::vector<const ConstTensor*>& in) {
  const std::string& t = n.op_type();
  const size_t arity = t == "Neg" ? 1 : t == "Where" ? 3 : 2;
  std::vector<const ConstTensor*> ops;
  for (size_t k = 0; k < arity; ++k) ops.push_back(&need(in, k, "operand"));
  const ConstTensor& a = *ops[t == "Where" ? 1 : 0];
  for (size_t k = t == "Where" ? 2 : 1; k < arity; ++k)
    if (ops[k]->data_type != a.data_type) throw Error("operands of different types");
  ConstTensor out;
  out.data_type = t == "Equal" ? int32_t(Proto::BOOL) : a.data_type;
  out.dims = broadcast_dims(ops);
  const int64_t total = count(out.dims);
  for (int64_t i = 0; i < total; ++i) {
    std::vector<int64_t> at;
    for (const ConstTensor* o : ops) at.push_back(broadcast_index(o->dims, out.dims, i));
    if (t == "Where") {
      const ConstTensor& src = ops[0]->integer(at[0]) != 0 ? *ops[1] : *ops[2];
      const int64_t k = ops[0]->integer(at[0]) != 0 ? at[1] : at[2];
      if (a.is_float()) out.floats.push_back(src.floats[size_t(k)]);
      else out.ints.push_back(src.ints[size_t(k)]);
      continue;
    }
    if (a.is_float()) {
      const double x = a.floats[size_t(at[0])], y = arity > 1 ? ops[1]->floats[size_t(at[1])] : 0.0;
      if (t == "Equal") out.ints.push_back(x == y);
      else out.floats.push_back(t == "Add" ? x + y : t == "Sub" ? x - y : t == "Mul" ? x * y : t == "Div" ? x / y : -x);
      continue;
    }
    const int64_t x = a.ints[size_t(at[0])], y = arity > 1 ? ops[1]->ints[size_t(at[1])] : 0;
    if (t == "Div" && y == 0) throw Error("integer division by zero");
    // Integer Div truncates toward zero, as onnxruntime computes it.
    out.ints.push_back(t == "Add" ? x + y : t == "Sub" ? x - y : t == "Mul" ? x * y : t == "Div" ? x / y
                       : t == "Equal" ? int64_t(x == y) : -x);
  }
  return out;
}

ConstTensor gather(const onnx::NodeProto& n, const std::vector<const ConstTensor*>& in) {
  const ConstTensor& data = need(in, 0, "data");
  const std::vector<int64_t> idx = ints_of(need(in, 1, "indices"), "indices");
  const size_t axis = axis_of(attr_int(n, "axis", 0), data.dims.size());
  const int64_t extent = data.dims[axis];
  std::vector<int64_t> dims(data.dims.begin(), data.dims.begin() + std::ptrdiff_t(axis));
  dims.insert(dims.end(), in[1]->dims.begin(), in[1]->dims.end());
  dims.insert(dims.end(), data.dims.begin() + std::ptrdiff_t(axis) + 1, data.dims.end());
  int64_t inner = 1;
  for (size_t k = axis + 1; k < data.dims.size(); ++k) inner *= data.dims[k];
  for (int64_t v : idx)
    if (v < -extent || v >= extent) throw Error(fmt::format("index {} outside [{}, {}]", v, -extent, extent - 1));
  const int64_t m = int64_t(idx.size());
  return gathered(data, dims, [&](int64_t i) {
    const int64_t o = i / (m * inner), k = (i / inner) % m, r = i % inner;
    const int64_t v = idx[size_t(k)] < 0 ? idx[size_t(k)] + extent : idx[size_t(k)];
    return (o * extent + v) * inner + r;
  });
}

ConstTensor reshaped(const ConstTensor& t, std::vector<int64_t> dims) {
  ConstTensor out = t;
  out.dims = std::move(dims);
  if (count(out.dims) != t.element_count())
    throw Error(fmt::format("shape [{}] does not hold the {} elements", fmt::join(out.dims, ", "), t.element_count()));
  return out;
}

ConstTensor squeeze_unsqueeze(const onnx::NodeProto& n, const std::vector<const ConstTensor*>& in, int64_t opset) {
  const ConstTensor& data = need(in, 0, "data");
  std::vector<int64_t> axes = opset >= 13 ? (in.size() > 1 && in[1] ? ints_of(*in[1], "axes") : std::vector<int64_t>{})
                                          : attr_ints(n, "axes");
  std::vector<int64_t> dims = data.dims;
  if (n.op_type() == "Unsqueeze") {
    const size_t rank = dims.size() + axes.size();
    for (int64_t& a : axes) a = int64_t(axis_of(a, rank));
    std::sort(axes.begin(), axes.end());
    for (int64_t a : axes) dims.insert(dims.begin() + a, 1);
    return reshaped(data, dims);
  }
  std::vector<bool> drop(dims.size(), false);
  if (axes.empty())
    for (size_t k = 0; k < dims.size(); ++k) drop[k] = dims[k] == 1;
  for (int64_t a : axes) {
    const size_t k = axis_of(a, dims.size());
    if (dims[k] != 1) throw Error(fmt::format("squeezed axis {} has extent {}", a, dims[k]));
    drop[k] = true;
  }
  std::vector<int64_t> kept;
  for (size_t k = 0; k < dims.size(); ++k)
    if (!drop[k]) kept.push_back(dims[k]);
  return reshaped(data, kept);
}

ConstTensor concat(const onnx::NodeProto& n, const std::vector<const ConstTensor*>& in) {
  const ConstTensor& first = need(in, 0, "input");
  const size_t axis = axis_of(attr_int(n, "axis", 0), first.dims.size());
  std::vector<int64_t> dims = first.dims;
  dims[axis] = 0;
  for (size_t k = 0; k < in.size(); ++k) {
    const ConstTensor& t = need(in, k, "input");
    if (t.data_type != first.data_type || t.dims.size() != first.dims.size())
      throw Error("inputs differ in type or rank");
    for (size_t d = 0; d < dims.size(); ++d)
      if (d != axis && t.dims[d] != first.dims[d]) throw Error("input shapes differ outside the axis");
    dims[axis] += t.dims[axis];
  }
  ConstTensor out;
  out.data_type = first.data_type;
  out.dims = dims;
  int64_t outer = 1;
  for (size_t d = 0; d < axis; ++d) outer *= dims[d];
  for (int64_t o = 0; o < outer; ++o)
    for (const ConstTensor* t : in) {
      const int64_t block = t->element_count() / std::max<int64_t>(outer, 1);
      for (int64_t e = o * block; e < (o + 1) * block; ++e) {
        if (t->is_float()) out.floats.push_back(t->floats[size_t(e)]);
        else out.ints.push_back(t->ints[size_t(e)]);
      }
    }
  return out;
}

ConstTensor cast(const onnx::NodeProto& n, const std::vector<const ConstTensor*>& in) {
  const ConstTensor& t = need(in, 0, "input");
  const int64_t to = attr_int(n, "to", 0);
  ConstTensor out;
  out.data_type = int32_t(to);
  out.dims = t.dims;
  switch (to) {
    case Proto::FLOAT:
    case Proto::DOUBLE:
      for (int64_t k = 0; k < t.element_count(); ++k) out.floats.push_back(t.real(k));
      return out;
    case Proto::INT64:
    case Proto::INT32:
    case Proto::BOOL:
      for (int64_t k = 0; k < t.element_count(); ++k) {
        const double v = t.real(k);
        if (!std::isfinite(v) || std::abs(v) > 9.2e18) throw Error(fmt::format("{} does not fit the integer type", v));
        out.ints.push_back(to == Proto::BOOL ? int64_t(v != 0) : int64_t(v));  // toward zero, as C++ casts
      }
      return out;
    default: break;
  }
  throw Error(fmt::format("a cast to type {} unsupported; supported: FLOAT, DOUBLE, INT64, INT32, BOOL",
                          data_type_name(int32_t(to))));
}

ConstTensor slice(const std::vector<const ConstTensor*>& in) {
  const ConstTensor& data = need(in, 0, "data");
  const std::vector<int64_t> starts = ints_of(need(in, 1, "starts"), "starts");
  const std::vector<int64_t> ends = ints_of(need(in, 2, "ends"), "ends");
  const size_t r = data.dims.size();
  std::vector<int64_t> axes, steps;
  if (in.size() > 3 && in[3]) axes = ints_of(*in[3], "axes");
  else
    for (size_t k = 0; k < starts.size(); ++k) axes.push_back(int64_t(k));
  if (in.size() > 4 && in[4]) steps = ints_of(*in[4], "steps");
  else steps.assign(starts.size(), 1);
  if (ends.size() != starts.size() || axes.size() != starts.size() || steps.size() != starts.size())
    throw Error("starts, ends, axes and steps differ in length");
  std::vector<int64_t> begin(r, 0), step(r, 1), dims = data.dims;
  for (size_t k = 0; k < starts.size(); ++k) {
    const size_t a = axis_of(axes[k], r);
    const int64_t dim = data.dims[a], s = steps[k];
    if (s == 0) throw Error("a step of 0");
    int64_t b = starts[k] < 0 ? starts[k] + dim : starts[k], e = ends[k] < 0 ? ends[k] + dim : ends[k];
    b = s > 0 ? std::clamp<int64_t>(b, 0, dim) : std::clamp<int64_t>(b, 0, dim - 1);
    e = s > 0 ? std::clamp<int64_t>(e, 0, dim) : std::clamp<int64_t>(e, -1, dim - 1);
    const int64_t span = s > 0 ? e - b : b - e, m = s > 0 ? s : -s;
    begin[a] = b;
    step[a] = s;
    dims[a] = span > 0 ? (span + m - 1) / m : 0;
  }
  const std::vector<int64_t> os = strides(dims), is = strides(data.dims);
  return gathered(data, dims, [&](int64_t i) {
    int64_t at = 0;
    for (size_t k = 0; k < r; ++k) at += (begin[k] + ((i / os[k]) % dims[k]) * step[k]) * is[k];
    return at;
  });
}

ConstTensor reshape(const onnx::NodeProto& n, const std::vector<const ConstTensor*>& in) {
  const ConstTensor& data = need(in, 0, "data");
  std::vector<int64_t> dims = ints_of(need(in, 1, "shape"), "shape");
  const bool allow_zero = attr_int(n, "allowzero", 0) != 0;
  int64_t known = 1;
  int infer = -1;
  for (size_t k = 0; k < dims.size(); ++k) {
    if (dims[k] == 0 && !allow_zero) {
      if (k >= data.dims.size()) throw Error("a 0 in the shape past the input's rank");
      dims[k] = data.dims[k];
    }
    if (dims[k] == -1) {
      if (infer >= 0) throw Error("two -1 in the shape");
      infer = int(k);
    } else {
      known *= dims[k];
    }
  }
  if (infer >= 0) dims[size_t(infer)] = known ? data.element_count() / known : 0;
  return reshaped(data, dims);
}

ConstTensor constant_of_shape(const onnx::NodeProto& n, const std::vector<const ConstTensor*>& in) {
  const std::vector<int64_t> dims = ints_of(need(in, 0, "shape"), "shape");
  ConstTensor out;
  out.data_type = Proto::FLOAT;
  out.dims = dims;
  double value = 0.0;
  if (const onnx::AttributeProto* a = find_attr(n, "value")) {
    const ConstTensor v = decode_tensor(a->t(), "value");
    if (v.element_count() != 1) throw Error("value must hold one element");
    out.data_type = v.data_type;
    value = v.real(0);
  }
  const int64_t total = count(dims);
  for (int64_t i = 0; i < total; ++i) {
    if (out.is_float()) out.floats.push_back(value);
    else out.ints.push_back(int64_t(value));
  }
  return out;
}

ConstTensor range(const std::vector<const ConstTensor*>& in) {
  const ConstTensor& start = need(in, 0, "start");
  const double s = start.real(0), limit = need(in, 1, "limit").real(0), delta = need(in, 2, "delta").real(0);
  if (delta == 0) throw Error("a delta of 0");
  const int64_t n = std::max<int64_t>(int64_t(std::ceil((limit - s) / delta)), 0);
  ConstTensor out;
  out.data_type = start.data_type;
  out.dims = {n};
  count(out.dims);
  for (int64_t k = 0; k < n; ++k) {
    if (out.is_float()) out.floats.push_back(s + double(k) * delta);
    else out.ints.push_back(start.integer(0) + k * need(in, 2, "delta").integer(0));
  }
  return out;
}

}  // namespace

bool is_foldable(const std::string& t) {
  static const char* const kOps[] = {"Gather", "Unsqueeze", "Squeeze", "Concat", "Cast",  "Slice", "Reshape", "Add",
                                     "Sub",    "Mul",       "Div",     "Neg",    "ConstantOfShape", "Range", "Equal",
                                     "Where"};
  return std::find(std::begin(kOps), std::end(kOps), t) != std::end(kOps);
}

ConstTensor fold_node(const onnx::NodeProto& n, const std::vector<const ConstTensor*>& in, int64_t opset) {
  const std::string& t = n.op_type();
  if (t == "Gather") return gather(n, in);
  if (t == "Unsqueeze" || t == "Squeeze") return squeeze_unsqueeze(n, in, opset);
  if (t == "Concat") return concat(n, in);
  if (t == "Cast") return cast(n, in);
  if (t == "Slice") return slice(in);
  if (t == "Reshape") return reshape(n, in);
  if (t == "ConstantOfShape") return constant_of_shape(n, in);
  if (t == "Range") return range(in);
  if (t == "Add" || t == "Sub" || t == "Mul" || t == "Div" || t == "Neg" || t == "Equal" || t == "Where")
    return elementwise(n, in);
  throw Error(fmt::format("internal: {} is not folded", t));
}

ConstTensor shape_tensor(const std::vector<int64_t>& shape, int64_t start, int64_t end) {
  const int64_t r = int64_t(shape.size());
  start = std::clamp<int64_t>(start < 0 ? start + r : start, 0, r);
  end = std::clamp<int64_t>(end < 0 ? end + r : end, 0, r);
  ConstTensor out;
  out.data_type = Proto::INT64;
  for (int64_t k = start; k < end; ++k) out.ints.push_back(shape[size_t(k)]);
  out.dims = {int64_t(out.ints.size())};
  return out;
}

}  // namespace kiln::onnx_frontend
