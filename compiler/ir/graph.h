// The graph IR shared by every front end and every later stage: a list of
// tensors and a list of ops in execution order, all plain values (copyable,
// comparable by field). Activations are int8 NHWC (rank 4) or [batch,
// features] (rank 2) with affine quantization; weights are int8 (per-channel
// for convolutions), biases int32. The integer parameters the kernels need
// (fixed-point multipliers, clamp ranges, ...) are derived from the float
// scales by compiler/ir/quant_params.h and stored on the op, so every later
// stage reads them and none recomputes them.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace kiln::ir {

enum class DataType : uint8_t {
  Int8,
  Int32,  // biases
  UInt8,    // only between an ONNX reader and its conversion to int8
  Float32,  // a float graph input (into Quantize) or output (from Dequantize)
};
const char* data_type_name(DataType type);
size_t data_type_size(DataType type);

// real = scale * (q - zero_point). One entry per tensor, or one per slice
// along `axis` (per-channel weights and biases).
struct Quantization {
  std::vector<float> scale;
  std::vector<int32_t> zero_point;
  int axis = 0;  // the quantized dimension when per-channel

  bool empty() const { return scale.empty(); }
  bool per_channel() const { return scale.size() > 1; }
  bool operator==(const Quantization& o) const {
    return scale == o.scale && zero_point == o.zero_point && axis == o.axis;
  }
  bool operator!=(const Quantization& o) const { return !(*this == o); }
};

using Shape = std::vector<int32_t>;
int64_t num_elements(const Shape& shape);
std::string shape_string(const Shape& shape);  // "1x49x10x1"

struct Tensor {
  std::string name;
  Shape shape;
  DataType type = DataType::Int8;
  Quantization quant;
  // Constant contents, little-endian, row-major over `shape`; empty for
  // activations. Weight layouts are TFLite's: Conv2d OHWI [out_c, kh, kw,
  // in_c], DepthwiseConv2d [1, kh, kw, out_c], FullyConnected [out, in].
  std::vector<uint8_t> data;
  int source_index = -1;  // tensor index in the source model; -1 if synthesized
  // Graph inputs and outputs only: the source model's tensor is uint8 (ONNX),
  // which the IR holds as int8 value - 128 (for tools writing the model's type).
  bool source_uint8 = false;
  // An Int32 tensor that is INT64 in the source model (ONNX ArgMax's indices,
  // which all fit int32), for tools writing the model's type.
  bool source_int64 = false;

  bool is_constant() const { return !data.empty(); }
  int64_t num_elements() const { return ir::num_elements(shape); }
  size_t byte_size() const { return size_t(num_elements()) * data_type_size(type); }
  // Per-tensor parameters (entry 0; callers check per_channel() first).
  float scale() const { return quant.scale.empty() ? 0.0f : quant.scale[0]; }
  int32_t zero_point() const { return quant.zero_point.empty() ? 0 : quant.zero_point[0]; }
  int8_t int8_at(size_t i) const { return static_cast<int8_t>(data[i]); }
  int32_t int32_at(size_t i) const;
};

enum class OpKind : uint8_t {
  Conv2d,           // in: input, filter (OHWI), bias (int32 [out_c])
  DepthwiseConv2d,  // in: input, filter ([1, kh, kw, out_c]), bias
  FullyConnected,   // in: input (flattened to [batches, in]), weights [out, in], bias
  Add,              // in: a, b (same shape; no broadcasting)
  AvgPool,          // in: input; output has the input's quantization
  MaxPool,          // in: input; output has the input's quantization
  Mean,             // in: input (N,H,W,C); averages over H and W
  Reshape,          // in: input; a byte copy (new shape on the output tensor)
  Pad,              // in: input (rank 4); pads H and W with the output zero point
  Softmax,          // in: input; over the last dimension
  Relu,             // in: input; requantize then clamp at 0
  Relu6,            // in: input; requantize then clamp to [0, 6]
  Concat,           // in: inputs (same quantization) along `axis`
  Requantize,       // in: input; int8 -> int8 with a new scale/zero point
  Quantize,         // in: a float32 graph input; out: int8 with the output's scale/zero point
  Dequantize,       // in: int8; out: a float32 graph output (the input's scale/zero point)
  Lut,              // in: input, table (constant int8 [256], kernels/lut.h): a unary int8 function
  Maximum,          // in: a, b (same shape); the larger stored int8 value (TFLite MAXIMUM)
  Minimum,          // in: a, b (same shape); the smaller stored int8 value (TFLite MINIMUM)
  Sub,              // in: a, b; a - b rescaled as Add (`add`); b or a may repeat (per channel, scalar)
  Mul,              // in: a, b; (a - zp) * (b - zp) rescaled by `rescale` (one entry); may repeat as Sub
  // An operator that one MCU kernel runs as it is: `kernel` names it
  // (kernels/table/), `attrs` holds its integer attributes, and its
  // operands are its inputs then its outputs. The kernel's table entry
  // (kernels/table/) checks the op and derives the kernel's
  // parameters, so such an operator needs no case in the IR or the lowering.
  // Examples: transpose (perm), slice (begin, stride, size), resize_nearest
  // (align_corners, half_pixel_centers).
  Kernel,
};
const char* op_kind_name(OpKind kind);

// Explicit padding amounts (SAME/VALID already resolved).
struct Padding {
  int32_t top = 0, bottom = 0, left = 0, right = 0;
  bool operator==(const Padding& o) const {
    return top == o.top && bottom == o.bottom && left == o.left && right == o.right;
  }
};

// Sliding window of Conv2d, DepthwiseConv2d, AvgPool and MaxPool.
struct Window {
  int32_t kernel_h = 1, kernel_w = 1;
  int32_t stride_h = 1, stride_w = 1;
  int32_t dilation_h = 1, dilation_w = 1;
  Padding pad;
};

// Clamp of the int8 result (a fused ReLU/ReLU6 already folded in).
struct ActRange {
  int32_t min = -128;
  int32_t max = 127;
};

// Fixed-point rescale, real = multiplier * 2^(shift - 31), as TFLite's
// QuantizeMultiplier; shift > 0 is a left shift. One entry per output
// channel (Conv2d, DepthwiseConv2d, per-channel FullyConnected) or one.
struct Rescale {
  std::vector<int32_t> multiplier;
  std::vector<int32_t> shift;
};

// TFLite's int8 ADD: both inputs are shifted left by left_shift, rescaled to
// a common scale (twice the larger input scale), summed and rescaled to the
// output. Zero points are the tensors'.
struct AddParams {
  int32_t left_shift = 20;
  int32_t in1_multiplier = 0, in1_shift = 0;
  int32_t in2_multiplier = 0, in2_shift = 0;
  int32_t out_multiplier = 0, out_shift = 0;
};

// TFLite's int8 SOFTMAX (as TFLite Micro's reference kernel): input
// differences scaled by beta*input_scale in Q(5) fixed point.
struct SoftmaxParams {
  float beta = 1.0f;
  int32_t input_multiplier = 0;
  int32_t input_left_shift = 0;
  int32_t diff_min = 0;
};

struct Op {
  OpKind kind = OpKind::Requantize;
  std::vector<int> inputs;   // tensor ids (data flow and constant weights/bias only)
  std::vector<int> outputs;  // tensor ids; exactly one for every kind so far

  Window window;                 // Conv2d, DepthwiseConv2d, AvgPool, MaxPool
  int32_t depth_multiplier = 1;  // DepthwiseConv2d: out_c / in_c
  ActRange act;                  // every kind producing new values
  Rescale rescale;               // Conv2d, DepthwiseConv2d, FullyConnected, Mean, Requantize, Relu, Relu6, Mul
  AddParams add;                 // Add, Sub
  SoftmaxParams softmax;         // Softmax
  int32_t axis = 0;              // Concat: non-negative axis of the output
  std::vector<std::array<int32_t, 2>> pads;  // Pad: (before, after) per input dimension (N, C stay 0)
  bool has_pad_value = false;    // Pad: pad_value (TFLite PADV2's constant) rather than the output zero point
  int32_t pad_value = 0;
  std::string kernel;            // Kernel: the MCU kernel's name
  std::map<std::string, std::vector<int64_t>> attrs;  // Kernel: its integer attributes by name
  std::map<std::string, double> real_attrs;           // Kernel: its real-valued attributes by name
  bool round_half_to_even = false;  // Quantize: ONNX's QuantizeLinear (TFLite's QUANTIZE: half away from zero)

  // Where the op came from, for messages: operator index and builtin name in
  // the source model, and a name (the first output tensor's).
  std::string name;
  int source_index = -1;
  std::string source_op;
};

struct Graph {
  std::string source;  // the model file, for messages
  std::vector<Tensor> tensors;
  std::vector<Op> ops;  // in execution order (every input produced earlier)
  std::vector<int> inputs;
  std::vector<int> outputs;

  int add_tensor(Tensor tensor);
  // Index of the op producing `tensor`, or -1 (graph input or constant).
  int producer(int tensor) const;
  // "operator 3 (CONV_2D, 'name')" for messages.
  std::string describe(const Op& op) const;
};

// The op's kind as tables print it: the kernel's name for a Kernel op.
std::string op_name(const Op& op);

// An op that the MCU kernel `kernel` runs with `attrs` (OpKind::Kernel).
Op kernel_op(std::string kernel, std::map<std::string, std::vector<int64_t>> attrs = {});

// Structural checks: tensor ids in range, one producer per tensor, execution
// order, graph inputs/outputs activations. Throws kiln::Error naming the op.
void validate(const Graph& graph);

}  // namespace kiln::ir
