#!/usr/bin/python3
"""Writes kiln's own int8 ONNX models of the four MLPerf Tiny architectures.

    /usr/bin/python3 scripts/gen_workloads.py             write into workloads/
    /usr/bin/python3 scripts/gen_workloads.py --out DIR   write into DIR
    /usr/bin/python3 scripts/gen_workloads.py --check     regenerate into a temp
        dir and compare sha256 with the committed files (exit 1 on a mismatch)

The weights are random (He initialisation from seeded numpy generators), not
trained: the models exist to exercise the compiler and the simulator on the
real layer shapes. Quantization follows the TFLite int8 specification:
symmetric int8 weights (per output channel for convolutions, per tensor for
fully connected layers), int32 biases with scale in_scale * w_scale, and
asymmetric int8 activations whose ranges come from a float calibration pass
on a few seeded random inputs. Model inputs and outputs are int8 tensors.

Two forms, so the front end's both paths are used:
  QDQ      DequantizeLinear -> float op -> QuantizeLinear   (resnet8, mobilenet, autoencoder)
  QLinear  QLinearConv on int8 tensors directly             (dscnn_kws)
Only ops of the standard ONNX domain, opset 13. Output is deterministic:
no timestamps, fixed seeds, calibration ranges rounded to 3 significant
digits so a last-bit difference in float summation cannot change a byte.
"""

import argparse
import hashlib
import os
import sys
import tempfile

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 13
CALIBRATION_INPUTS = 4


# ---------------------------------------------------------------- float net
class Layer:
    def __init__(self, kind, name, srcs, **params):
        self.kind = kind
        self.name = name
        self.srcs = srcs
        self.params = params


class Net:
    """A small DAG of float layers; every layer produces one tensor named after it."""

    def __init__(self, name, input_shape, seed):
        self.name = name
        self.input_shape = input_shape  # NCHW or [N, features]
        self.rng = np.random.default_rng(seed)
        self.layers = []

    def _add(self, kind, name, srcs, **params):
        self.layers.append(Layer(kind, name, srcs, **params))
        return name

    def conv(self, name, src, cin, cout, k, stride=1, pads=None, group=1, act=None):
        kh, kw = k if isinstance(k, tuple) else (k, k)
        if pads is None:  # symmetric "same" for odd kernels at stride 1
            pads = [kh // 2, kw // 2, kh // 2, kw // 2]
        fan_in = (cin // group) * kh * kw
        w = self.rng.standard_normal((cout, cin // group, kh, kw)) * np.sqrt(2.0 / fan_in)
        b = self.rng.standard_normal(cout) * 0.05
        return self._add("conv", name, [src], w=w, b=b, stride=stride, pads=pads, group=group, act=act)

    def fc(self, name, src, cin, cout, act=None):
        w = self.rng.standard_normal((cout, cin)) * np.sqrt(2.0 / cin)
        b = self.rng.standard_normal(cout) * 0.05
        return self._add("fc", name, [src], w=w, b=b, act=act)

    def add(self, name, a, b, act=None):
        return self._add("add", name, [a, b], act=act)

    def avgpool(self, name, src, k):
        return self._add("avgpool", name, [src], k=k)

    def global_avgpool(self, name, src):
        return self._add("gap", name, [src])

    def flatten(self, name, src):
        return self._add("flatten", name, [src])

    def softmax(self, name, src):
        return self._add("softmax", name, [src])


def activate(x, act):
    if act == "relu":
        return np.maximum(x, 0.0)
    if act == "relu6":
        return np.clip(x, 0.0, 6.0)
    return x


def conv2d(x, w, b, stride, pads, group):
    n, cin, h, wd = x.shape
    cout, cpg, kh, kw = w.shape
    x = np.pad(x, ((0, 0), (0, 0), (pads[0], pads[2]), (pads[1], pads[3])))
    oh = (x.shape[2] - kh) // stride + 1
    ow = (x.shape[3] - kw) // stride + 1
    out = np.zeros((n, cout, oh, ow))
    opg = cout // group
    for g in range(group):
        xs = x[:, g * cpg:(g + 1) * cpg]
        ws = w[g * opg:(g + 1) * opg]
        for i in range(kh):
            for j in range(kw):
                patch = xs[:, :, i:i + stride * (oh - 1) + 1:stride, j:j + stride * (ow - 1) + 1:stride]
                out[:, g * opg:(g + 1) * opg] += np.einsum("nchw,oc->nohw", patch, ws[:, :, i, j])
    return out + b.reshape(1, -1, 1, 1)


def forward(net, x):
    vals = {"input": x}
    for L in net.layers:
        s = [vals[n] for n in L.srcs]
        p = L.params
        if L.kind == "conv":
            y = activate(conv2d(s[0], p["w"], p["b"], p["stride"], p["pads"], p["group"]), p["act"])
        elif L.kind == "fc":
            y = activate(s[0] @ p["w"].T + p["b"], p["act"])
        elif L.kind == "add":
            y = activate(s[0] + s[1], p["act"])
        elif L.kind == "avgpool":
            kh, kw = p["k"]
            n, c, h, w = s[0].shape
            y = s[0][:, :, :h // kh * kh, :w // kw * kw].reshape(n, c, h // kh, kh, w // kw, kw).mean(axis=(3, 5))
        elif L.kind == "gap":
            y = s[0].mean(axis=(2, 3), keepdims=True)
        elif L.kind == "flatten":
            y = s[0].reshape(s[0].shape[0], -1)
        elif L.kind == "softmax":
            e = np.exp(s[0] - s[0].max(axis=-1, keepdims=True))
            y = e / e.sum(axis=-1, keepdims=True)
        vals[L.name] = y
    return vals


# ------------------------------------------------------------- quantization
def round3(v):
    return float(f"{v:.3g}")


def activation_qparams(lo, hi):
    """Asymmetric int8 (TFLite): the range always contains 0."""
    lo, hi = min(round3(lo), 0.0), max(round3(hi), 0.0)
    if hi - lo < 1e-6:
        hi = lo + 1e-6
    scale = np.float32((hi - lo) / 255.0)
    zp = int(np.clip(np.round(-128 - lo / float(scale)), -128, 127))
    return scale, zp


def calibrate(net, sample):
    vals = forward(net, sample)
    q = {"input": activation_qparams(vals["input"].min(), vals["input"].max())}
    for L in net.layers:
        if L.kind in ("avgpool", "gap", "flatten"):
            q[L.name] = q[L.srcs[0]]  # TFLite: same quantization in and out
        elif L.kind == "softmax":
            q[L.name] = (np.float32(1.0 / 256.0), -128)
        else:
            q[L.name] = activation_qparams(vals[L.name].min(), vals[L.name].max())
    return q


def quantize_weights(w, per_channel):
    """Symmetric int8; returns (int8 weights, float32 scales [O] or scalar)."""
    if per_channel:
        amax = np.abs(w.reshape(w.shape[0], -1)).max(axis=1)
    else:
        amax = np.array(np.abs(w).max())
    scale = (np.maximum(amax, 1e-8) / 127.0).astype(np.float32)
    bshape = (-1,) + (1,) * (w.ndim - 1) if per_channel else ()
    wq = np.clip(np.round(w / scale.astype(np.float64).reshape(bshape)), -127, 127).astype(np.int8)
    return wq, scale


def quantize_bias(b, in_scale, w_scale):
    scale = (np.float64(in_scale) * w_scale.astype(np.float64)).astype(np.float32)
    bq = np.clip(np.round(b / scale.astype(np.float64)), -2**31, 2**31 - 1).astype(np.int32)
    return bq, scale


# ------------------------------------------------------------- ONNX writer
class Writer:
    def __init__(self, net, q):
        self.net = net
        self.q = q
        self.nodes = []
        self.inits = []
        self.dq_done = {}
        self.qp_names = {}

    def const(self, name, array):
        self.inits.append(numpy_helper.from_array(np.asarray(array), name))
        return name

    def node(self, op, inputs, outputs, name, **attrs):
        self.nodes.append(helper.make_node(op, inputs, outputs, name=name, **attrs))

    def scale_names(self, tensor):
        """Names of the scale and zero-point initializers of an activation (made once)."""
        if tensor not in self.qp_names:
            scale, zp = self.q[tensor]
            self.qp_names[tensor] = (self.const(tensor + "_scale", np.float32(scale)),
                                     self.const(tensor + "_zero_point", np.int8(zp)))
        return self.qp_names[tensor]

    def dequantized(self, tensor):
        """Float view of an int8 activation (one DequantizeLinear per tensor)."""
        if tensor not in self.dq_done:
            s, z = self.scale_names(tensor)
            self.node("DequantizeLinear", [tensor, s, z], [tensor + "_dq"], tensor + "_dequantize")
            self.dq_done[tensor] = tensor + "_dq"
        return self.dq_done[tensor]

    def quantize_to(self, float_tensor, tensor):
        s, z = self.scale_names(tensor)
        self.node("QuantizeLinear", [float_tensor, s, z], [tensor], tensor + "_quantize")

    def const_weights(self, L, per_channel):
        p = L.params
        wq, ws = quantize_weights(p["w"], per_channel)
        in_scale = self.q[L.srcs[0]][0]
        bq, bs = quantize_bias(p["b"], in_scale, ws if per_channel else np.array([ws]).reshape(-1))
        if not per_channel:
            bs = bs.reshape(())
        return wq, ws, bq, bs

    def activation_node(self, x, act, name):
        if act == "relu":
            self.node("Relu", [x], [name + "_relu"], name + "_relu")
            return name + "_relu"
        if act == "relu6":
            lo = self.const(name + "_clip_min", np.float32(0.0))
            hi = self.const(name + "_clip_max", np.float32(6.0))
            self.node("Clip", [x, lo, hi], [name + "_relu6"], name + "_relu6")
            return name + "_relu6"
        return x

    # QDQ: DequantizeLinear -> float op -> QuantizeLinear
    def qdq(self, L):
        p = L.params
        n = L.name
        if L.kind in ("conv", "fc"):
            per_channel = L.kind == "conv"
            wq, ws, bq, bs = self.const_weights(L, per_channel)
            self.const(n + "_w", wq)
            self.const(n + "_w_scale", ws)
            self.const(n + "_w_zero_point", np.zeros(ws.shape, np.int8))
            axis = {"axis": 0} if per_channel else {}
            self.node("DequantizeLinear", [n + "_w", n + "_w_scale", n + "_w_zero_point"], [n + "_w_dq"],
                      n + "_w_dequantize", **axis)
            self.const(n + "_b", bq)
            self.const(n + "_b_scale", bs)
            self.const(n + "_b_zero_point", np.zeros(bs.shape, np.int32))
            self.node("DequantizeLinear", [n + "_b", n + "_b_scale", n + "_b_zero_point"], [n + "_b_dq"],
                      n + "_b_dequantize", **axis)
            x = self.dequantized(L.srcs[0])
            if L.kind == "conv":
                kh, kw = p["w"].shape[2:]
                self.node("Conv", [x, n + "_w_dq", n + "_b_dq"], [n + "_f"], n, kernel_shape=[kh, kw],
                          strides=[p["stride"]] * 2, pads=p["pads"], group=p["group"], dilations=[1, 1])
            else:
                self.node("Gemm", [x, n + "_w_dq", n + "_b_dq"], [n + "_f"], n, transB=1)
            y = self.activation_node(n + "_f", p["act"], n)
        elif L.kind == "add":
            a, b = self.dequantized(L.srcs[0]), self.dequantized(L.srcs[1])
            self.node("Add", [a, b], [n + "_f"], n)
            y = self.activation_node(n + "_f", p["act"], n)
        elif L.kind == "avgpool":
            self.node("AveragePool", [self.dequantized(L.srcs[0])], [n + "_f"], n, kernel_shape=list(p["k"]),
                      strides=list(p["k"]))
            y = n + "_f"
        elif L.kind == "gap":
            self.node("GlobalAveragePool", [self.dequantized(L.srcs[0])], [n + "_f"], n)
            y = n + "_f"
        elif L.kind == "flatten":
            self.node("Flatten", [self.dequantized(L.srcs[0])], [n + "_f"], n, axis=1)
            y = n + "_f"
        elif L.kind == "softmax":
            self.node("Softmax", [self.dequantized(L.srcs[0])], [n + "_f"], n, axis=-1)
            y = n + "_f"
        self.quantize_to(y, n)

    # QLinear: int8 in, int8 out, no float tensor in between
    def qlinear(self, L):
        n = L.name
        p = L.params
        if L.kind == "conv":
            wq, ws, bq, _ = self.const_weights(L, True)
            xs, xz = self.scale_names(L.srcs[0])
            ys, yz = self.scale_names(n)
            self.const(n + "_w", wq)
            self.const(n + "_w_scale", ws)
            self.const(n + "_w_zero_point", np.zeros(ws.shape, np.int8))
            self.const(n + "_b", bq)
            kh, kw = p["w"].shape[2:]
            # ReLU is implied by the output range: calibrated at [0, max], so
            # zero point -128 and int8 saturation clamps at real 0.
            self.node("QLinearConv", [L.srcs[0], xs, xz, n + "_w", n + "_w_scale", n + "_w_zero_point", ys, yz,
                                      n + "_b"], [n], n, kernel_shape=[kh, kw], strides=[p["stride"]] * 2,
                      pads=p["pads"], group=p["group"], dilations=[1, 1])
            assert p["act"] in (None, "relu")
            if p["act"] == "relu":
                assert self.q[n][1] == -128, n
        elif L.kind == "flatten":
            self.scale_names(n)
            shape = self.const(n + "_shape", np.array([1, -1], np.int64))
            self.node("Reshape", [L.srcs[0], shape], [n], n)
        else:
            self.qdq(L)

    def model(self, form, doc):
        net = self.net
        for L in net.layers:
            (self.qlinear if form == "qlinear" else self.qdq)(L)
        out = net.layers[-1].name
        x = helper.make_tensor_value_info("input", TensorProto.INT8, net.input_shape)
        outs = forward(net, np.zeros(net.input_shape))
        y = helper.make_tensor_value_info(out, TensorProto.INT8, list(outs[out].shape))
        graph = helper.make_graph(self.nodes, net.name, [x], [y], initializer=self.inits)
        m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                              producer_name="kiln gen_workloads.py", producer_version="1")
        m.ir_version = 7  # opset 13's IR version
        m.doc_string = doc
        onnx.checker.check_model(m, full_check=True)
        return m


# ------------------------------------------------------------- the models
def resnet8():
    """ResNet-8 (MLPerf Tiny image classification, CIFAR-10)."""
    net = Net("resnet8", [1, 3, 32, 32], seed=8)
    x = net.conv("conv0", "input", 3, 16, 3, act="relu")
    cin = 16
    for stage, cout in enumerate([16, 32, 64]):
        stride = 1 if stage == 0 else 2
        # TF "same" at stride 2 on even sizes pads only at the end
        pads = [1, 1, 1, 1] if stride == 1 else [0, 0, 1, 1]
        a = net.conv(f"s{stage}_conv_a", x, cin, cout, 3, stride=stride, pads=pads, act="relu")
        b = net.conv(f"s{stage}_conv_b", a, cout, cout, 3)
        shortcut = x if stride == 1 else net.conv(f"s{stage}_shortcut", x, cin, cout, 1, stride=2, pads=[0] * 4)
        x = net.add(f"s{stage}_add", b, shortcut, act="relu")
        cin = cout
    x = net.global_avgpool("pool", x)
    x = net.flatten("flatten", x)
    x = net.fc("fc", x, 64, 10)
    net.softmax("softmax", x)
    return net, "qdq", np.random.default_rng(80).uniform(0.0, 1.0, (CALIBRATION_INPUTS, 3, 32, 32))


def dscnn_kws():
    """DS-CNN (MLPerf Tiny keyword spotting): input 49x10 MFCC features."""
    net = Net("dscnn_kws", [1, 1, 49, 10], seed=12)
    # TF "same", stride 2: out 25x5, pads h 4+5, w 1+1
    x = net.conv("conv0", "input", 1, 64, (10, 4), stride=2, pads=[4, 1, 5, 1], act="relu")
    for i in range(4):
        x = net.conv(f"dw{i}", x, 64, 64, 3, group=64, act="relu")
        x = net.conv(f"pw{i}", x, 64, 64, 1, act="relu")
    x = net.avgpool("pool", x, (25, 5))
    x = net.flatten("flatten", x)
    x = net.fc("fc", x, 64, 12)
    net.softmax("softmax", x)
    return net, "qlinear", np.random.default_rng(120).standard_normal((CALIBRATION_INPUTS, 1, 49, 10)) * 4.0


def mobilenet_v1_025_vww():
    """MobileNetV1 width 0.25 at 96x96 (MLPerf Tiny visual wake words)."""
    net = Net("mobilenet_v1_025_vww", [1, 3, 96, 96], seed=96)
    x = net.conv("conv0", "input", 3, 8, 3, stride=2, pads=[0, 0, 1, 1], act="relu6")
    cin = 8
    stack = [(16, 1), (32, 2), (32, 1), (64, 2), (64, 1), (128, 2)] + [(128, 1)] * 5 + [(256, 2), (256, 1)]
    for i, (cout, stride) in enumerate(stack):
        pads = [1, 1, 1, 1] if stride == 1 else [0, 0, 1, 1]
        x = net.conv(f"dw{i + 1}", x, cin, cin, 3, stride=stride, pads=pads, group=cin, act="relu6")
        x = net.conv(f"pw{i + 1}", x, cin, cout, 1, act="relu6")
        cin = cout
    x = net.avgpool("pool", x, (3, 3))
    x = net.flatten("flatten", x)
    x = net.fc("fc", x, 256, 2)
    net.softmax("softmax", x)
    return net, "qdq", np.random.default_rng(960).uniform(0.0, 1.0, (CALIBRATION_INPUTS, 3, 96, 96))


def fc_autoencoder():
    """FC autoencoder (MLPerf Tiny anomaly detection): 640 -> 128x4 -> 8 -> 128x4 -> 640."""
    net = Net("fc_autoencoder", [1, 640], seed=640)
    widths = [128] * 4 + [8] + [128] * 4
    x, cin = "input", 640
    for i, w in enumerate(widths):
        x = net.fc(f"fc{i}", x, cin, w, act="relu")
        cin = w
    net.fc(f"fc{len(widths)}", x, cin, 640)
    return net, "qdq", np.random.default_rng(6400).standard_normal((CALIBRATION_INPUTS, 640))


MODELS = {
    "resnet8.onnx": resnet8,
    "dscnn_kws.onnx": dscnn_kws,
    "mobilenet_v1_025_vww.onnx": mobilenet_v1_025_vww,
    "fc_autoencoder.onnx": fc_autoencoder,
}


def build(make):
    net, form, sample = make()
    q = calibrate(net, sample)
    doc = (f"{make.__doc__} Random He-initialised weights (not trained), int8 {form.upper()} form, "
           "written by kiln scripts/gen_workloads.py.")
    return Writer(net, q).model(form, doc)


def write_all(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    for file, make in MODELS.items():
        m = build(make)
        with open(os.path.join(out_dir, file), "wb") as f:
            f.write(m.SerializeToString(deterministic=True))


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=os.path.join(root, "workloads"), help="output directory")
    ap.add_argument("--check", action="store_true", help="compare a fresh run with --out's files")
    args = ap.parse_args()
    if not args.check:
        write_all(args.out)
        for file in MODELS:
            print(f"{sha256(os.path.join(args.out, file))}  {file}")
        return 0
    bad = 0
    with tempfile.TemporaryDirectory() as tmp:
        write_all(tmp)
        for file in MODELS:
            committed = os.path.join(args.out, file)
            fresh = sha256(os.path.join(tmp, file))
            have = sha256(committed) if os.path.exists(committed) else "missing"
            ok = fresh == have
            bad += not ok
            print(f"{'ok  ' if ok else 'DIFF'} {file}: generated {fresh}, committed {have}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
