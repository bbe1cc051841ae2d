#!/usr/bin/python3
"""kiln against TensorFlow Lite Micro, bit for bit, on every .tflite model.

For each model and each of N seeded random inputs (and, for an int8 input,
one more holding every int8 value in turn, so that each entry of a 256-entry
table is used), runs
  kiln run MODEL --input IN.npy --output KILN.npy   (compile, simulate on the
      SoC, and check the simulation against kiln's reference interpreter)
  tflm_run MODEL IN.npy TFLM.npy                    (TFLite Micro's reference
      kernels, built from ../shared/reference/tflm by scripts/build_tflm.sh)
and requires the two outputs to be identical: same dtype, same shape, same
bytes. TFLite Micro is the independent definition of what a TFLite int8 model
computes; kiln shares no code with it.

  /usr/bin/python3 scripts/check_tflm.py [MODEL ...] [--inputs N] [--seed S]
      [--soc CONFIG]... [--kiln PATH] [--tflm PATH] [--ctest]

Models default to the five MLPerf Tiny models in ../shared/workloads/ and
every .tflite under tests/data/ outside tests/data/fuzz/ (inputs kiln must
refuse). --soc repeats (default: the default SoC).
Exit status: 0 all identical; 1 a difference or a failed run. With --ctest, a
missing tflm_run exits 77 (ctest's skip) outside CI and fails when CI=true,
where .ci/run builds it.
"""

import argparse
import glob
import os
import subprocess
import sys
import tempfile

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


# Test models with an operator TFLite Micro has no kernel for: kiln runs them
# with TFLite's own arithmetic, which their unit tests check instead.
BEYOND_TFLITE_MICRO = {
    "relu_n1_to_1.tflite": "TFLite Micro registers no RELU_N1_TO_1 kernel "
                           "(tests/compiler/test_tflite_reader.cpp checks TFLite's QuantizedReluX)",
}


def default_models():
    shared = glob.glob(os.path.join(ROOT, "..", "shared", "workloads", "mlperf-tiny", "*.tflite"))
    # tests/data/fuzz holds inputs kiln must refuse, not models to run.
    own = [p for p in glob.glob(os.path.join(ROOT, "tests", "data", "**", "*.tflite"), recursive=True)
           if os.sep + "fuzz" + os.sep not in p]
    for p in own:
        if os.path.basename(p) in BEYOND_TFLITE_MICRO:
            print(f"not checked: {os.path.basename(p)}: {BEYOND_TFLITE_MICRO[os.path.basename(p)]}")
    own = [p for p in own if os.path.basename(p) not in BEYOND_TFLITE_MICRO]
    return sorted(os.path.normpath(p) for p in shared + own)


def model_input(tflm, model):
    """(dtype, shape) of input 0, from `tflm_run --info`."""
    info = subprocess.run([tflm, model, "--info"], capture_output=True, text=True)
    if info.returncode != 0:
        raise RuntimeError(f"tflm_run --info: {info.stderr.strip()}")
    for line in info.stdout.splitlines():
        if line.startswith("input 0:"):
            dtype = line.split(" type=")[1].split()[0]
            shape = line.split(" shape=[")[1].split("]")[0]
            return dtype, tuple(int(d) for d in shape.split(",") if d.strip())
    raise RuntimeError(f"tflm_run --info names no input 0:\n{info.stdout}")


def random_input(dtype, shape, seed):
    rng = np.random.default_rng(seed)
    dtype = dtype.lower()
    if dtype == "int8":
        return rng.integers(-128, 128, shape, dtype=np.int8)
    if dtype == "uint8":
        return rng.integers(0, 256, shape, dtype=np.uint8)
    if dtype == "float32":
        # A float input is quantized at once; values over a few units reach
        # both ends of any int8 range the generated models choose.
        return rng.uniform(-4.0, 4.0, shape).astype(np.float32)
    raise RuntimeError(f"input type {dtype}: this check feeds int8, uint8 and float32 models")


def every_value_input(shape):
    """Every int8 value in turn, repeated to the input's size."""
    return np.resize(np.arange(-128, 128, dtype=np.int8), shape)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("models", nargs="*")
    ap.add_argument("--inputs", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--soc", action="append")
    ap.add_argument("--kiln", default=os.path.join(ROOT, "build", "tools", "kiln"))
    ap.add_argument("--tflm", default=os.path.join(ROOT, "build", "tflm", "tflm_run"))
    ap.add_argument("--ctest", action="store_true")
    a = ap.parse_args()
    if not os.access(a.tflm, os.X_OK):
        print(f"check_tflm: no tflm_run at {a.tflm} (build it with scripts/build_tflm.sh)", file=sys.stderr)
        if a.ctest and os.environ.get("CI") != "true":
            return 77
        return 1
    models = a.models or default_models()
    if not models:
        print("check_tflm: no .tflite models found", file=sys.stderr)
        return 1
    socs = a.soc or [os.path.join(ROOT, "configs", "soc", "default.yaml")]
    failures = []
    print(f"{'model':34} {'soc':10} {'inputs':>6} {'elements':>9} {'identical':>9}  result")
    with tempfile.TemporaryDirectory() as tmp:
        for model in models:
            name = os.path.basename(model)
            try:
                dtype, shape = model_input(a.tflm, model)
            except RuntimeError as e:
                failures.append(f"{name}: {e}")
                print(f"{name:34} {'':10} {'':>6} {'':>9} {'':>9}  FAIL")
                continue
            for soc in socs:
                soc_name = os.path.splitext(os.path.basename(soc))[0]
                elements = identical = 0
                ok = True
                runs = a.inputs + (dtype.lower() == "int8")
                for k in range(runs):
                    seed = a.seed + k
                    inp = os.path.join(tmp, f"in{seed}.npy")
                    kiln_out, tflm_out = os.path.join(tmp, "kiln.npy"), os.path.join(tmp, "tflm.npy")
                    np.save(inp, random_input(dtype, shape, seed) if k < a.inputs else every_value_input(shape))
                    for f in (kiln_out, tflm_out):
                        if os.path.exists(f):
                            os.remove(f)
                    k_run = subprocess.run([a.kiln, "run", model, "--soc", soc, "--input", inp, "--output", kiln_out],
                                           capture_output=True, text=True)
                    t_run = subprocess.run([a.tflm, model, inp, tflm_out], capture_output=True, text=True)
                    if k_run.returncode != 0 or t_run.returncode != 0:
                        ok = False
                        why = (k_run.stderr or k_run.stdout).strip().splitlines()[-1:] if k_run.returncode else \
                            t_run.stderr.strip().splitlines()[-1:]
                        failures.append(f"{name} on {soc_name}, seed {seed}: "
                                        f"{'kiln run' if k_run.returncode else 'tflm_run'} failed: {' '.join(why)}")
                        continue
                    ko, to = np.load(kiln_out), np.load(tflm_out)
                    if ko.dtype != to.dtype or ko.size != to.size:
                        ok = False
                        failures.append(f"{name} on {soc_name}, seed {seed}: kiln wrote {ko.dtype} {ko.shape}, "
                                        f"TFLite Micro {to.dtype} {to.shape}")
                        continue
                    if ko.dtype == np.float32:  # bit for bit: -0.0 is not 0.0, NaN is what it is
                        same = ko.reshape(-1).view(np.int32) == to.reshape(-1).view(np.int32)
                    else:
                        same = ko.reshape(-1) == to.reshape(-1)
                    elements += ko.size
                    identical += int(same.sum())
                    if not same.all():
                        ok = False
                        i = int(np.argmin(same))
                        failures.append(f"{name} on {soc_name}, seed {seed}: element {i}: kiln {ko.reshape(-1)[i]}, "
                                        f"TFLite Micro {to.reshape(-1)[i]} ({int((~same).sum())} of {ko.size} differ)")
                print(f"{name:34} {soc_name:10} {runs:6} {elements:9} {identical:9}  {'pass' if ok else 'FAIL'}",
                      flush=True)
    for f in failures:
        print("  " + f)
    print(f"{'all identical' if not failures else str(len(failures)) + ' failure(s)'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
