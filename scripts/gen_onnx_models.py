#!/usr/bin/python3
"""Writes small quantized ONNX models, laid out as onnxruntime's static
quantizer writes them, into tests/data/models/onnx/ (deterministic: the same
bytes on every run).

  /usr/bin/python3 scripts/gen_onnx_models.py [--out DIR] [--check]

The layout is the quantizer's QDQ form: a float32 graph input followed by
QuantizeLinear, every operator between DequantizeLinear of its inputs and
QuantizeLinear of its output, weights stored int8 with per-channel scales
(axis 0) and zero points 0 behind DequantizeLinear, biases int32 with scale
input scale times weight scale, and a DequantizeLinear to a float32 graph
output at the end. Activation scales and zero points are chosen as the
quantizer's MinMax calibration chooses them, over the float range each tensor
takes on a random calibration batch. Models are written with python3-onnx.
`scripts/check_reference.py` runs them through `kiln reference` and
onnxruntime-node side by side; --check only verifies that the files on disk
are the ones this script writes.
"""

import argparse
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from generated_files import write_or_check  # noqa: E402 (scripts/ is the script's own folder)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OPSET = 13


def quant_params(lo, hi, uint8):
    """Scale and zero point covering [lo, hi] and 0, as onnxruntime's MinMax calibration picks them."""
    lo, hi = min(float(lo), 0.0), max(float(hi), 0.0)
    qmin, qmax = (0, 255) if uint8 else (-128, 127)
    scale = np.float32(max((hi - lo) / (qmax - qmin), 1e-6))
    zp = int(np.clip(round(qmin - lo / float(scale)), qmin, qmax))
    return scale, zp


class QdqNet:
    """A one-input, one-output QDQ graph with a float shadow (the calibration
    batch) of every activation, from which its quantization is chosen."""

    def __init__(self, name, shape, seed, uint8=False, lo=-1.0, hi=1.0, opset=OPSET):
        self.name, self.uint8, self.opset = name, uint8, opset
        self.rng = np.random.default_rng(seed)
        self.nodes, self.inits = [], []
        self.real = {}  # float tensor name -> calibration values (NCHW)
        self.input_shape = list(shape)
        self.real["input"] = self.rng.uniform(lo, hi, size=[8] + list(shape[1:]))
        self.inputs = ["input"]  # graph inputs, in order
        self.typed = []  # value_info of outputs ONNX's shape inference cannot type (com.microsoft operators)
        self.index_outputs = set()  # INT64 outputs of ArgMax / ArgMin, graph outputs as they are

    def add_input(self, name, lo=-1.0, hi=1.0):
        """A further float32 graph input of the first one's shape."""
        self.inputs.append(name)
        self.real[name] = self.rng.uniform(lo, hi, size=[8] + self.input_shape[1:])

    def const(self, name, array):
        self.inits.append(numpy_helper.from_array(array, name))
        return name

    def node(self, op, inputs, outputs, name, domain=None, **attrs):
        n = helper.make_node(op, inputs, outputs, name=name, **attrs)
        if domain:
            n.domain = domain
        self.nodes.append(n)

    def qdq(self, x, real, scale=None, zp=None):
        """QuantizeLinear then DequantizeLinear of float tensor x; returns the dequantized name."""
        if scale is None:
            scale, zp = quant_params(real.min(), real.max(), self.uint8)
        ztype = np.uint8 if self.uint8 else np.int8
        s = self.const(f"{x}_scale", np.array(scale, dtype=np.float32))
        z = self.const(f"{x}_zero_point", np.array(zp, dtype=ztype))
        self.node("QuantizeLinear", [x, s, z], [f"{x}_quantized"], f"{x}_QuantizeLinear")
        self.node("DequantizeLinear", [f"{x}_quantized", s, z], [f"{x}_dequantized"], f"{x}_DequantizeLinear")
        self.real[f"{x}_dequantized"] = real
        return f"{x}_dequantized"

    def scale_of(self, dq_name):
        base = dq_name[: -len("_dequantized")]
        return next(numpy_helper.to_array(t) for t in self.inits if t.name == f"{base}_scale")

    def weights(self, name, shape, axis=0):
        """int8 weights per output channel (axis 0; ConvTranspose's [C_in, C_out, kH, kW]: axis 1), symmetric,
        behind DequantizeLinear."""
        w = self.rng.normal(0, 0.5, size=shape)
        flat = np.abs(np.moveaxis(w, axis, 0).reshape(shape[axis], -1)).max(axis=1)
        scale = (np.maximum(flat, 1e-6) / 127.0).astype(np.float32)
        bshape = [1] * len(shape)
        bshape[axis] = -1
        q = np.clip(np.round(w / scale.reshape(bshape)), -127, 127).astype(np.int8)
        s = self.const(f"{name}_scale", scale)
        z = self.const(f"{name}_zero_point", np.zeros(shape[axis], dtype=np.int8))
        self.const(f"{name}_quantized", q)
        self.node("DequantizeLinear", [f"{name}_quantized", s, z], [f"{name}_dequantized"],
                  f"{name}_DequantizeLinear", axis=axis)
        return f"{name}_dequantized", q.astype(np.float64) * scale.reshape(bshape).astype(np.float64), scale

    def bias(self, name, n, in_scale, w_scale):
        b = self.rng.normal(0, 0.2, size=n)
        scale = (np.float64(in_scale) * w_scale.astype(np.float64)).astype(np.float32)
        q = np.round(b / scale).astype(np.int32)
        s = self.const(f"{name}_scale", scale)
        z = self.const(f"{name}_zero_point", np.zeros(n, dtype=np.int32))
        self.const(f"{name}_quantized", q)
        self.node("DequantizeLinear", [f"{name}_quantized", s, z], [f"{name}_dequantized"],
                  f"{name}_DequantizeLinear", axis=0)
        return f"{name}_dequantized", q * scale.astype(np.float64)

    def model(self, output_dq, output_names=("output",)):
        """The graph: float inputs, each QuantizeLinear'd first; the DequantizeLinear outputs `output_dq` (one
        name or a list) renamed to the float outputs `output_names`."""
        dqs = [output_dq] if isinstance(output_dq, str) else list(output_dq)
        outputs = []
        for dq, name in zip(dqs, output_names):
            for n in self.nodes:
                for k, o in enumerate(n.output):
                    if o == dq:
                        n.output[k] = name
            elem = TensorProto.INT64 if dq in self.index_outputs else TensorProto.FLOAT
            outputs.append(helper.make_tensor_value_info(name, elem, [1] + list(self.real[dq].shape[1:])))
        inputs = [helper.make_tensor_value_info(x, TensorProto.FLOAT, self.input_shape) for x in self.inputs]
        g = helper.make_graph(self.nodes, self.name, inputs, outputs, initializer=self.inits, value_info=self.typed)
        opsets = [helper.make_opsetid("", self.opset)]
        if any(n.domain == "com.microsoft" for n in self.nodes):
            opsets.append(helper.make_opsetid("com.microsoft", 1))
        m = helper.make_model(g, producer_name="kiln scripts/gen_onnx_models.py", opset_imports=opsets)
        m.ir_version = 7
        onnx.checker.check_model(m)
        return m


def conv_real(x, w, b, stride, pad):
    """x NCHW, w OIHW, symmetric padding."""
    x = np.pad(x, [(0, 0), (0, 0), (pad, pad), (pad, pad)])
    n, c, h, wd = x.shape
    o, _, kh, kw = w.shape
    oh, ow = (h - kh) // stride + 1, (wd - kw) // stride + 1
    y = np.zeros((n, o, oh, ow))
    for ky in range(kh):
        for kx in range(kw):
            patch = x[:, :, ky:ky + stride * oh:stride, kx:kx + stride * ow:stride]
            y += np.einsum("nchw,oc->nohw", patch, w[:, :, ky, kx])
    return y + b.reshape(1, -1, 1, 1)


def conv(net, x, cout, k, stride=1, pad=0, relu=False, name="conv"):
    cin = net.real[x].shape[1]
    w, wr, ws = net.weights(f"{name}_weight", [cout, cin, k, k])
    b, br = net.bias(f"{name}_bias", cout, net.scale_of(x), ws)
    y = conv_real(net.real[x], wr, br, stride, pad)
    net.node("Conv", [x, w, b], [f"{name}_output"], name, kernel_shape=[k, k], strides=[stride, stride],
             pads=[pad] * 4)
    out = f"{name}_output"
    if relu:
        net.node("Relu", [out], [f"{name}_relu"], f"{name}_relu")
        out, y = f"{name}_relu", np.maximum(y, 0)
    net.real[out] = y
    return net.qdq(out, y)


def conv_transpose(net, x, cout, k, stride, pads=(0, 0, 0, 0), output_padding=(0, 0), relu=False,
                   name="conv_transpose", **attrs):
    """ConvTranspose (one group) with weights [C_in, C_out, k, k] per channel along axis 1, as onnxruntime's
    quantizer writes them; pads as ONNX orders them (begins, then ends)."""
    xr = net.real[x]
    n, cin, h, wd = xr.shape
    w, wr, ws = net.weights(f"{name}_weight", [cin, cout, k, k], axis=1)
    b, br = net.bias(f"{name}_bias", cout, net.scale_of(x), ws)
    oh = (h - 1) * stride + output_padding[0] + k - pads[0] - pads[2]
    ow = (wd - 1) * stride + output_padding[1] + k - pads[1] - pads[3]
    y = np.zeros((n, cout, oh, ow))
    for iy in range(h):
        for ix in range(wd):
            for ky in range(k):
                for kx in range(k):
                    oy, ox = iy * stride - pads[0] + ky, ix * stride - pads[1] + kx
                    if 0 <= oy < oh and 0 <= ox < ow:
                        y[:, :, oy, ox] += xr[:, :, iy, ix] @ wr[:, :, ky, kx]
    y += br.reshape(1, -1, 1, 1)
    net.node("ConvTranspose", [x, w, b], [f"{name}_output"], name, kernel_shape=[k, k], strides=[stride, stride],
             pads=list(pads), output_padding=list(output_padding), **attrs)
    out = f"{name}_output"
    if relu:
        net.node("Relu", [out], [f"{name}_relu"], f"{name}_relu")
        out, y = f"{name}_relu", np.maximum(y, 0)
    net.real[out] = y
    return net.qdq(out, y)


def gemm(net, x, units, name="gemm"):
    xr = net.real[x]
    w, wr, ws = net.weights(f"{name}_weight", [units, xr.shape[1]])
    b, br = net.bias(f"{name}_bias", units, net.scale_of(x), ws)
    net.node("Gemm", [x, w, b], [f"{name}_output"], name, transB=1)
    y = xr @ wr.T + br
    return net.qdq(f"{name}_output", y)


def softmax(net, x, name="softmax"):
    xr = net.real[x]
    e = np.exp(xr - xr.max(axis=-1, keepdims=True))
    net.node("Softmax", [x], [f"{name}_output"], name, axis=-1)
    # The quantizer fixes softmax's output range to [0, 1].
    scale, zp = (np.float32(1 / 255), 0) if net.uint8 else (np.float32(1 / 256), -128)
    return net.qdq(f"{name}_output", e / e.sum(axis=-1, keepdims=True), scale, zp)


def log_softmax(net, x, name="log_softmax"):
    """LogSoftmax over the last axis, quantized as TFLite's int8 LOG_SOFTMAX writes it: scale 1/16, zero point 127
    (uint8: 255), the one output quantization kiln runs it with."""
    xr = net.real[x]
    d = xr - xr.max(axis=-1, keepdims=True)
    net.node("LogSoftmax", [x], [f"{name}_output"], name, axis=-1)
    return net.qdq(f"{name}_output", d - np.log(np.exp(d).sum(axis=-1, keepdims=True)), np.float32(1 / 16),
                   255 if net.uint8 else 127)


def arg_min_max(net, x, op, axis, keepdims, name):
    """ArgMax / ArgMin of a DequantizeLinear: INT64 indices, a graph output as they are."""
    fn = np.argmax if op == "ArgMax" else np.argmin
    y = fn(net.real[x], axis=axis)
    net.node(op, [x], [f"{name}_output"], name, axis=axis, keepdims=keepdims)
    out = f"{name}_output"
    net.real[out] = np.expand_dims(y, axis) if keepdims else y
    net.index_outputs.add(out)
    return out


def log_softmax_nchw_channels(net, x, name="log_softmax"):
    """LogSoftmax over axis 1 of an NCHW tensor (C: kiln's innermost NHWC dimension)."""
    xr = net.real[x]
    d = xr - xr.max(axis=1, keepdims=True)
    net.node("LogSoftmax", [x], [f"{name}_output"], name, axis=1)
    return net.qdq(f"{name}_output", d - np.log(np.exp(d).sum(axis=1, keepdims=True)), np.float32(1 / 16),
                   255 if net.uint8 else 127)


def unary(net, x, op, fn, name, **attrs):
    """A unary float operator between DequantizeLinear and QuantizeLinear (QDQ)."""
    net.node(op, [x], [f"{name}_output"], name, **attrs)
    return net.qdq(f"{name}_output", fn(net.real[x]))


def clip(net, x, lo, hi, name="clip"):
    lo_name = net.const(f"{name}_min", np.array(lo, dtype=np.float32))
    hi_name = net.const(f"{name}_max", np.array(hi, dtype=np.float32))
    net.node("Clip", [x, lo_name, hi_name], [f"{name}_output"], name)
    return net.qdq(f"{name}_output", np.clip(net.real[x], lo, hi))


def qlinear_unary(net, x_dq, op, fn, name, **attrs):
    """com.microsoft QLinearSigmoid / QLinearLeakyRelu on the quantized tensor behind x_dq (QOperator form)."""
    base = x_dq[: -len("_dequantized")]
    y = fn(net.real[x_dq])
    scale, zp = quant_params(y.min(), y.max(), net.uint8)
    ztype = np.uint8 if net.uint8 else np.int8
    s = net.const(f"{name}_scale", np.array(scale, dtype=np.float32))
    z = net.const(f"{name}_zero_point", np.array(zp, dtype=ztype))
    net.node(op, [f"{base}_quantized", f"{base}_scale", f"{base}_zero_point", s, z], [f"{name}_quantized"], name,
             domain="com.microsoft", **attrs)
    net.node("DequantizeLinear", [f"{name}_quantized", s, z], [f"{name}_dequantized"], f"{name}_DequantizeLinear")
    net.real[f"{name}_dequantized"] = y
    return f"{name}_dequantized"


def add(net, a, b, name="add"):
    net.node("Add", [a, b], [f"{name}_output"], name)
    return net.qdq(f"{name}_output", net.real[a] + net.real[b])


def sub_mul(net, op, a, b, name):
    """Sub or Mul in QDQ form; an operand may be a constant (const_dq) and
    one may repeat along the other's channels or be a scalar."""
    net.node(op, [a, b], [f"{name}_output"], name)
    return net.qdq(f"{name}_output", (np.subtract if op == "Sub" else np.multiply)(net.real[a], net.real[b]))


def prelu(net, x, slope, name="prelu"):
    """PRelu in QDQ form with a constant slope (const_dq: one per channel [C, 1, 1], or a scalar)."""
    net.node("PRelu", [x, slope], [f"{name}_output"], name)
    xr = net.real[x]
    return net.qdq(f"{name}_output", np.where(xr >= 0, xr, xr * net.real[slope]))


def const_dq(net, name, shape):
    """A per-tensor quantized constant behind DequantizeLinear (int8 symmetric, or uint8 around 128)."""
    v = net.rng.normal(0, 0.5, size=shape)
    scale = np.float32(max(np.abs(v).max(), 1e-6) / 127.0)
    q = np.clip(np.round(v / scale), -127, 127)
    zp = 128 if net.uint8 else 0
    ztype = np.uint8 if net.uint8 else np.int8
    s = net.const(f"{name}_scale", np.array(scale, dtype=np.float32))
    z = net.const(f"{name}_zero_point", np.array(zp, dtype=ztype))
    net.const(f"{name}_quantized", (q + zp).astype(ztype))
    net.node("DequantizeLinear", [f"{name}_quantized", s, z], [f"{name}_dequantized"], f"{name}_DequantizeLinear")
    net.real[f"{name}_dequantized"] = q * np.float64(scale)
    return f"{name}_dequantized"


def qlinear_mul(net, a_dq, b_dq, name="mul"):
    """com.microsoft QLinearMul of the quantized tensors behind a_dq and b_dq (QOperator form)."""
    base_a, base_b = a_dq[: -len("_dequantized")], b_dq[: -len("_dequantized")]
    y = net.real[a_dq] * net.real[b_dq]
    scale, zp = quant_params(y.min(), y.max(), net.uint8)
    ztype = np.uint8 if net.uint8 else np.int8
    s = net.const(f"{name}_scale", np.array(scale, dtype=np.float32))
    z = net.const(f"{name}_zero_point", np.array(zp, dtype=ztype))
    net.node("QLinearMul", [f"{base_a}_quantized", f"{base_a}_scale", f"{base_a}_zero_point", f"{base_b}_quantized",
                            f"{base_b}_scale", f"{base_b}_zero_point", s, z], [f"{name}_quantized"], name,
             domain="com.microsoft")
    net.node("DequantizeLinear", [f"{name}_quantized", s, z], [f"{name}_dequantized"], f"{name}_DequantizeLinear")
    net.real[f"{name}_dequantized"] = y
    return f"{name}_dequantized"


def max_min(net, a, b, op, name):
    """Max or Min in QDQ form of two tensors of one quantization, which the output keeps (as TFLite's MAXIMUM and
    MINIMUM require)."""
    net.node(op, [a, b], [f"{name}_output"], name)
    y = (np.maximum if op == "Max" else np.minimum)(net.real[a], net.real[b])
    return net.qdq(f"{name}_output", y, net.scale_of(a), zero_point_of(net, a))


def qoperator_weights_and_output(net, name, wq, ws, bq, y):
    """The constants of a QOperator node with weights (QLinearConv, QGemm): the
    int8 weights with their per-output-channel scales and zero points, the
    int32 bias, and the output's scale and zero point from the float result y.
    Returns the names of the output scale and zero point."""
    scale, zp = quant_params(y.min(), y.max(), net.uint8)
    ztype = np.uint8 if net.uint8 else np.int8
    net.const(f"{name}_weight_quantized", wq)
    net.const(f"{name}_weight_scale", ws)
    net.const(f"{name}_weight_zero_point", np.zeros(len(ws), dtype=np.int8))
    net.const(f"{name}_bias_quantized", bq)
    s = net.const(f"{name}_scale", np.array(scale, dtype=np.float32))
    z = net.const(f"{name}_zero_point", np.array(zp, dtype=ztype))
    return s, z


def qlinear_conv(net, x_dq, cout, k, pad=0, group=1, relu=False, name="qconv"):
    """QLinearConv (QOperator form) of the quantized tensor behind x_dq, as onnxruntime's quantizer writes it:
    int8 weights symmetric per output channel, an int32 bias at x_scale * w_scale, and a Relu after it folded into
    the output's quantization (calibrated on the rectified values, so the zero point is the lowest value)."""
    base = x_dq[: -len("_dequantized")]
    xr = net.real[x_dq]
    cin = xr.shape[1]
    w = net.rng.normal(0, 0.5, size=[cout, cin // group, k, k])
    ws = (np.maximum(np.abs(w).reshape(cout, -1).max(axis=1), 1e-6) / 127.0).astype(np.float32)
    wq = np.clip(np.round(w / ws[:, None, None, None]), -127, 127).astype(np.int8)
    bs = np.float64(net.scale_of(x_dq)) * ws.astype(np.float64)
    bq = np.round(net.rng.normal(0, 0.2, size=cout) / bs).astype(np.int32)
    wr = wq.astype(np.float64) * ws.astype(np.float64)[:, None, None, None]
    per = cout // group
    y = np.concatenate([conv_real(xr[:, g * (cin // group):(g + 1) * (cin // group)], wr[g * per:(g + 1) * per],
                                  np.zeros(per), 1, pad) for g in range(group)], axis=1) + (bq * bs).reshape(1, -1, 1, 1)
    if relu:
        y = np.maximum(y, 0)
    s, z = qoperator_weights_and_output(net, name, wq, ws, bq, y)
    net.node("QLinearConv", [f"{base}_quantized", f"{base}_scale", f"{base}_zero_point", f"{name}_weight_quantized",
                             f"{name}_weight_scale", f"{name}_weight_zero_point", s, z, f"{name}_bias_quantized"],
             [f"{name}_quantized"], name, kernel_shape=[k, k], pads=[pad] * 4, group=group)
    net.node("DequantizeLinear", [f"{name}_quantized", s, z], [f"{name}_dequantized"], f"{name}_DequantizeLinear")
    net.real[f"{name}_dequantized"] = y
    return f"{name}_dequantized"


def qoperator_block(net, x):
    """A residual block as onnxruntime's QOperator quantizer lays it out (uint8 activations, int8 weights): a 3x3
    QLinearConv with its Relu folded, a depthwise 3x3 one, a pointwise one, QLinearAdd of the first and the last,
    then QLinearGlobalAveragePool."""
    c1 = qlinear_conv(net, x, 8, 3, pad=1, relu=True, name="conv1")
    c2 = qlinear_conv(net, c1, 8, 3, pad=1, group=8, relu=True, name="depthwise")
    c3 = qlinear_conv(net, c2, 8, 1, name="pointwise")
    added = qlinear(net, "QLinearAdd", [c1, c3], net.real[c1] + net.real[c3], "add")
    return qlinear(net, "QLinearGlobalAveragePool", [added], net.real[added].mean(axis=(2, 3), keepdims=True), "pool")


def qlinear_matmul(net, a_dq, b_dq, name="qmatmul"):
    """QLinearMatMul (QOperator form) of the quantized activations behind a_dq and b_dq, their batch dimensions
    broadcast as numpy's matmul broadcasts them."""
    base_a, base_b = a_dq[: -len("_dequantized")], b_dq[: -len("_dequantized")]
    y = np.matmul(net.real[a_dq], net.real[b_dq])
    scale, zp = quant_params(y.min(), y.max(), net.uint8)
    ztype = np.uint8 if net.uint8 else np.int8
    s = net.const(f"{name}_scale", np.array(scale, dtype=np.float32))
    z = net.const(f"{name}_zero_point", np.array(zp, dtype=ztype))
    net.node("QLinearMatMul", [f"{base_a}_quantized", f"{base_a}_scale", f"{base_a}_zero_point", f"{base_b}_quantized",
                               f"{base_b}_scale", f"{base_b}_zero_point", s, z], [f"{name}_quantized"], name)
    net.node("DequantizeLinear", [f"{name}_quantized", s, z], [f"{name}_dequantized"], f"{name}_DequantizeLinear")
    net.real[f"{name}_dequantized"] = y
    return f"{name}_dequantized"


def qlinear(net, op, x_dqs, y, name, **attrs):
    """A com.microsoft QLinear operator (QOperator form) on the quantized tensors behind x_dqs, with output y
    (its calibration values): QLinearAdd's inputs are (X, X_scale, X_zero_point) per input then the output's
    scale and zero point, QLinearConcat's the output's first; the pools' as QLinearAdd's."""
    scale, zp = quant_params(y.min(), y.max(), net.uint8)
    ztype = np.uint8 if net.uint8 else np.int8
    s = net.const(f"{name}_scale", np.array(scale, dtype=np.float32))
    z = net.const(f"{name}_zero_point", np.array(zp, dtype=ztype))
    xs = []
    for x in x_dqs:
        base = x[: -len("_dequantized")]
        xs += [f"{base}_quantized", f"{base}_scale", f"{base}_zero_point"]
    inputs = [s, z] + xs if op == "QLinearConcat" else xs + [s, z]
    net.node(op, inputs, [f"{name}_quantized"], name, domain="com.microsoft", **attrs)
    net.typed.append(helper.make_tensor_value_info(f"{name}_quantized", TensorProto.UINT8 if net.uint8 else TensorProto.INT8,
                                                   [1] + list(y.shape[1:])))
    net.node("DequantizeLinear", [f"{name}_quantized", s, z], [f"{name}_dequantized"], f"{name}_DequantizeLinear")
    net.real[f"{name}_dequantized"] = y
    return f"{name}_dequantized"


def qgemm(net, x_dq, units, name="qgemm"):
    """com.microsoft QGemm (QOperator form) of the quantized tensor behind x_dq: int8 weights [units, features]
    (transB) symmetric per output column, an int32 bias C at a_scale * b_scale, a quantized output."""
    base = x_dq[: -len("_dequantized")]
    xr = net.real[x_dq]
    w = net.rng.normal(0, 0.5, size=[units, xr.shape[1]])
    ws = (np.maximum(np.abs(w).max(axis=1), 1e-6) / 127.0).astype(np.float32)
    wq = np.clip(np.round(w / ws[:, None]), -127, 127).astype(np.int8)
    a_scale = net.scale_of(x_dq)
    bs = (np.float64(a_scale) * ws.astype(np.float64))
    bq = np.round(net.rng.normal(0, 0.2, size=units) / bs).astype(np.int32)
    y = xr @ (wq.astype(np.float64) * ws[:, None]).T + bq * bs
    s, z = qoperator_weights_and_output(net, name, wq, ws, bq, y)
    net.node("QGemm", [f"{base}_quantized", f"{base}_scale", f"{base}_zero_point", f"{name}_weight_quantized",
                       f"{name}_weight_scale", f"{name}_weight_zero_point", f"{name}_bias_quantized", s, z],
             [f"{name}_quantized"], name, domain="com.microsoft", transB=1)
    net.typed.append(helper.make_tensor_value_info(f"{name}_quantized", TensorProto.UINT8 if net.uint8 else TensorProto.INT8,
                                                   [1, units]))
    net.node("DequantizeLinear", [f"{name}_quantized", s, z], [f"{name}_dequantized"], f"{name}_DequantizeLinear")
    net.real[f"{name}_dequantized"] = y
    return f"{name}_dequantized"


def qlinear_softmax(net, x_dq, name="softmax"):
    """com.microsoft QLinearSoftmax over the last axis; the output fixed at [0, 1] as the quantizer fixes it."""
    base = x_dq[: -len("_dequantized")]
    xr = net.real[x_dq]
    e = np.exp(xr - xr.max(axis=-1, keepdims=True))
    scale, zp = (np.float32(1 / 255), 0) if net.uint8 else (np.float32(1 / 256), -128)
    ztype = np.uint8 if net.uint8 else np.int8
    s = net.const(f"{name}_scale", np.array(scale, dtype=np.float32))
    z = net.const(f"{name}_zero_point", np.array(zp, dtype=ztype))
    net.node("QLinearSoftmax", [f"{base}_quantized", f"{base}_scale", f"{base}_zero_point", s, z],
             [f"{name}_quantized"], name, domain="com.microsoft", axis=-1, opset=13)
    net.typed.append(helper.make_tensor_value_info(f"{name}_quantized", TensorProto.UINT8 if net.uint8 else TensorProto.INT8,
                                                   [1] + list(xr.shape[1:])))
    net.node("DequantizeLinear", [f"{name}_quantized", s, z], [f"{name}_dequantized"], f"{name}_DequantizeLinear")
    net.real[f"{name}_dequantized"] = e / e.sum(axis=-1, keepdims=True)
    return f"{name}_dequantized"


def avg_pool_real(x, k, stride):
    n, c, h, w = x.shape
    oh, ow = (h - k) // stride + 1, (w - k) // stride + 1
    y = np.zeros((n, c, oh, ow))
    for i in range(oh):
        for j in range(ow):
            y[:, :, i, j] = x[:, :, i * stride:i * stride + k, j * stride:j * stride + k].mean(axis=(2, 3))
    return y


def audio_gated(net, x):
    """A keyword-spotting network of gated linear units in QDQ form: each
    block's Conv doubles the channels, Split halves them, Sigmoid gates one
    half and Mul applies it; then ReduceMean over H and W, Gemm, Softmax."""
    for b, ch in enumerate([8, 12]):
        c = conv(net, x, 2 * ch, 3, stride=1 if b == 0 else 2, pad=1, name=f"block{b}_conv")
        value, gate = onnx_split(net, c, 1, [ch, ch], name=f"block{b}_split")
        g = unary(net, gate, "Sigmoid", sigmoid, f"block{b}_sigmoid")
        x = sub_mul(net, "Mul", value, g, f"block{b}_gate")
    return softmax(net, gemm(net, reduce_mean(net, x, 0), 12, name="classifier"))


def squeeze_excite(net, x):
    """x times a per-channel gate: Sigmoid(Conv(Relu(Conv(GlobalAveragePool(x))))), [1, C, 1, 1]."""
    net.node("GlobalAveragePool", [x], ["pool_output"], "pool")
    # The pooled tensor keeps its input's quantization, as for MaxPool.
    pooled = net.qdq("pool_output", net.real[x].mean(axis=(2, 3), keepdims=True), net.scale_of(x),
                     zero_point_of(net, x))
    c = net.real[x].shape[1]
    gate = unary(net, conv(net, conv(net, pooled, c // 2, 1, relu=True, name="squeeze"), c, 1, name="excite"),
                 "Sigmoid", sigmoid, "gate")
    return sub_mul(net, "Mul", x, gate, "mul")


def two_inputs_two_outputs(net, x):
    """Inputs 'input' and 'other'; outputs their sum and a convolution of the first."""
    net.add_input("other", -0.5, 1.5)
    y = net.qdq("other", net.real["other"])
    return [add(net, x, y), conv(net, x, 3, 3, pad=1, relu=True)]


def max_pool(net, x, k, stride, name="max_pool"):
    """MaxPool keeps its input's quantization (the quantizer gives the output the input's parameters)."""
    xr = net.real[x]
    n, c, h, w = xr.shape
    oh, ow = (h - k) // stride + 1, (w - k) // stride + 1
    y = np.zeros((n, c, oh, ow))
    for oy in range(oh):
        for ox in range(ow):
            y[:, :, oy, ox] = xr[:, :, oy * stride:oy * stride + k, ox * stride:ox * stride + k].max(axis=(2, 3))
    net.node("MaxPool", [x], [f"{name}_output"], name, kernel_shape=[k, k], strides=[stride, stride])
    return net.qdq(f"{name}_output", y, net.scale_of(x), zero_point_of(net, x))


def pad(net, x, pads, name="pad", mode="constant"):
    """Pad with 0 (mode constant) or mirrored (mode reflect, numpy's 'reflect'), pads as ONNX orders them (begins,
    then ends, NCHW)."""
    p = net.const(f"{name}_pads", np.array(pads, dtype=np.int64))
    net.node("Pad", [x, p], [f"{name}_output"], name, mode=mode)
    y = np.pad(net.real[x], list(zip(pads[:4], pads[4:])), mode=mode)
    return net.qdq(f"{name}_output", y, net.scale_of(x), zero_point_of(net, x))


def concat(net, parts, name="concat"):
    """Concat along channels; inputs and output share one quantization (the first input's)."""
    net.node("Concat", parts, [f"{name}_output"], name, axis=1)
    y = np.concatenate([net.real[t] for t in parts], axis=1)
    return net.qdq(f"{name}_output", y, net.scale_of(parts[0]), zero_point_of(net, parts[0]))


def keep_quant(net, x, op, y, name, inputs=(), **attrs):
    """A node that moves data and keeps its input's quantization (Transpose, Flatten, Reshape, Squeeze, Unsqueeze)."""
    net.node(op, [x] + list(inputs), [f"{name}_output"], name, **attrs)
    return net.qdq(f"{name}_output", y, net.scale_of(x), zero_point_of(net, x))


def transpose(net, x, perm, name="transpose"):
    """Calibration arrays hold samples in dimension 0: perm keeps it there."""
    return keep_quant(net, x, "Transpose", np.transpose(net.real[x], perm), name, perm=perm)


def resize(net, x, size, name="resize", scales=None, **attrs):
    """Resize of H and W to `size` (given as sizes, or as `scales` when set); the output keeps the input's
    quantization. The calibration takes the nearest source pixel (it only sets the shape of later layers)."""
    xr = net.real[x]
    ys = np.minimum((np.arange(size[0]) * xr.shape[2]) // size[0], xr.shape[2] - 1)
    xs = np.minimum((np.arange(size[1]) * xr.shape[3]) // size[1], xr.shape[3] - 1)
    y = xr[:, :, ys][:, :, :, xs]
    if scales is not None:
        inputs = ["", net.const(f"{name}_scales", np.array([1.0, 1.0] + list(scales), dtype=np.float32))]
    else:
        inputs = ["", "", net.const(f"{name}_sizes", np.array([1, xr.shape[1]] + list(size), dtype=np.int64))]
    return keep_quant(net, x, "Resize", y, name, inputs=inputs, **attrs)


def flatten(net, x, name="flatten"):
    xr = net.real[x]
    return keep_quant(net, x, "Flatten", xr.reshape(xr.shape[0], -1), name, axis=1)


def dynamic_flatten(net, x, name="flatten"):
    """x.view(x.size(0), -1) as PyTorch exports it without constant folding: Shape -> Gather(0) -> Unsqueeze,
    Concat with [-1], Reshape."""
    xr = net.real[x]
    net.node("Shape", [x], [f"{name}_shape"], f"{name}_Shape")
    zero = net.const(f"{name}_zero", np.array(0, dtype=np.int64))
    net.node("Gather", [f"{name}_shape", zero], [f"{name}_batch"], f"{name}_Gather", axis=0)
    axes = net.const(f"{name}_axes", np.array([0], dtype=np.int64))
    net.node("Unsqueeze", [f"{name}_batch", axes], [f"{name}_batch1"], f"{name}_Unsqueeze")
    rest = net.const(f"{name}_rest", np.array([-1], dtype=np.int64))
    net.node("Concat", [f"{name}_batch1", rest], [f"{name}_target"], f"{name}_Concat", axis=0)
    # The shape the exporter records (ONNX's shape inference does not compute through Shape).
    net.typed.append(helper.make_tensor_value_info(f"{name}_output", TensorProto.FLOAT, [1, int(np.prod(xr.shape[1:]))]))
    return keep_quant(net, x, "Reshape", xr.reshape(xr.shape[0], -1), name, inputs=[f"{name}_target"])


def reshape(net, x, shape, name="reshape"):
    s = net.const(f"{name}_shape", np.array(shape, dtype=np.int64))
    return keep_quant(net, x, "Reshape", net.real[x].reshape([-1] + shape[1:]), name, inputs=[s])


def squeeze(net, x, axes, name="squeeze"):
    a = net.const(f"{name}_axes", np.array(axes, dtype=np.int64))
    return keep_quant(net, x, "Squeeze", np.squeeze(net.real[x], tuple(axes)), name, inputs=[a])


def unsqueeze(net, x, axes, name="unsqueeze"):
    a = net.const(f"{name}_axes", np.array(axes, dtype=np.int64))
    return keep_quant(net, x, "Unsqueeze", np.expand_dims(net.real[x], tuple(axes)), name, inputs=[a])


def onnx_slice(net, x, starts, ends, axes, steps, name="slice"):
    xr = net.real[x]
    index = [slice(None)] * xr.ndim
    for st, en, ax, sp in zip(starts, ends, axes, steps):
        index[ax] = slice(st, en, sp)  # Python's slice clamps as ONNX's Slice does
    ins = [net.const(f"{name}_{n}", np.array(v, dtype=np.int64))
           for n, v in (("starts", starts), ("ends", ends), ("axes", axes), ("steps", steps))]
    return keep_quant(net, x, "Slice", xr[tuple(index)], name, inputs=ins)


def onnx_split(net, x, axis, sizes, name="split"):
    """Split along `axis` into `sizes`; every output QuantizeLinear'd with the input's parameters."""
    xr = net.real[x]
    s = net.const(f"{name}_split", np.array(sizes, dtype=np.int64))
    outs = [f"{name}_output{k}" for k in range(len(sizes))]
    net.node("Split", [x, s], outs, name, axis=axis)
    bounds = np.cumsum([0] + sizes)
    return [net.qdq(o, np.take(xr, range(bounds[k], bounds[k + 1]), axis=axis), net.scale_of(x), zero_point_of(net, x))
            for k, o in enumerate(outs)]


def depth_to_space(net, x, block, mode, name="depth_to_space"):
    xr = net.real[x]
    s, c, h, w = xr.shape
    oc = c // (block * block)
    if mode == "DCR":
        y = xr.reshape(s, block, block, oc, h, w).transpose(0, 3, 4, 1, 5, 2)
    else:
        y = xr.reshape(s, oc, block, block, h, w).transpose(0, 1, 4, 2, 5, 3)
    return keep_quant(net, x, "DepthToSpace", y.reshape(s, oc, h * block, w * block), name, blocksize=block, mode=mode)


def space_to_depth(net, x, block, name="space_to_depth"):
    xr = net.real[x]
    s, c, h, w = xr.shape
    y = xr.reshape(s, c, h // block, block, w // block, block).transpose(0, 3, 5, 1, 2, 4)
    return keep_quant(net, x, "SpaceToDepth", y.reshape(s, c * block * block, h // block, w // block), name,
                      blocksize=block)


def global_max_pool(net, x, name="global_max_pool"):
    y = net.real[x].max(axis=(2, 3), keepdims=True)
    return keep_quant(net, x, "GlobalMaxPool", y, name)


def reduce_mean(net, x, keepdims, name="reduce_mean"):
    y = net.real[x].mean(axis=(2, 3), keepdims=bool(keepdims))
    net.node("ReduceMean", [x], [f"{name}_output"], name, axes=[2, 3], keepdims=keepdims)
    return net.qdq(f"{name}_output", y)


def reduce_extremum(net, x, op, axes, keepdims, name):
    """ReduceMax / ReduceMin (axes an attribute before opset 18), keeping the input's quantization."""
    fn = np.max if op == "ReduceMax" else np.min
    y = fn(net.real[x], axis=tuple(axes), keepdims=bool(keepdims))
    return keep_quant(net, x, op, y, name, axes=axes, keepdims=keepdims)


def reduce_sum(net, x, axes, keepdims, name="reduce_sum"):
    """ReduceSum (axes an input from opset 13), requantized to the sum's range."""
    y = net.real[x].sum(axis=tuple(axes), keepdims=bool(keepdims))
    a = net.const(f"{name}_axes", np.array(axes, dtype=np.int64))
    net.node("ReduceSum", [x, a], [f"{name}_output"], name, keepdims=keepdims)
    return net.qdq(f"{name}_output", y)


def gather(net, x, indices, axis, name="gather"):
    """Gather by constant INT64 indices (negative ones count from the end), keeping the quantization."""
    idx = np.array(indices, dtype=np.int64)
    y = np.take(net.real[x], idx, axis=axis)
    i = net.const(f"{name}_indices", idx)
    return keep_quant(net, x, "Gather", y, name, inputs=[i], axis=axis)


def matmul(net, a, b, name="matmul"):
    """MatMul in QDQ form of two operands behind DequantizeLinear (activations, or a constant from const_dq), their
    batch dimensions broadcast as numpy's matmul broadcasts them."""
    net.node("MatMul", [a, b], [f"{name}_output"], name)
    return net.qdq(f"{name}_output", np.matmul(net.real[a], net.real[b]))


def attention(net, x):
    """Scores of x against itself (x times its transpose, per head), softmax over each row (as rows of a rank-3
    view), times a 1x1 convolution of x: both MatMuls multiply two activations with a batch dimension of heads."""
    heads, seq = net.real[x].shape[1], net.real[x].shape[2]
    scores = matmul(net, x, transpose(net, x, [0, 1, 3, 2], name="keys"), name="scores")
    rows = softmax(net, reshape(net, scores, [1, heads * seq, seq], name="rows"))
    probs = reshape(net, rows, [1, heads, seq, seq], name="probs")
    return matmul(net, probs, conv(net, x, heads, 1, name="values"), name="attention")


def zero_point_of(net, dq_name):
    base = dq_name[: -len("_dequantized")]
    return next(numpy_helper.to_array(t) for t in net.inits if t.name == f"{base}_zero_point").item()


def float_op(net, op, inputs, real, name, **attrs):
    """A float operator of a float island: no QuantizeLinear follows it (another float operator or a graph
    output reads it), so it is no QDQ node unit and runs in float; returns its float output."""
    net.node(op, inputs, [f"{name}_output"], name, **attrs)
    net.real[f"{name}_output"] = real
    return f"{name}_output"


def float_const(net, name, array):
    """A float32 initializer read by a float operator as it is (the QOperator quantizer leaves the constant
    of an operator it does not quantize in float)."""
    net.real[name] = np.asarray(array, dtype=np.float64)
    return net.const(name, np.asarray(array, dtype=np.float32))


def float_chain_add_relu_mul(net, x):
    """Add -> Relu -> Mul in float between DequantizeLinear and one QuantizeLinear: only the Mul's output is
    quantized, so none of the three is a QDQ node unit."""
    a = conv(net, x, 4, 3, pad=1)
    s = float_op(net, "Add", [x, a], net.real[x] + net.real[a], "add")
    r = float_op(net, "Relu", [s], np.maximum(net.real[s], 0), "relu")
    m = float_op(net, "Mul", [r, x], net.real[r] * net.real[x], "mul")
    return net.qdq(m, net.real[m])


def float_two_readers(net, x):
    """A float Add read by its QuantizeLinear and by a Sigmoid: an output with a reader other than
    QuantizeLinear is no QDQ node unit."""
    a = conv(net, x, 4, 1)
    s = float_op(net, "Add", [x, a], net.real[x] + net.real[a], "add")
    g = float_op(net, "Sigmoid", [s], sigmoid(net.real[s]), "gate")
    return [net.qdq(s, net.real[s]), net.qdq(g, net.real[g])]


def float_layer_norm(net, x):
    """Layer normalization over the last axis as exported without a fused operator (ReduceMean, Sub, Mul,
    ReduceMean, Add, Sqrt, Div), all in float, then one QuantizeLinear."""
    xr = net.real[x]
    mean = float_op(net, "ReduceMean", [x], xr.mean(axis=-1, keepdims=True), "mean", axes=[-1])
    d = float_op(net, "Sub", [x, mean], xr - net.real[mean], "centered")
    sq = float_op(net, "Mul", [d, d], net.real[d] ** 2, "squared")
    var = float_op(net, "ReduceMean", [sq], net.real[sq].mean(axis=-1, keepdims=True), "variance", axes=[-1])
    eps = float_const(net, "epsilon", np.array(1e-5, dtype=np.float32))
    v = float_op(net, "Add", [var, eps], net.real[var] + 1e-5, "variance_eps")
    sd = float_op(net, "Sqrt", [v], np.sqrt(net.real[v]), "deviation")
    y = float_op(net, "Div", [d, sd], net.real[d] / net.real[sd], "normalized")
    return net.qdq(y, net.real[y])


def float_pools_concat(net, x):
    """A float Relu read by an AveragePool (padding not counted) and a GlobalAveragePool, their product
    (a per-channel gate) joined to the pool along the channels: pools, Mul and Concat in float."""
    r = float_op(net, "Relu", [x], np.maximum(net.real[x], 0), "relu")
    rr = net.real[r]
    padded = np.pad(rr, [(0, 0), (0, 0), (1, 1), (1, 1)])
    ones = np.pad(np.ones_like(rr), [(0, 0), (0, 0), (1, 1), (1, 1)])
    n, c, h, w = rr.shape
    oh, ow = (h + 2 - 3) // 2 + 1, (w + 2 - 3) // 2 + 1
    pr = np.zeros((n, c, oh, ow))
    for i in range(oh):
        for j in range(ow):
            win = (slice(None), slice(None), slice(2 * i, 2 * i + 3), slice(2 * j, 2 * j + 3))
            pr[:, :, i, j] = padded[win].sum(axis=(2, 3)) / ones[win].sum(axis=(2, 3))
    p = float_op(net, "AveragePool", [r], pr, "pool", kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1])
    g = float_op(net, "GlobalAveragePool", [r], rr.mean(axis=(2, 3), keepdims=True), "global_pool")
    m = float_op(net, "Mul", [p, g], pr * net.real[g], "gated")
    y = float_op(net, "Concat", [p, m], np.concatenate([pr, net.real[m]], axis=1), "concat", axis=1)
    return net.qdq(y, net.real[y])


def sigmoid(v):
    return 1 / (1 + np.exp(-v))


def models():
    out = {}

    def model(name, shape, build, seed, uint8=False, lo=-1.0, hi=1.0, opset=OPSET, outputs=("output",)):
        net = QdqNet(name, shape, seed, uint8, lo, hi, opset)
        x = net.qdq("input", net.real["input"])
        out[name] = net.model(build(net, x), outputs).SerializeToString()

    # Float edges: QuantizeLinear of the float input, DequantizeLinear into the float output.
    model("qdq_float_io_conv_relu", [1, 3, 8, 8], lambda n, x: conv(n, x, 6, 3, pad=1, relu=True), 1)
    model("qdq_float_io_conv_uint8", [1, 4, 7, 7], lambda n, x: conv(n, x, 5, 3, stride=2), 2, uint8=True)
    model("qdq_float_io_gemm_softmax", [1, 24], lambda n, x: softmax(n, gemm(n, x, 10)), 3)
    # Two float inputs and two float outputs (kiln run --input and --output repeat, in this order).
    model("qdq_two_inputs_two_outputs", [1, 4, 6, 6], two_inputs_two_outputs, 13, outputs=("sum", "features"))
    # Operators that keep their input's quantization.
    model("qdq_max_pool", [1, 4, 8, 8], lambda n, x: max_pool(n, x, 2, 2), 14)
    model("qdq_pad", [1, 3, 5, 5], lambda n, x: pad(n, x, [0, 0, 1, 2, 0, 0, 2, 1]), 15)
    # Resize onto TFLite's resize kernels: bilinear by scales (half_pixel, the
    # default), by sizes with align_corners, and PyTorch's nearest export.
    model("qdq_resize_linear_half_pixel", [1, 3, 4, 5],
          lambda n, x: resize(n, x, [8, 10], scales=[2.0, 2.0], mode="linear"), 16)
    model("qdq_resize_linear_align_corners", [1, 2, 5, 7],
          lambda n, x: resize(n, x, [9, 4], mode="linear", coordinate_transformation_mode="align_corners"), 17)
    model("qdq_resize_nearest_asymmetric_floor", [1, 3, 4, 5],
          lambda n, x: resize(n, x, [8, 15], scales=[2.0, 3.0], mode="nearest",
                              coordinate_transformation_mode="asymmetric", nearest_mode="floor"), 18)
    model("qdq_pad_reflect", [1, 3, 5, 6], lambda n, x: pad(n, x, [0, 1, 2, 1, 0, 1, 1, 3], mode="reflect"), 15)
    model("qdq_concat", [1, 3, 5, 5], lambda n, x: concat(n, [x, conv(n, x, 3, 1, relu=False)]), 16)
    # Unary functions (one 256-entry table each in kiln), QDQ, over inputs reaching their saturation.
    shape = [1, 4, 8, 8]
    model("qdq_sigmoid", shape, lambda n, x: unary(n, x, "Sigmoid", sigmoid, "sigmoid"), 4, lo=-8, hi=6)
    model("qdq_tanh", shape, lambda n, x: unary(n, x, "Tanh", np.tanh, "tanh"), 5, lo=-3, hi=4)
    model("qdq_hard_swish", shape,
          lambda n, x: unary(n, x, "HardSwish", lambda v: v * np.clip(v / 6 + 0.5, 0, 1), "hard_swish"), 6,
          lo=-5, hi=5, opset=14)
    model("qdq_hard_sigmoid", shape,
          lambda n, x: unary(n, x, "HardSigmoid", lambda v: np.clip(0.25 * v + 0.4, 0, 1), "hard_sigmoid",
                             alpha=0.25, beta=0.4), 7, lo=-4, hi=4)
    model("qdq_leaky_relu", shape,
          lambda n, x: unary(n, x, "LeakyRelu", lambda v: np.where(v < 0, 0.1 * v, v), "leaky_relu", alpha=0.1), 8,
          lo=-3, hi=3, uint8=True)
    model("qdq_elu", shape, lambda n, x: unary(n, x, "Elu", lambda v: np.where(v < 0, np.expm1(v), v), "elu"), 9,
          lo=-4, hi=2)
    model("qdq_clip", shape, lambda n, x: clip(n, x, -1.0, 1.5), 10, lo=-3, hi=3)
    # QOperator form: onnxruntime's com.microsoft QLinear operators.
    model("qoperator_qlinear_sigmoid", shape, lambda n, x: qlinear_unary(n, x, "QLinearSigmoid", sigmoid,
                                                                         "sigmoid"), 11, lo=-8, hi=6, uint8=True)
    model("qoperator_qlinear_leaky_relu", shape,
          lambda n, x: qlinear_unary(n, x, "QLinearLeakyRelu", lambda v: np.where(v < 0, 0.2 * v, v), "leaky_relu",
                                     alpha=0.2), 12, lo=-3, hi=3)
    # Sub and Mul: two activations, constants (scalar, per channel) and the
    # squeeze-and-excite gate repeated over every pixel.
    model("qdq_sub", [1, 4, 6, 6], lambda n, x: sub_mul(n, "Sub", x, conv(n, x, 4, 3, pad=1), "sub"), 17)
    model("qdq_sub_scalar_constant_uint8", [1, 3, 5, 5],
          lambda n, x: sub_mul(n, "Sub", const_dq(n, "c", []), x, "sub"), 18, uint8=True)
    model("qdq_mul", [1, 4, 6, 6], lambda n, x: sub_mul(n, "Mul", x, conv(n, x, 4, 1), "mul"), 19)
    model("qdq_mul_per_channel_constant", [1, 6, 5, 5],
          lambda n, x: sub_mul(n, "Mul", x, const_dq(n, "c", [6, 1, 1]), "mul"), 20)
    model("qdq_mul_squeeze_excite", [1, 8, 6, 6], squeeze_excite, 21)
    model("qdq_prelu_per_channel", [1, 6, 5, 5], lambda n, x: prelu(n, x, const_dq(n, "slope", [6, 1, 1])), 22)
    model("qoperator_qlinear_mul", [1, 4, 6, 6], lambda n, x: qlinear_mul(n, x, conv(n, x, 4, 3, pad=1)), 22,
          uint8=True)
    # Layout and rank changes. kiln holds a 4-D tensor as NHWC: a Transpose
    # maps onto that order, and a Flatten or Reshape of NCHW data with C > 1
    # and H*W > 1 goes through NCHW order with a Transpose on each side.
    model("qdq_transpose", [1, 4, 6, 5], lambda n, x: transpose(n, x, [0, 3, 1, 2]), 23)
    model("qdq_transpose_rank3", [1, 6, 10], lambda n, x: transpose(n, x, [0, 2, 1]), 24)
    model("qdq_flatten_nchw_gemm", [1, 3, 6, 6], lambda n, x: gemm(n, flatten(n, conv(n, x, 4, 3, pad=1)), 5), 25)
    model("qdq_reshape_to_nchw_conv", [1, 20],
          lambda n, x: conv(n, reshape(n, gemm(n, x, 48), [1, 3, 4, 4]), 4, 1), 26)
    # Slice (negative start, a step of -2, an end past the axis) and Split
    # (outputs joined again in another order).
    model("qdq_slice_negative_step", [1, 4, 7, 6],
          lambda n, x: onnx_slice(n, x, [-1, 1, 0], [0, 100, 3], [2, 3, 1], [-2, 2, 1]), 28)
    # Max and Min of two halves of a convolution's channels (Split keeps the quantization, so they share it).
    model("qdq_max_of_split_channels", [1, 3, 5, 4],
          lambda n, x: max_min(n, *onnx_split(n, conv(n, x, 8, 3, pad=1), 1, [4, 4]), "Max", "max"), 66)
    model("qdq_min_of_split_channels_uint8", [1, 3, 5, 4],
          lambda n, x: max_min(n, *onnx_split(n, conv(n, x, 6, 1), 1, [3, 3]), "Min", "min"), 67, uint8=True)
    model("qdq_split_channels_concat", [1, 6, 4, 4],
          lambda n, x: concat(n, list(reversed(onnx_split(n, x, 1, [2, 4])))), 29)
    model("qdq_depth_to_space_dcr", [1, 8, 3, 4], lambda n, x: depth_to_space(n, x, 2, "DCR"), 30)
    model("qdq_depth_to_space_crd", [1, 12, 3, 2], lambda n, x: depth_to_space(n, x, 2, "CRD"), 31)
    model("qdq_space_to_depth", [1, 3, 6, 4], lambda n, x: space_to_depth(n, x, 2), 32)
    model("qdq_global_max_pool_gemm", [1, 6, 5, 4],
          lambda n, x: gemm(n, flatten(n, global_max_pool(n, conv(n, x, 8, 3, pad=1))), 4), 33)
    model("qdq_reduce_mean_hw", [1, 6, 5, 4], lambda n, x: reduce_mean(n, conv(n, x, 8, 3, pad=1), 1), 34)
    model("qdq_reduce_mean_hw_gemm", [1, 6, 5, 4], lambda n, x: gemm(n, reduce_mean(n, x, 0), 3), 35)
    model("qdq_squeeze_unsqueeze", [1, 4, 1, 6],
          lambda n, x: unsqueeze(n, squeeze(n, x, [2]), [3]), 27)
    model("qdq_reduce_max_channels", [1, 6, 5, 4],
          lambda n, x: reduce_extremum(n, conv(n, x, 8, 3, pad=1), "ReduceMax", [1], 1, "reduce_max"), 41)
    model("qdq_reduce_min_hw_gemm", [1, 6, 5, 4],
          lambda n, x: gemm(n, reduce_extremum(n, x, "ReduceMin", [2, 3], 0, "reduce_min"), 3), 42)
    model("qdq_reduce_sum_channels", [1, 6, 5, 4], lambda n, x: reduce_sum(n, x, [1], 1), 43)
    model("qdq_reduce_sum_last_axis", [1, 5, 7], lambda n, x: reduce_sum(n, x, [-1], 0), 44)
    model("qdq_gather_channels", [1, 6, 5, 4], lambda n, x: gather(n, conv(n, x, 8, 1), [2, 0, 7, -1], 1), 45)
    model("qdq_gather_rows_2d_indices", [1, 10], lambda n, x: gather(n, gemm(n, x, 12), [[0, 3], [11, -2]], 1), 46)
    model("net_audio_gated", [1, 1, 49, 10], audio_gated, 47)
    model("qdq_dynamic_flatten_gemm", [1, 3, 6, 6],
          lambda n, x: gemm(n, dynamic_flatten(n, conv(n, x, 4, 3, pad=1)), 5), 50)
    model("qoperator_qlinear_add", [1, 4, 6, 6],
          lambda n, x: qlinear(n, "QLinearAdd", [x, conv(n, x, 4, 3, pad=1)],
                               n.real[x] + n.real["conv_output_dequantized"], "add"), 36)
    model("qoperator_qlinear_add_uint8", [1, 3, 5, 5],
          lambda n, x: qlinear(n, "QLinearAdd", [x, conv(n, x, 3, 1)],
                               n.real[x] + n.real["conv_output_dequantized"], "add"), 40, uint8=True)
    model("qoperator_qgemm_softmax", [1, 24], lambda n, x: qlinear_softmax(n, qgemm(n, x, 10)), 48)
    model("qoperator_qgemm_softmax_uint8", [1, 24], lambda n, x: qlinear_softmax(n, qgemm(n, x, 10)), 49, uint8=True)
    # QLinearMatMul of two activations: a convolution's keys (transposed) against the input, per channel as a
    # batch (rank 4), and a rank-3 sequence against its own transpose (uint8).
    model("qoperator_qlinear_matmul_activations", [1, 2, 6, 4],
          lambda n, x: qlinear_matmul(n, x, transpose(n, conv(n, x, 2, 1), [0, 1, 3, 2], name="keys")), 64)
    model("qoperator_qlinear_matmul_sequence_uint8", [1, 5, 8],
          lambda n, x: qlinear_matmul(n, x, transpose(n, x, [0, 2, 1], name="keys")), 65, uint8=True)
    model("qoperator_qlinear_concat", [1, 3, 5, 5],
          lambda n, x: qlinear(n, "QLinearConcat", [x, conv(n, x, 2, 1)],
                               np.concatenate([n.real[x], n.real["conv_output_dequantized"]], axis=1), "concat",
                               axis=1), 37)
    model("qoperator_qlinear_conv_block_uint8", [1, 3, 8, 8], qoperator_block, 68, uint8=True)
    model("qoperator_qlinear_conv_block", [1, 3, 8, 8], qoperator_block, 69)
    model("qoperator_qlinear_average_pool", [1, 4, 7, 7],
          lambda n, x: qlinear(n, "QLinearAveragePool", [x], avg_pool_real(n.real[x], 3, 2), "average_pool",
                               kernel_shape=[3, 3], strides=[2, 2]), 38)
    model("qoperator_qlinear_global_average_pool", [1, 6, 5, 4],
          lambda n, x: qlinear(n, "QLinearGlobalAveragePool", [conv(n, x, 8, 3, pad=1)],
                               n.real["conv_output_dequantized"].mean(axis=(2, 3), keepdims=True),
                               "global_average_pool"), 39)
    # ConvTranspose: PyTorch's ConvTranspose2d(k=3, stride=2, padding=1,
    # output_padding=1) with a ReLU (a decoder's doubling), and the 2x2
    # stride-2 upsampling of a U-Net after a convolution.
    model("qdq_conv_transpose_stride2_relu", [1, 4, 5, 5],
          lambda n, x: conv_transpose(n, x, 6, 3, 2, pads=(1, 1, 1, 1), output_padding=(1, 1), relu=True), 36)
    model("qdq_conv_transpose_2x2_after_conv", [1, 3, 4, 6],
          lambda n, x: conv_transpose(n, conv(n, x, 8, 3, pad=1, relu=True), 4, 2, 2), 37)
    # LogSoftmax after a Gemm (int8) and over the channels (axis 1) of a
    # convolution's NCHW output (uint8); ArgMax over a Gemm's classes (a
    # classifier head, keepdims = 0); ArgMin over the channels of a convolution's NCHW
    # output, keepdims = 1 (an NHWC dimension of 1 inside kiln).
    model("qdq_log_softmax_after_gemm", [1, 24], lambda n, x: log_softmax(n, gemm(n, x, 10)), 60)
    model("qdq_log_softmax_conv_channels_uint8", [1, 3, 6, 5],
          lambda n, x: log_softmax_nchw_channels(n, conv(n, x, 8, 3, pad=1)), 61, uint8=True)
    model("qdq_arg_max_after_gemm", [1, 24], lambda n, x: arg_min_max(n, gemm(n, x, 10), "ArgMax", -1, 0, "arg_max"),
          62)
    model("qdq_arg_min_conv_channels", [1, 3, 6, 5],
          lambda n, x: arg_min_max(n, conv(n, x, 6, 3, pad=1), "ArgMin", 1, 1, "arg_min"), 63)
    # MatMul with batch dimensions: attention's products of two activations,
    # and constants behind DequantizeLinear (uint8 around 128): one per head
    # (the MCU's batch_matmul), then one matrix for every head (a fully
    # connected layer on the array).
    model("qdq_matmul_attention", [1, 2, 6, 4], attention, 51)
    model("qdq_matmul_constants_uint8", [1, 2, 6, 5],
          lambda n, x: matmul(n, matmul(n, x, const_dq(n, "per_head", [2, 5, 3]), name="per_head_matmul"),
                              const_dq(n, "shared", [3, 4]), name="shared_matmul"), 52, uint8=True)
    # Float islands: float operators that are no QDQ node unit (onnxruntime's rule) run as MCU float kernels.
    # QOperator form: a Softmax after DequantizeLinear into a float graph output, and an Add of a float constant.
    model("qoperator_float_softmax_output", [1, 6, 2, 3],
          lambda n, x: (lambda s: float_op(n, "Softmax", [s], np.exp(n.real[s]) / np.exp(n.real[s]).sum(axis=1, keepdims=True),
                                           "softmax", axis=1))(
              qlinear(n, "QLinearAdd", [x, conv(n, x, 6, 1)], n.real[x] + n.real["conv_output_dequantized"], "add")),
          41)
    model("qoperator_float_add_constant", [1, 4, 5, 5],
          lambda n, x: (lambda s: n.qdq(float_op(n, "Add", [s, float_const(n, "bias", n.rng.normal(0, 0.5, [4, 1, 1]))],
                                                 n.real[s] + n.real["bias"], "add_bias"),
                                        n.real[s] + n.real["bias"]))(
              qlinear(n, "QLinearAdd", [x, conv(n, x, 4, 3, pad=1)], n.real[x] + n.real["conv_output_dequantized"],
                      "add")), 42)
    # QDQ form: a chain Add -> Relu -> Mul, a float Add with two readers, a layer normalization, pools and Concat.
    model("qdq_float_chain_add_relu_mul", [1, 4, 6, 6], float_chain_add_relu_mul, 43)
    model("qdq_float_two_readers", [1, 4, 5, 5], float_two_readers, 44, outputs=("sum", "gate"))
    model("qdq_float_layer_norm", [1, 6, 8], float_layer_norm, 45, lo=-2, hi=3)
    model("qdq_float_pools_concat", [1, 3, 6, 5], float_pools_concat, 46)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default=os.path.join(ROOT, "tests", "data", "models", "onnx"))
    ap.add_argument("--check", action="store_true", help="fail if the files on disk differ from what would be written")
    args = ap.parse_args()
    return write_or_check(models(), args.out, ".onnx", args.check, "scripts/gen_onnx_models.py")


if __name__ == "__main__":
    sys.exit(main())
