#include "compiler/frontend/scalesim_topology.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "arch/error.h"
#include "compiler/ir/quant_params.h"

namespace kiln::frontend {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r'; }

struct Field {
  std::string text;
  size_t column = 0;  // 1-based, of the first non-space character (or of the field)
};

std::vector<Field> split_row(const std::string& line) {
  std::vector<Field> fields;
  size_t start = 0;
  while (true) {
    const size_t comma = line.find(',', start);
    const size_t end = comma == std::string::npos ? line.size() : comma;
    size_t a = start, b = end;
    while (a < b && is_space(line[a])) ++a;
    while (b > a && is_space(line[b - 1])) --b;
    fields.push_back({line.substr(a, b - a), (a < b ? a : start) + 1});
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  // The trailing comma SCALE-Sim writes after the last value.
  if (fields.size() > 1 && fields.back().text.empty()) fields.pop_back();
  return fields;
}

std::string lower(std::string s) {
  for (char& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool blank(const std::string& line) {
  return std::all_of(line.begin(), line.end(), [](char c) { return is_space(c); });
}

// The largest value a dimension may take: keeps every tensor's size and every
// count in range (SCALE-Sim's own files stay far below it).
constexpr uint32_t kMaxDimension = 1u << 20;

class Parser {
 public:
  explicit Parser(const std::string& source) : source_(source) {}

  [[noreturn]] void fail(size_t line, size_t column, const std::string& what) const {
    throw Error(fmt::format("{}:{}:{}: {}", source_, line, column, what));
  }

  uint32_t positive(const Field& f, size_t line, const char* what) const {
    const std::string& v = f.text;
    if (v.empty() || v.size() > 9 ||
        !std::all_of(v.begin(), v.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
      fail(line, f.column, fmt::format("{} must be a whole number from 1 to {}, got '{}'", what, kMaxDimension, v));
    const uint64_t n = std::stoull(v);
    if (n < 1 || n > kMaxDimension)
      fail(line, f.column, fmt::format("{} must be from 1 to {}, got {}", what, kMaxDimension, v));
    return uint32_t(n);
  }

  Topology parse(const std::string& text) {
    Topology t;
    t.source = source_;
    std::istringstream in(text);
    std::string line;
    size_t number = 0;
    bool header = false;
    while (std::getline(in, line)) {
      ++number;
      if (blank(line)) continue;
      const std::vector<Field> fields = split_row(line);
      if (!header) {
        header = true;
        t.gemm = fields.size() == 4 && lower(fields[1].text) == "m" && lower(fields[2].text) == "n" &&
                 lower(fields[3].text) == "k";
        if (!t.gemm && fields.size() != 8 && fields.size() != 9)
          fail(number, 1,
               fmt::format("expected a header of 8 or 9 columns (Layer name, IFMAP Height, IFMAP Width, Filter "
                           "Height, Filter Width, Channels, Num Filter, Strides or Stride height, Stride width) or "
                           "of 4 (Layer, M, N, K), got {} columns",
                           fields.size()));
        continue;
      }
      t.layers.push_back(t.gemm ? gemm_row(fields, number) : conv_row(fields, number));
    }
    if (!header) throw Error(source_ + ": the topology is empty; expected a header row and one row per layer");
    if (t.layers.empty()) fail(number, 1, "expected at least one layer row after the header");
    return t;
  }

 private:
  TopologyLayer gemm_row(const std::vector<Field>& f, size_t line) const {
    if (f.size() != 4)
      fail(line, 1, fmt::format("expected 4 values (Layer, M, N, K), got {}", f.size()));
    TopologyLayer l = named(f, line);
    l.gemm = true;
    const uint32_t m = positive(f[1], line, "M"), n = positive(f[2], line, "N"), k = positive(f[3], line, "K");
    l.ifmap_h = m, l.ifmap_w = k, l.filter_h = 1, l.filter_w = k, l.channels = 1, l.filters = n;
    return l;
  }

  TopologyLayer conv_row(const std::vector<Field>& f, size_t line) const {
    if (f.size() != 8 && f.size() != 9)
      fail(line, 1,
           fmt::format("expected 8 values (Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, "
                       "Channels, Num Filter, Strides) or 9 (two strides), got {}",
                       f.size()));
    TopologyLayer l = named(f, line);
    l.ifmap_h = positive(f[1], line, "IFMAP Height");
    l.ifmap_w = positive(f[2], line, "IFMAP Width");
    l.filter_h = positive(f[3], line, "Filter Height");
    l.filter_w = positive(f[4], line, "Filter Width");
    l.channels = positive(f[5], line, "Channels");
    l.filters = positive(f[6], line, "Num Filter");
    l.stride_h = positive(f[7], line, f.size() == 9 ? "Stride height" : "Strides");
    l.stride_w = f.size() == 9 ? positive(f[8], line, "Stride width") : l.stride_h;
    if (l.filter_h > l.ifmap_h)
      fail(line, f[3].column,
           fmt::format("Filter Height {} is larger than IFMAP Height {}", l.filter_h, l.ifmap_h));
    if (l.filter_w > l.ifmap_w)
      fail(line, f[4].column, fmt::format("Filter Width {} is larger than IFMAP Width {}", l.filter_w, l.ifmap_w));
    l.depthwise = l.name.find("DP") != std::string::npos;
    return l;
  }

  TopologyLayer named(const std::vector<Field>& f, size_t line) const {
    TopologyLayer l;
    l.line = line;
    l.name = f[0].text;
    if (l.name.empty()) fail(line, f[0].column, "expected a layer name in the first column");
    return l;
  }

  std::string source_;
};

// splitmix64: a fixed, portable sequence (std distributions are not).
struct Sequence {
  uint64_t state;
  uint64_t next() {
    uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  int8_t weight() { return int8_t(int(next() % 255) - 127); }  // symmetric int8: -127..127
};

ir::Tensor activation(const std::string& name, ir::Shape shape, float scale, int32_t zero_point) {
  ir::Tensor t;
  t.name = name;
  t.shape = std::move(shape);
  t.type = ir::DataType::Int8;
  t.quant.scale = {scale};
  t.quant.zero_point = {zero_point};
  return t;
}

constexpr float kInputScale = 0.05f;
constexpr int32_t kInputZeroPoint = -3;
constexpr int32_t kOutputZeroPoint = 2;

void add_layer(ir::Graph& g, const TopologyLayer& l, size_t index) {
  Sequence seq{0x5ca1e5ULL * (index + 1)};
  const std::string base = fmt::format("{}#{}", l.name, index);
  ir::Shape in_shape, out_shape, filter_shape;
  const int32_t out_c = int32_t(l.depthwise ? uint64_t(l.channels) * l.filters : l.filters);
  int32_t kh = int32_t(l.filter_h), kw = int32_t(l.filter_w), sh = int32_t(l.stride_h), sw = int32_t(l.stride_w);
  if (l.gemm) {  // M x 1 pixels of K channels, 1x1 filters
    in_shape = {1, int32_t(l.ifmap_h), 1, int32_t(l.ifmap_w)};
    out_shape = {1, int32_t(l.ifmap_h), 1, out_c};
    filter_shape = {out_c, 1, 1, int32_t(l.ifmap_w)};
    kh = kw = sh = sw = 1;
  } else {
    // Where SCALE-Sim's last window starts past the input (a 1x1 filter with
    // stride 2 on an even size), the input gets the row or column it reads:
    // a window of padding alone is not a convolution kiln compiles.
    const int32_t ih = int32_t(std::max<uint64_t>(l.ifmap_h, uint64_t(l.ofmap_h() - 1) * l.stride_h + 1));
    const int32_t iw = int32_t(std::max<uint64_t>(l.ifmap_w, uint64_t(l.ofmap_w() - 1) * l.stride_w + 1));
    in_shape = {1, ih, iw, int32_t(l.channels)};
    out_shape = {1, int32_t(l.ofmap_h()), int32_t(l.ofmap_w()), out_c};
    filter_shape = l.depthwise ? ir::Shape{1, kh, kw, out_c} : ir::Shape{out_c, kh, kw, int32_t(l.channels)};
  }
  const uint64_t window = uint64_t(kh) * kw * (l.depthwise ? 1 : uint64_t(in_shape[3]));

  const int in = g.add_tensor(activation(base + ":input", in_shape, kInputScale, kInputZeroPoint));
  ir::Tensor filter;
  filter.name = base + ":filter";
  filter.shape = filter_shape;
  filter.type = ir::DataType::Int8;
  filter.data.resize(size_t(ir::num_elements(filter_shape)));
  for (auto& b : filter.data) b = uint8_t(seq.weight());
  std::vector<float> filter_scales(static_cast<size_t>(out_c));
  for (int32_t c = 0; c < out_c; ++c) filter_scales[size_t(c)] = 0.01f * (1.0f + float(c % 7) / 8.0f);
  filter.quant.scale = filter_scales;
  filter.quant.zero_point.assign(size_t(out_c), 0);
  filter.quant.axis = l.depthwise ? 3 : 0;
  const int filter_id = g.add_tensor(filter);

  ir::Tensor bias;
  bias.name = base + ":bias";
  bias.shape = {out_c};
  bias.type = ir::DataType::Int32;
  bias.data.resize(size_t(out_c) * 4);
  for (int32_t c = 0; c < out_c; ++c) {
    const int32_t v = int32_t(seq.next() % 2001) - 1000;
    for (int byte = 0; byte < 4; ++byte) bias.data[size_t(c) * 4 + size_t(byte)] = uint8_t(uint32_t(v) >> (8 * byte));
  }
  std::vector<float> bias_scales(static_cast<size_t>(out_c));
  for (int32_t c = 0; c < out_c; ++c) bias_scales[size_t(c)] = kInputScale * filter_scales[size_t(c)];
  bias.quant.scale = bias_scales;
  bias.quant.zero_point.assign(size_t(out_c), 0);
  const int bias_id = g.add_tensor(bias);

  // Random int8 products sum to about 74 * 73 * sqrt(window) in magnitude;
  // this output scale spreads the results over the int8 range instead of
  // saturating them.
  const float out_scale = kInputScale * 0.01f * 5400.0f * std::sqrt(float(window)) / 40.0f;
  const int out = g.add_tensor(activation(base + ":output", out_shape, out_scale, kOutputZeroPoint));

  ir::Op op;
  op.kind = l.depthwise ? ir::OpKind::DepthwiseConv2d : ir::OpKind::Conv2d;
  op.inputs = {in, filter_id, bias_id};
  op.outputs = {out};
  op.window.kernel_h = kh, op.window.kernel_w = kw;
  op.window.stride_h = sh, op.window.stride_w = sw;
  if (!l.gemm) {  // the overhang of SCALE-Sim's last window, read as padding
    op.window.pad.bottom = int32_t((l.ofmap_h() - 1) * l.stride_h + l.filter_h) - in_shape[1];
    op.window.pad.right = int32_t((l.ofmap_w() - 1) * l.stride_w + l.filter_w) - in_shape[2];
  }
  op.depth_multiplier = l.depthwise ? int32_t(l.filters) : 1;
  op.act = ir::activation_range(ir::Activation::None, out_scale, kOutputZeroPoint);
  op.rescale = ir::conv_rescale(kInputScale, filter_scales, out_scale);
  op.name = l.name;
  op.source_index = int(index);
  op.source_op = l.gemm ? "GEMM" : (l.depthwise ? "DEPTHWISE_CONV" : "CONV");
  g.ops.push_back(op);
  g.inputs.push_back(in);
  g.outputs.push_back(out);
}

}  // namespace

Topology parse_scalesim_topology(const std::string& text, const std::string& source) {
  return Parser(source).parse(text);
}

Topology load_scalesim_topology(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path + ": cannot open the topology file");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_scalesim_topology(text.str(), path);
}

ir::Graph build_topology_graph(const Topology& topology) {
  ir::Graph g;
  g.source = topology.source;
  for (size_t i = 0; i < topology.layers.size(); ++i) add_layer(g, topology.layers[i], i);
  ir::validate(g);
  return g;
}

}  // namespace kiln::frontend
