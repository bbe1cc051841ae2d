#!/usr/bin/python3
"""Fits kiln's MCU core profiles to published MLPerf Tiny latencies.

For each (core, kernel library) with closed-division results on a board kiln
has a config for, the script runs kiln (`kiln run --mcu-only --report`) on
the four MLPerf Tiny models on that board, fits the profile's costs to the
published latencies, writes the profile (configs/mcu/<core_id>-<library_id>.yaml,
every number with the CSV rows it was fitted from or the rule it was derived
by), simulates every board and network again with the written profile, and
writes the result tables of docs/silicon.md (between the markers
`<!-- fit_mcu_profiles.py: begin -->` and `<!-- fit_mcu_profiles.py: end -->`).

The model (docs/silicon.md, "Method"): kiln's simulated latency of a layer on
the MCU is the time its operands spend on the bus (flash wait states
included) plus `fixed + per_mac * MACs + per_element * outputs` cycles. The
bus part and the element-wise kernels (counted, configs/mcu/data/elementwise_cycles.csv)
are measured by simulating with every weighted kernel free (T0); the rest is
fitted, jointly over every profile: per profile a cost per conv2d MAC `a` and a
cost per output element `e`; per library family the per-MAC ratios of conv2d_1x1,
conv2d_shallow, depthwise_conv2d and fully_connected to conv2d (1 for a family of
one profile); per core a factor on conv2d and fully_connected shared by every
library on it (1 on the Cortex-M4); ln of ratios and factors pulled towards 0 by a
weak prior. Every weighted kernel gets {fixed: 0, per_mac: a * r[kernel],
per_element: e}. Leave-one-network-out (LONO) refits without the held-out
profile's result on that network (the family's ratios and the core's factors from
the other rows), then simulates that network with it; strict LONO removes the
network from every profile.

Usage:
  scripts/fit_mcu_profiles.py [--kiln build/tools/kiln]   rewrite profiles and docs tables
  scripts/fit_mcu_profiles.py --check                      exit 1 if they differ from what it writes
"""

import argparse
import csv
import json
import math
import os
import re
import subprocess
import sys
import tempfile

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CSV_PATH = "configs/mcu/data/mlperf_tiny_closed.csv"
WORKLOADS = os.path.normpath(os.path.join(ROOT, "..", "shared", "workloads", "mlperf-tiny"))
NETWORKS = [("ic", "pretrainedResnet_quant.tflite"), ("kws", "kws_ref_model.tflite"),
            ("vww", "vww_96_int8.tflite"), ("ad", "ad01_int8.tflite")]
NETS = [n for n, _ in NETWORKS]
DOC = "docs/silicon.md"
BEGIN = "<!-- fit_mcu_profiles.py: begin -->"
END = "<!-- fit_mcu_profiles.py: end -->"
# The kernel list and which kernels count MACs: the hand-chosen profile names every kernel.
KERNEL_SOURCE = "configs/mcu/generic-cm4-class.yaml"

# The board config each CSV board name runs on. NUCLEO-L4R5ZI-P is the
# NUCLEO-L4R5ZI with the STM32L4R5ZI's SMPS variant (same core, clock, flash
# and SRAM in the systems JSONs); NUCLEO-H7A3ZI is the bosch JSONs' name of
# the NUCLEO-H7A3ZI-Q.
BOARDS = {
    "NUCLEO-L4R5ZI": "nucleo-l4r5zi", "Nucleo-L4R5ZI": "nucleo-l4r5zi", "NUCLEO-L4R5ZI-P": "nucleo-l4r5zi",
    "NUCLEO-U575ZI-Q": "nucleo-u575zi-q", "NUCLEO-H7A3ZI-Q": "nucleo-h7a3zi-q", "NUCLEO-H7A3ZI": "nucleo-h7a3zi-q",
    "DISCO-F746NG": "disco-f746ng", "EK-RA6M4": "ek-ra6m4", "EK-RA8D1": "ek-ra8d1",
    "CY8CPROTO-062-4343W": "cy8cproto-062-4343w", "NUCLEO-U385RG-Q": "nucleo-u385rg-q",
    "NUCLEO-G0B1RE": "nucleo-g0b1re",
}

# Fitted profiles: (core_id, library_id, core, library, family, [(round, submitter, system)]).
# One result set per (core, library): the newest round of the library on the
# boards kiln has configs for; the other rounds and boards are held out (HELD_OUT).
FITTED = [
    ("cortex-m4", "cmsis-nn", "Cortex-M4", "CMSIS-NN through TFLite Micro 2.3.1", "cmsis-nn",
     [("v0.5", "reference", "Nucleo-L4R5ZI")]),
    ("cortex-m33", "cmsis-nn", "Cortex-M33", "CMSIS-NN through TFLite Micro (Renesas, 2022)", "cmsis-nn",
     [("v0.7", "renesas", "EK-RA6M4")]),
    ("cortex-m85", "cmsis-nn", "Cortex-M85 with Helium", "CMSIS-NN (Helium) through TFLite Micro, LLVM", "cmsis-nn",
     [("v1.2", "Renesas", "EK-RA8D1")]),
    ("cortex-m4", "x-cube-ai", "Cortex-M4", "X-CUBE-AI 9.0", "x-cube-ai",
     [("v1.2", "STMicroelectronics", "NUCLEO_L4R5ZI")]),
    ("cortex-m7", "x-cube-ai", "Cortex-M7", "X-CUBE-AI 9.0", "x-cube-ai",
     [("v1.2", "STMicroelectronics", "NUCLEO_H7A3ZI_Q")]),
    ("cortex-m33", "x-cube-ai", "Cortex-M33", "X-CUBE-AI 9.0", "x-cube-ai",
     [("v1.2", "STMicroelectronics", "NUCLEO_U575ZI_Q")]),
    ("cortex-m4", "plumerai", "Cortex-M4", "Plumerai Inference Engine 2023.05", "plumerai",
     [("v1.1", "plumerai", "NUCLEO-L4R5ZI")]),
    ("cortex-m7", "plumerai", "Cortex-M7", "Plumerai Inference Engine 2023.05", "plumerai",
     [("v1.1", "plumerai", "DISCO-F746NG"), ("v1.1", "plumerai", "NUCLEO-H7A3ZI-Q")]),
    ("cortex-m33", "plumerai", "Cortex-M33", "Plumerai Inference Engine 2023.05", "plumerai",
     [("v1.1", "plumerai", "NUCLEO-U575ZI-Q")]),
    ("cortex-m4", "bosch-hale", "Cortex-M4", "Bosch HALE (int8)", "bosch-hale",
     [("v1.2", "bosch", "NUCLEO_L4R5ZI_int8")]),
    ("cortex-m7", "bosch-hale", "Cortex-M7", "Bosch HALE (int8)", "bosch-hale",
     [("v1.2", "bosch", "DISCO_F746NG_int8"), ("v1.2", "bosch", "NUCLEO_H7A3ZI_int8")]),
    ("cortex-m33", "bosch-hale", "Cortex-M33", "Bosch HALE (int8)", "bosch-hale",
     [("v1.2", "bosch", "NUCLEO_U575ZI_int8")]),
    ("cortex-m0plus", "bosch-hale", "Cortex-M0+", "Bosch HALE (int8)", "bosch-hale",
     [("v1.2", "bosch", "NUCLEO_G0B1RE_int8")]),
    ("cortex-m4", "microtvm-cmsis-nn", "Cortex-M4", "microTVM with CMSIS-NN (TVM 0.9 era, OctoML)", "microtvm-cmsis-nn",
     [("v1.0", "OctoML", "microtvm_cmsis_nn/NUCLEO_L4R5ZI")]),
    ("cortex-m4", "microtvm-c", "Cortex-M4", "microTVM, TVM-generated C without CMSIS-NN (OctoML)", "microtvm-c",
     [("v1.0", "OctoML", "microtvm_native/NUCLEO_L4R5ZI")]),
]

# Published results of the same core and library on boards, rounds or
# submitters no fit used: (profile, round, submitter, system, what differs).
HELD_OUT = [
    ("cortex-m4-x-cube-ai", "v1.3", "STMicroelectronics", "NUCLEO_L4R5ZI-P", "X-CUBE-AI 10.2, later round"),
    ("cortex-m33-x-cube-ai", "v1.3", "STMicroelectronics", "NUCLEO_U575ZI_Q", "X-CUBE-AI 10.2, later round"),
    ("cortex-m33-x-cube-ai", "v1.3", "STMicroelectronics", "NUCLEO_U385RG_Q", "X-CUBE-AI 10.2, other board (96 MHz)"),
    ("cortex-m4-plumerai", "v1.1", "plumerai", "CY8CPROTO-062-4343W", "other board (PSoC 62, 150 MHz)"),
    ("cortex-m4-bosch-hale", "v1.2", "bosch", "CY8CPROTO_062_4343W_int8", "other board (PSoC 62, 150 MHz)"),
    ("cortex-m4-bosch-hale", "v1.1", "bosch", "NUCLEO_L4R5ZI", "earlier round"),
    ("cortex-m7-bosch-hale", "v1.1", "bosch", "DISCO_F746NG", "earlier round"),
    ("cortex-m7-bosch-hale", "v1.1", "bosch", "NUCLEO_H7A3ZI", "earlier round"),
    ("cortex-m33-bosch-hale", "v1.1", "bosch", "NUCLEO_U575ZI", "earlier round"),
    ("cortex-m0plus-bosch-hale", "v1.1", "bosch", "NUCLEO_G0B1RE", "earlier round"),
    ("cortex-m4-microtvm-cmsis-nn", "v1.1", "Krai", "NUCLEO-L4R5ZI_MICROTVM-CMSIS-NN", "other submitter"),
    ("cortex-m4-microtvm-c", "v1.1", "Krai", "NUCLEO-L4R5ZI_MICROTVM-NATIVE", "other submitter"),
]

# The weighted kernels, whose costs are fitted; the element-wise and data-movement kernels are
# priced by the counts in ELEMENTWISE_PATH (docs/silicon.md, Element-wise kernels).
CONV_KERNELS = ["conv2d", "conv2d_1x1", "conv2d_shallow", "depthwise_conv2d", "fully_connected"]
ELEMENTWISE_PATH = "configs/mcu/data/elementwise_cycles.csv"
# Kernels whose cost per MAC the core's factor c scales, shared by every library on the core: what
# the core and its boards do to 3x3 convolutions and to weight-streaming fully connected layers
# relative to the Cortex-M4 (CORE_REFERENCE, every family has a profile on it).
CORE_KERNELS = ["conv2d", "fully_connected"]
CORE_REFERENCE = "cortex-m4"
# Kernels whose cost per MAC the family's ratio r scales (conv2d costs `a` per MAC).
RATIO_KERNELS = ["conv2d_1x1", "conv2d_shallow", "depthwise_conv2d", "fully_connected"]
PRIOR = 0.1       # weight of ln r and ln c against relative latency errors
ITERATIONS = 500  # Levenberg-Marquardt steps at most


def sig(x, digits=4):
    """x rounded to `digits` significant digits, as the shortest text."""
    if x == 0:
        return "0"
    return f"{float(f'{x:.{digits}g}'):g}"


def read_kernels():
    """[(kernel, counts_macs)] in the order of the hand-chosen profile, then the kernels it leaves to their
    priced_as kernel but ELEMENTWISE_PATH counts (the float kernels), in the CSV's order."""
    out = []
    in_costs = False
    for line in open(os.path.join(ROOT, KERNEL_SOURCE)):
        if line.startswith("costs:"):
            in_costs = True
            continue
        m = re.match(r"^  ([a-z0-9_]+):\s*\{(.*)\}", line)
        if in_costs and m:
            out.append((m.group(1), "per_mac" in m.group(2)))
            if m.group(1) == "conv2d":  # its variants, which that table prices as conv2d
                out += [("conv2d_1x1", True), ("conv2d_shallow", True)]
    extra = {}
    with open(os.path.join(ROOT, ELEMENTWISE_PATH), newline="") as f:
        for r in csv.DictReader(f):
            if r["kernel"] not in dict(out):
                extra[r["kernel"]] = extra.get(r["kernel"], False) or float(r["per_mac"]) != 0
    return out + list(extra.items())


def read_rows():
    rows = []
    with open(os.path.join(ROOT, CSV_PATH), newline="") as f:
        for line_no, r in enumerate(csv.DictReader(f), start=2):  # line 1 is the header
            r["line"] = line_no
            rows.append(r)
    return rows


def result_set(rows, rnd, submitter, system):
    """{net: row} of one (round, submitter, system); all four networks required."""
    got = {r["benchmark"]: r for r in rows
           if (r["round"], r["submitter"], r["system"]) == (rnd, submitter, system) and r["benchmark"] in NETS}
    missing = [n for n in NETS if n not in got]
    if missing:
        sys.exit(f"{CSV_PATH}: {rnd} {submitter} {system}: no {', '.join(missing)} result")
    return got


class Kiln:
    """Runs kiln on a board config with a given profile file; caches by (board, profile text, net)."""

    def __init__(self, exe, tmp):
        self.exe, self.tmp, self.cache, self.runs = exe, tmp, {}, 0

    def board_text(self, board):
        return open(os.path.join(ROOT, "configs", "soc", "boards", board + ".yaml")).read()

    def clock_mhz(self, board):
        m = re.search(r"^mcu:\s*\n\s+clock_mhz:\s*([0-9.]+)", self.board_text(board), re.M)
        return float(m.group(1))

    def run(self, board, profile_text, net):
        key = (board, profile_text, net)
        if key in self.cache:
            return self.cache[key]
        n = len(self.cache)
        prof = os.path.join(self.tmp, f"profile{n}.yaml")
        with open(prof, "w") as f:
            f.write(profile_text)
        soc_text, count = re.subn(r"^(\s+profile:)\s*\S+", lambda m: m.group(1) + " " + prof, self.board_text(board),
                                  count=1, flags=re.M)
        if count != 1:
            sys.exit(f"configs/soc/boards/{board}.yaml: no mcu.profile line to replace")
        soc = os.path.join(self.tmp, f"soc{n}.yaml")
        with open(soc, "w") as f:
            f.write(soc_text)
        report = os.path.join(self.tmp, "report.json")
        model = os.path.join(WORKLOADS, dict(NETWORKS)[net])
        p = subprocess.run([self.exe, "run", model, "--soc", soc, "--mcu-only", "--report", report],
                           capture_output=True, text=True)
        if p.returncode != 0:
            sys.exit(f"kiln run {model} on {board} failed:\n{p.stderr}")
        self.runs += 1
        j = json.load(open(report))
        if not j["totals"]["outputs_match_reference"]:
            sys.exit(f"kiln run {model} on {board}: outputs differ from the reference")
        layers = [l for l in j["layers"] if l["unit"] == "mcu" and l["mcu_kernel"] in CONV_KERNELS]
        macs = {k: 0 for k in ["base"] + RATIO_KERNELS}
        for l in layers:
            macs[l["mcu_kernel"] if l["mcu_kernel"] in RATIO_KERNELS else "base"] += l["macs"]
        out = {
            "cycles": j["totals"]["latency_us"] * self.clock_mhz(board),
            "macs": macs,
            "elements": sum(l["mcu_elements"] for l in layers),
            "elements_by": {k: sum(l["mcu_elements"] for l in layers if l["mcu_kernel"] == k) for k in CONV_KERNELS},
        }
        self.cache[key] = out
        return out


def profile_text(name, core, library, core_id, library_id, header, costs, line_comment):
    """costs: (a, e, r, ew): every weighted kernel (CONV_KERNELS) {fixed: 0, per_mac: a * r[kernel] (1 if
    absent), per_element: e}, every other kernel ew[kernel] = (per_mac, per_element, source);
    line_comment: the source of each weighted kernel's line."""
    lines = ["# Written by scripts/fit_mcu_profiles.py; do not edit (re-run it: docs/silicon.md).", "#"]
    lines += ["# " + h if h else "#" for h in header]
    lines += ["#", "# cycles = fixed + per_mac * MACs + per_element * output elements, per",
              "# kernel call, in MCU clock cycles (arch/mcu_op.h counts MACs and elements).",
              f"name: {name}", f"core: {core}", f"library: {library}", f"core_id: {core_id}",
              f"library_id: {library_id}", "costs:"]
    a, e, r, ew = costs
    for kernel, macs in KERNELS:
        fields = ["fixed: 0"]
        if kernel in CONV_KERNELS:
            per_mac, per_el, comment = a * r.get(kernel, 1.0), e, line_comment
        else:
            per_mac, per_el, comment = ew[kernel]
        if macs:
            fields.append(f"per_mac: {sig(per_mac)}")
        fields.append(f"per_element: {sig(per_el)}")
        lines.append(f"  {kernel + ':':18}{{{', '.join(fields)}}}  # {comment}")
    return "\n".join(lines) + "\n"


def weighted_macs(f, r):
    """MACs weighted by r, the cost per MAC of each weighted kernel relative to `a` (conv2d's key: "conv2d")."""
    return r.get("conv2d", 1.0) * f["macs"]["base"] + sum(r[k] * f["macs"][k] for k in RATIO_KERNELS)


def predict(f, a, e, r):
    return f["cycles"] + a * weighted_macs(f, r) + e * f["elements"]


def fit_profile(points, r):
    """Weighted (relative error) least squares of y - T0 = a * MACs(r) + e * elements, a, e >= 0.
    points: [(features, published cycles)]. Returns (a, e)."""
    X = np.array([[weighted_macs(f, r), f["elements"]] for f, _ in points], dtype=float)
    y = np.array([c - f["cycles"] for f, c in points], dtype=float)
    w = 1.0 / np.array([c for _, c in points], dtype=float)
    best = None
    # The unconstrained solution if both are >= 0, else the better one-term fit.
    for cols in ([0, 1], [0], [1]):
        A = X[:, cols] * w[:, None]
        sol, *_ = np.linalg.lstsq(A, y * w, rcond=None)
        if np.any(sol < 0):
            continue
        theta = np.zeros(2)
        theta[cols] = sol
        err = float(np.sum(((X @ theta - y) * w) ** 2))
        if best is None or err < best[0] - 1e-15:
            best = (err, theta)
    return tuple(best[1]) if best else (0.0, 0.0)


def fit_all(members, exclude=lambda name, net: False):
    """members: {profile: (family, core_id, [(features, published cycles, net)])}; exclude(profile, net)
    leaves points out. Levenberg-Marquardt on the relative errors of every kept point, over every
    profile's (a, e), each family's ratios r (families of more than one profile) and each core's factors
    c on CORE_KERNELS (cores other than CORE_REFERENCE), with the prior rows PRIOR * ln r and PRIOR * ln c.
    Returns ({profile: (a, e, r)}): r the effective ratio per weighted kernel, family ratio times core factor."""
    names = list(members)
    use = {n: [(f, c) for f, c, net in members[n][2] if not exclude(n, net)] for n in names}
    fams = sorted({members[n][0] for n in names if sum(members[m][0] == members[n][0] for m in names) > 1})
    cores = sorted({members[n][1] for n in names} - {CORE_REFERENCE})
    i_r = {f: 2 * len(names) + i * len(RATIO_KERNELS) for i, f in enumerate(fams)}
    base_c = 2 * len(names) + len(fams) * len(RATIO_KERNELS)
    i_c = {(c, k): base_c + i * len(CORE_KERNELS) + j for i, c in enumerate(cores) for j, k in enumerate(CORE_KERNELS)}
    size = base_c + len(i_c)

    def ratios(x, name):
        """{kernel: family ratio * core factor} for a profile, conv2d's key "conv2d"."""
        fam, core = members[name][0], members[name][1]
        r = {k: float(x[i_r[fam] + j]) if fam in i_r else 1.0 for j, k in enumerate(RATIO_KERNELS)}
        r["conv2d"] = 1.0
        for k in CORE_KERNELS:
            if (core, k) in i_c:
                r[k] *= float(x[i_c[(core, k)]])
        return r

    x = np.ones(size)
    for i, n in enumerate(names):
        x[2 * i:2 * i + 2] = fit_profile(use[n], {k: 1.0 for k in RATIO_KERNELS})

    def residuals(x):
        res, jac = [], []
        for i, n in enumerate(names):
            a, e = float(x[2 * i]), float(x[2 * i + 1])
            fam, core = members[n][0], members[n][1]
            r = ratios(x, n)
            for f, c in use[n]:
                row = np.zeros(size)
                row[2 * i] = weighted_macs(f, r) / c
                row[2 * i + 1] = f["elements"] / c
                for j, k in enumerate(RATIO_KERNELS):
                    if fam in i_r:
                        row[i_r[fam] + j] = a * f["macs"][k] * r[k] / x[i_r[fam] + j] / c
                for k in CORE_KERNELS:
                    if (core, k) in i_c:
                        m = f["macs"]["base" if k == "conv2d" else k]
                        row[i_c[(core, k)]] = a * m * r[k] / x[i_c[(core, k)]] / c
                res.append(predict(f, a, e, r) / c - 1)
                jac.append(row)
        for i in range(2 * len(names), size):
            row = np.zeros(size)
            row[i] = PRIOR / x[i]
            res.append(PRIOR * math.log(x[i]))
            jac.append(row)
        return np.array(res), np.array(jac)

    lower = np.array([0.0] * (2 * len(names)) + [0.05] * (size - 2 * len(names)))
    res, jac = residuals(x)
    cost, lam = float(res @ res), 1e-3
    for _ in range(ITERATIONS):
        g, h = jac.T @ res, jac.T @ jac
        step = np.linalg.solve(h + lam * np.diag(np.diag(h) + 1e-12), -g)
        trial = np.maximum(x + step, lower)
        tres, tjac = residuals(trial)
        tcost = float(tres @ tres)
        if tcost < cost:
            x, res, jac, lam = trial, tres, tjac, lam / 3
            if cost - tcost < 1e-14:
                break
            cost = tcost
        else:
            lam *= 3
            if lam > 1e12:
                break
    return {n: (float(x[2 * i]), float(x[2 * i + 1]), ratios(x, n)) for i, n in enumerate(names)}


def read_elementwise():
    """{class: {kernel: (per_mac, per_element, CSV line)}} from ELEMENTWISE_PATH."""
    out = {}
    with open(os.path.join(ROOT, ELEMENTWISE_PATH), newline="") as f:
        for line_no, r in enumerate(csv.DictReader(f), start=2):
            out.setdefault(r["class"], {})[r["kernel"]] = (float(r["per_mac"]), float(r["per_element"]), line_no)
    for cls, kernels in out.items():
        missing = [k for k, _ in KERNELS if k not in CONV_KERNELS and k not in kernels]
        if missing:
            sys.exit(f"{ELEMENTWISE_PATH}: class {cls} has no {', '.join(missing)} row")
    return out


def elementwise_class(core_id, lib_id):
    """The ELEMENTWISE_PATH class whose counts price a profile's element-wise kernels: the C path for
    libraries without SIMD and for the Cortex-M0+ (no DSP extension), MVE for the Helium cores (the
    Cortex-M85 with its own timing of the same loops), else DSP."""
    if lib_id in ("portable-c", "microtvm-c") or core_id == "cortex-m0plus":
        return "c"
    return {"cortex-m55": "mve", "cortex-m85": "mve-m85"}.get(core_id, "dsp")


def pct(x):
    return f"{100 * x:+.1f}%"


def ms(x):
    return f"{x:.4g}"


def generate(kiln_exe):
    rows = read_rows()
    outputs = {}  # path relative to ROOT -> text
    with tempfile.TemporaryDirectory(prefix="kiln-fit-") as tmp:
        kiln = Kiln(kiln_exe, tmp)
        table = read_elementwise()

        def geo_ratio(pairs):
            return math.exp(sum(math.log(x / y) for x, y in pairs) / len(pairs))

        # Cycle ratios of cores no count is timed for, from one library's published latencies on both.
        x7 = result_set(rows, "v1.2", "STMicroelectronics", "NUCLEO_H7A3ZI_Q")
        x4 = result_set(rows, "v1.2", "STMicroelectronics", "NUCLEO_L4R5ZI")
        m7_over_m4 = geo_ratio([(float(x7[n]["latency_ms"]) * float(x7[n]["clock_mhz"]),
                                 float(x4[n]["latency_ms"]) * float(x4[n]["clock_mhz"])) for n in NETS])
        b0 = result_set(rows, "v1.2", "bosch", "NUCLEO_G0B1RE_int8")
        b4 = result_set(rows, "v1.2", "bosch", "NUCLEO_L4R5ZI_int8")
        m0_over_m4 = geo_ratio([(float(b0[n]["latency_ms"]) * float(b0[n]["clock_mhz"]),
                                 float(b4[n]["latency_ms"]) * float(b4[n]["clock_mhz"])) for n in NETS])
        core_factor = {"cortex-m7": (m7_over_m4, "the Cortex-M7/M4 ratio (Derived profiles)"),
                       "cortex-m0plus": (m0_over_m4, "the Cortex-M0+/M4 ratio (Derived profiles)")}

        def elementwise(core_id, lib_id):
            """{kernel: (per_mac, per_element, source)} of a profile's element-wise kernels."""
            cls = elementwise_class(core_id, lib_id)
            factor, why = core_factor.get(core_id, (1.0, ""))
            out = {}
            for kernel, (pm, pe, line) in table[cls].items():
                src = f"counted: {ELEMENTWISE_PATH} line {line} ({cls})"
                out[kernel] = (pm * factor, pe * factor, src + (f" x {sig(factor)}, {why}" if factor != 1 else ""))
            return out

        def features(board, net, ew):
            """The run with every weighted kernel free: bus time plus the element-wise kernels' counted cost."""
            base = profile_text("base", "none", "none", "none", "none", [], (0.0, 0.0, {}, ew), "zero")
            return kiln.run(board, base, net)

        # Data points per family and profile.
        families, info = {}, {}
        for core_id, lib_id, core, library, family, sets in FITTED:
            name = f"{core_id}-{lib_id}"
            pts, used = [], []
            for rnd, sub, system in sets:
                rs = result_set(rows, rnd, sub, system)
                board = BOARDS[rs["ic"]["board"]]
                for n in NETS:
                    r = rs[n]
                    cycles = float(r["latency_ms"]) * 1000.0 * float(r["clock_mhz"])
                    pts.append((features(board, n, elementwise(core_id, lib_id)), cycles, n))
                    used.append((board, n, r))
            families.setdefault(family, {})[name] = pts
            info[name] = dict(core_id=core_id, lib_id=lib_id, core=core, library=library, family=family, used=used)

        members = {name: (info[name]["family"], info[name]["core_id"], pts)
                   for family, ms in families.items() for name, pts in ms.items()}
        fitted = fit_all(members)
        lono, strict = {}, {}
        for n in NETS:
            ps = fit_all(members, exclude=lambda name, net, n=n: net == n)
            for name in members:
                strict[(name, n)] = ps[name]
            for held in members:
                lono[(held, n)] = fit_all(members, exclude=lambda name, net, n=n, held=held: (name, net) == (held, n))[held]

        def rows_text(used):
            by_set = {}
            for board, n, r in used:
                by_set.setdefault((r["round"], r["submitter"], r["system"], board, r["clock_mhz"]), []).append(r)
            out = []
            for (rnd, sub, system, board, mhz), rs in by_set.items():
                lines = ", ".join(str(r["line"]) for r in rs)
                lat = ", ".join(f"{r['benchmark']} {r['latency_ms']} ms" for r in rs)
                out.append(f"  {rnd} {sub} {system} on {board} at {mhz} MHz: {CSV_PATH} lines {lines}")
                out.append(f"    ({lat})")
            return out

        def ratio_text(r):
            return ", ".join(f"{k} {sig(r[k], 3)}" for k in ["conv2d"] + RATIO_KERNELS)

        def fitted_profile(name, a, e, r, lono_net=None):
            i = info[name]
            family = [m for m in families[i["family"]] if m != name]
            head = [f"{i['core']} with {i['library']}: fitted by scripts/fit_mcu_profiles.py to the",
                    "published MLPerf Tiny latencies (closed division) of" + (
                        f" the networks other than {lono_net}" if lono_net else "") + ":"]
            head += rows_text(i["used"])
            head += ["",
                     "Model (docs/silicon.md, Method): per MAC a * r[kernel], per output element e,",
                     f"no fixed cost per call; a = {sig(a)} and e = {sig(e)} fitted to these rows after",
                     "the bus time and element-wise kernels kiln simulates on the board. r is the",
                     "family's ratio of each kernel's cost per MAC to conv2d's" + (
                         " (1: the " + i["family"] + " family has no other profile)" if not family else
                         ", fitted with the " + i["family"] + " family's other profiles (" + ", ".join(family) + ")"),
                     "times the core's factor on " + " and ".join(CORE_KERNELS) + (
                         " (1: the Cortex-M4 is the reference)" if i["core_id"] == CORE_REFERENCE else
                         ", fitted with every profile of the core"),
                     f"  {ratio_text(r)}",
                     "These price the weighted kernels (" + ", ".join(CONV_KERNELS) + ").",
                     "The element-wise and data-movement kernels are not fitted: their costs are",
                     f"counted from the kernels' code ({ELEMENTWISE_PATH}, the line named on each;",
                     "docs/silicon.md, Element-wise kernels)."]
            return profile_text(name, i["core"], i["library"], i["core_id"], i["lib_id"], head,
                                (a, e, r, elementwise(i["core_id"], i["lib_id"])), "fitted (a, e, r above)")

        texts = {name: fitted_profile(name, *p) for name, p in fitted.items()}

        # Derived profiles: (name, core, core_id, library, lib_id, source profile, factor, rule lines).
        tvm_c = result_set(rows, "v1.0", "OctoML", "microtvm_native/NUCLEO_L4R5ZI")
        tvm_nn = result_set(rows, "v1.0", "OctoML", "microtvm_cmsis_nn/NUCLEO_L4R5ZI")
        c_over_nn = geo_ratio([(float(tvm_c[n]["latency_ms"]), float(tvm_nn[n]["latency_ms"])) for n in NETS])
        coremark_m55, coremark_m85 = 4.2, 6.28
        m55_over_m85 = coremark_m85 / coremark_m55

        c_rule = [f"portable C / CMSIS-NN = {sig(c_over_nn)}: the geometric mean over IC, KWS, VWW, AD of",
                  "microTVM without CMSIS-NN over microTVM with CMSIS-NN on NUCLEO-L4R5ZI (v1.0, OctoML;",
                  f"{CSV_PATH} lines " + ", ".join(str(tvm_c[n]["line"]) for n in NETS) + " and " +
                  ", ".join(str(tvm_nn[n]["line"]) for n in NETS) + ").",
                  "No closed-division result runs TFLite Micro's reference kernels on a Cortex-M, so",
                  "this ratio of TVM-generated C to CMSIS-NN is the only measured one; TVM's C is",
                  "scheduled code, so the ratio understates plain reference kernels (and on a",
                  "Helium core, whose CMSIS-NN uses vector instructions, understates it more)."]
        m7_rule = [f"Cortex-M7 / Cortex-M4 cycles with the same library = {sig(m7_over_m4)}: the geometric mean",
                   "over IC, KWS, VWW, AD of latency x clock of X-CUBE-AI 9.0 on NUCLEO-H7A3ZI-Q (M7,",
                   "280 MHz) over NUCLEO-L4R5ZI (M4, 120 MHz), v1.2 (" + CSV_PATH + " lines " +
                   ", ".join(str(x7[n]["line"]) for n in NETS) + " and " +
                   ", ".join(str(x4[n]["line"]) for n in NETS) + ").",
                   "No closed-division Cortex-M7 result uses CMSIS-NN."]
        m0_rule = [f"Cortex-M0+ / Cortex-M4 cycles with the same library = {sig(m0_over_m4)}: the geometric mean",
                   "over IC, KWS, VWW, AD of latency x clock of Bosch HALE (int8) on NUCLEO-G0B1RE (M0+,",
                   "64 MHz) over NUCLEO-L4R5ZI (M4, 120 MHz), v1.2 (" + CSV_PATH + " lines " +
                   ", ".join(str(b0[n]["line"]) for n in NETS) + " and " +
                   ", ".join(str(b4[n]["line"]) for n in NETS) + ").",
                   "No closed-division Cortex-M0+ result uses CMSIS-NN (whose M0+ kernels are its",
                   "plain C fallbacks: the M0+ has no DSP extension)."]
        m55_rule = [f"Cortex-M55 / Cortex-M85 cycles = {sig(m55_over_m85)}: Arm's CoreMark/MHz of the two cores",
                    f"({coremark_m85} for the M85, {coremark_m55} for the M55, Arm's product pages; not re-checked",
                    "here), applied to every cost. No closed-division result runs on a Cortex-M55; both",
                    "cores execute Helium, so the scalar ratio may overstate the gap on vector kernels."]
        derived = [
            ("cortex-m4-portable-c", "Cortex-M4", "cortex-m4", "portable C kernels (no SIMD), derived", "portable-c",
             "cortex-m4-cmsis-nn", c_over_nn, c_rule),
            ("cortex-m33-portable-c", "Cortex-M33", "cortex-m33", "portable C kernels (no SIMD), derived",
             "portable-c", "cortex-m33-cmsis-nn", c_over_nn, c_rule),
            ("cortex-m85-portable-c", "Cortex-M85 with Helium", "cortex-m85", "portable C kernels (no SIMD), derived",
             "portable-c", "cortex-m85-cmsis-nn", c_over_nn, c_rule),
            ("cortex-m7-cmsis-nn", "Cortex-M7", "cortex-m7", "CMSIS-NN, derived from Cortex-M4", "cmsis-nn",
             "cortex-m4-cmsis-nn", m7_over_m4, m7_rule),
            ("cortex-m7-portable-c", "Cortex-M7", "cortex-m7", "portable C kernels (no SIMD), derived",
             "portable-c", "cortex-m7-cmsis-nn", c_over_nn, c_rule),
            ("cortex-m0plus-cmsis-nn", "Cortex-M0+", "cortex-m0plus", "CMSIS-NN, derived from Cortex-M4", "cmsis-nn",
             "cortex-m4-cmsis-nn", m0_over_m4, m0_rule),
            ("cortex-m0plus-portable-c", "Cortex-M0+", "cortex-m0plus", "portable C kernels (no SIMD), derived",
             "portable-c", "cortex-m0plus-cmsis-nn", c_over_nn, c_rule),
            ("cortex-m55-cmsis-nn", "Cortex-M55 with Helium", "cortex-m55", "CMSIS-NN (Helium), derived from Cortex-M85",
             "cmsis-nn", "cortex-m85-cmsis-nn", m55_over_m85, m55_rule),
            ("cortex-m55-portable-c", "Cortex-M55 with Helium", "cortex-m55", "portable C kernels (no SIMD), derived",
             "portable-c", "cortex-m55-cmsis-nn", c_over_nn, c_rule),
        ]
        derived_costs = {}
        for name, core, core_id, library, lib_id, src, factor, rule in derived:
            a, e, r = fitted[src] if src in fitted else derived_costs[src]
            a, e = a * factor, e * factor
            derived_costs[name] = (a, e, r)
            head = [f"{core}, {library}: DERIVED, not measured. Every weighted kernel's cost",
                    f"is {src}'s times {sig(factor)}:"] + rule + [
                    f"So a = {sig(a)}, e = {sig(e)}; ratios r as {src}'s:", f"  {ratio_text(r)}",
                    "(docs/silicon.md, Derived profiles). The element-wise and data-movement kernels",
                    f"are counted from the kernels' code ({ELEMENTWISE_PATH}, the line named on each;",
                    "docs/silicon.md, Element-wise kernels)."]
            texts[name] = profile_text(name, core, library, core_id, lib_id, head,
                                       (a, e, r, elementwise(core_id, lib_id)), f"derived: {src} x {sig(factor)}")

        for name, text in texts.items():
            outputs[f"configs/mcu/{name}.yaml"] = text

        # Tables, from kiln's simulation with the written profiles.
        def sim_ms(board, text, net):
            return kiln.run(board, text, net)["cycles"] / kiln.clock_mhz(board) / 1000.0

        fit_rows, ins_err, lono_err, strict_err = [], [], [], []
        for name in info:
            for board, n, r in info[name]["used"]:
                pub = float(r["latency_ms"])
                ins = sim_ms(board, texts[name], n)
                lo = sim_ms(board, fitted_profile(name, *lono[(name, n)], lono_net=n), n)
                st = sim_ms(board, fitted_profile(name, *strict[(name, n)], lono_net=n), n)
                ins_err.append(ins / pub - 1)
                lono_err.append(lo / pub - 1)
                strict_err.append(st / pub - 1)
                fit_rows.append(f"| `{name}` | {board} | {r['clock_mhz']} | {r['round']} {r['submitter']} | {n} | "
                                f"{ms(pub)} | {ms(ins)} | {pct(ins / pub - 1)} | {ms(lo)} | {pct(lo / pub - 1)} | "
                                f"{ms(st)} | {pct(st / pub - 1)} |")
        held_rows, held_err = [], []
        for name, rnd, sub, system, note in HELD_OUT:
            rs = result_set(rows, rnd, sub, system)
            for n in NETS:
                r = rs[n]
                board = BOARDS[r["board"]]
                pub = float(r["latency_ms"])
                got = sim_ms(board, texts[name], n)
                held_err.append(got / pub - 1)
                held_rows.append(f"| `{name}` | {r['board']} ({board}) | {r['clock_mhz']} | {rnd} {sub} `{system}` | "
                                 f"{note} | {n} | {ms(pub)} | {ms(got)} | {pct(got / pub - 1)} |")

        def stats(errs):
            a = np.abs(np.array(errs))
            return f"median {100 * float(np.median(a)):.1f}%, worst {100 * float(a.max()):.1f}% ({len(a)} points)"

        param_rows = []
        for name in info:
            a, e, r = fitted[name]
            param_rows.append(f"| `{name}` | {info[name]['family']} | {sig(a)} | {sig(e)} | " +
                              " | ".join(sig(r[k], 3) for k in ["conv2d"] + RATIO_KERNELS) + " |")
        derived_rows = [f"| `{name}` | `{src}` | {sig(f)} | {rule[0].split(':')[0]} |"
                        for name, _, _, _, _, src, f, rule in derived]

        doc = [BEGIN,
               "",
               "### Fitted profiles",
               "",
               "Per profile: the cost per conv2d MAC `a` and per output element `e` (MCU cycles)",
               "of the weighted kernels, and each kernel's cost per MAC relative to `a`: the",
               "family's ratio times the core's factor (conv2d and fully_connected; 1 on the Cortex-M4).",
               "",
               "| profile | family | a (cycles/MAC) | e (cycles/element) | " + " | ".join(["conv2d"] + RATIO_KERNELS) + " |",
               "|---|---|---|---|" + "---|" * (1 + len(RATIO_KERNELS))] + param_rows + [
               "",
               "### Fitted boards: published and simulated latency",
               "",
               "Latency in ms. \"kiln\" is `kiln run --mcu-only` on the board config with the",
               "written profile (in-sample). \"LONO\": the profile refitted without that network's",
               "result, its family's ratios and its core's factors from the other rows (other",
               "profiles' results on that network included). \"strict\": the network removed",
               "from every profile before fitting.",
               "",
               f"- in-sample error: {stats(ins_err)}",
               f"- leave-one-network-out error: {stats(lono_err)}",
               f"- strict leave-one-network-out error: {stats(strict_err)}",
               "",
               "| profile | board | MHz | round, submitter | network | published | kiln | error | LONO | LONO error | strict | strict error |",
               "|---|---|---|---|---|---|---|---|---|---|---|---|"] + fit_rows + [
               "",
               "### Held-out boards",
               "",
               "Published results no fit used, against kiln with the profile of the same core and",
               "library (fitted to the rows above).",
               "",
               f"- error: {stats(held_err)}",
               "",
               "| profile | board (config) | MHz | round, submitter, system | differs by | network | published | kiln | error |",
               "|---|---|---|---|---|---|---|---|---|"] + held_rows + [
               "",
               "### Derived profiles",
               "",
               "| profile | from | factor | rule |",
               "|---|---|---|---|"] + derived_rows + [
               "",
               END]
        text = open(os.path.join(ROOT, DOC)).read()
        if BEGIN not in text or END not in text:
            sys.exit(f"{DOC}: the markers {BEGIN} and {END} are missing")
        head, rest = text.split(BEGIN, 1)
        tail = rest.split(END, 1)[1]
        outputs[DOC] = head + "\n".join(doc) + tail
        print(f"kiln runs: {kiln.runs}; in-sample {stats(ins_err)}; LONO {stats(lono_err)}; "
              f"strict LONO {stats(strict_err)}; held out {stats(held_err)}", file=sys.stderr)
    return outputs


KERNELS = read_kernels()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--kiln", default=os.path.join(ROOT, "build", "tools", "kiln"), help="the kiln executable")
    ap.add_argument("--check", action="store_true",
                    help="write nothing; exit 1 if the profiles or docs tables differ from what the script writes")
    args = ap.parse_args()
    missing = [m for _, m in NETWORKS if not os.path.exists(os.path.join(WORKLOADS, m))]
    if missing:
        print(f"{WORKLOADS}: no {', '.join(missing)}: nothing to fit", file=sys.stderr)
        return 77
    outputs = generate(os.path.abspath(args.kiln))
    stale = []
    for rel, text in sorted(outputs.items()):
        path = os.path.join(ROOT, rel)
        old = open(path).read() if os.path.exists(path) else None
        if old == text:
            continue
        if args.check:
            stale.append(rel)
        else:
            with open(path, "w") as f:
                f.write(text)
            print(f"wrote {rel}")
    if stale:
        print("out of date (re-run scripts/fit_mcu_profiles.py): " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
