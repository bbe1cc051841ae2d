#!/usr/bin/python3
"""Extracts MLPerf Tiny closed-division performance results into one CSV.

Reads git snapshots (bare or not) of the mlcommons/tiny_results_vX.Y
repositories and writes one row per (round, submitter, system, benchmark) for
the four benchmarks ic, kws, vww and ad:

  - the median throughput, as printed in
    closed/<submitter>/results/<system>/<bench>/performance/results.txt
    ("Median throughput is X inf./sec."; v0.7 and v1.0 name the file
    performance_results.txt), and latency_ms = 1000 / throughput;
  - from closed/<submitter>/systems/<system>.json (matched by name, see
    match_system_json): the board, SoC, processor and its core, the clock,
    the accelerator if any, the framework and the kernel library;
  - the kernel library with the evidence it rests on: the systems JSON when it
    names the library, otherwise the submitted code folder (the TFLite Micro
    build scripts or IDE project that selects CMSIS-NN kernels, or the
    TFLite Micro conv kernel that calls arm_convolve_*);
  - the round and the exact source paths inside the repository, at the commit
    named in the source_commit column.

Usage:
  scripts/mlperf_tiny_results.py MIRROR... [-o OUT.csv]
MIRROR is a git directory of one results repository whose path names its
round (".../tiny_results_v1.2/..." or "...tiny_results_v1.2+..."), or a folder
holding such directories (e.g. the folder of all fetched snapshots). The
default output is configs/mcu/data/mlperf_tiny_closed.csv; "-o -" prints.
Rows are sorted, so the same snapshots regenerate the same file byte for byte.
"""

import argparse
import csv
import io
import json
import os
import re
import subprocess
import sys

BENCHMARKS = ("ic", "kws", "vww", "ad")
ROUND_RE = re.compile(r"tiny_results_v(\d+\.\d+)")
THROUGHPUT_RE = re.compile(r"Median throughput is\s+([0-9.]+)\s+inf\./sec\.")
RESULT_NAMES = ("results.txt", "performance_results.txt")

COLUMNS = [
    "round", "submitter", "system", "benchmark",
    "median_throughput_ips", "latency_ms",
    "board", "soc", "processor", "core", "clock_mhz", "accelerator",
    "soc_sram", "soc_flash",
    "quantization", "framework", "kernel_library", "library_family", "kernel_library_evidence",
    "results_path", "system_json_path", "source_repo", "source_commit",
]


def git(repo, *args):
    out = subprocess.run(["git", "--git-dir", repo, *args], capture_output=True, check=True)
    return out.stdout


def git_text(repo, *args):
    return git(repo, *args).decode("utf-8-sig", errors="replace")


class Snapshot:
    """One results repository at its HEAD commit."""

    def __init__(self, path, round_name):
        self.path = path
        self.round = round_name
        self.commit = git_text(path, "rev-parse", "HEAD").strip()
        self.files = git_text(path, "ls-tree", "-r", "--name-only", "HEAD").splitlines()
        self.repo_name = "mlcommons/tiny_results_v" + round_name

    def show(self, path):
        return git_text(self.path, "show", "HEAD:" + path)

    def grep(self, pattern, pathspecs):
        """Paths (under HEAD) whose text matches the extended regex."""
        out = subprocess.run(["git", "--git-dir", self.path, "grep", "-l", "-E", "-e", pattern,
                              "HEAD", "--", *pathspecs], capture_output=True)
        if out.returncode not in (0, 1):
            raise RuntimeError(out.stderr.decode(errors="replace"))
        return [line.split(":", 1)[1] for line in out.stdout.decode().splitlines()]


def git_dir_of(path):
    """The git directory at path (bare, or a work tree's .git), or None."""
    for cand in (path, os.path.join(path, ".git")):
        if os.path.isfile(os.path.join(cand, "HEAD")) and os.path.isdir(os.path.join(cand, "objects")):
            return cand
    return None


def find_snapshots(args):
    snaps = {}
    for arg in args:
        found = []
        g = git_dir_of(arg)
        if g:
            found.append(g)
        elif os.path.isdir(arg):
            for name in sorted(os.listdir(arg)):
                sub = os.path.join(arg, name)
                for cand in (sub, os.path.join(sub, "repo")):
                    g = git_dir_of(cand)
                    if g and ROUND_RE.search(os.path.abspath(g)):
                        found.append(g)
                        break
        else:
            sys.exit(f"{arg}: not a git directory nor a folder of results snapshots")
        for g in found:
            m = ROUND_RE.search(os.path.abspath(g))
            if not m:
                sys.exit(f"{g}: the path does not name a round (tiny_results_vX.Y)")
            snaps[m.group(1)] = g
    if not snaps:
        sys.exit("no tiny_results_vX.Y snapshot found in " + " ".join(args))
    return [Snapshot(snaps[r], r) for r in sorted(snaps, key=lambda r: tuple(map(int, r.split("."))))]


def load_system_json(text):
    """Parses a systems JSON; several submissions have a missing or trailing
    comma, which is repaired (only between lines) before giving up."""
    try:
        return json.loads(text, strict=False)
    except json.JSONDecodeError:
        fixed = re.sub(r'([}\]"])[ \t]*\r?\n(\s*")', r'\1,\n\2', text)
        fixed = re.sub(r",(\s*[}\]])", r"\1", fixed)
        return json.loads(fixed, strict=False)


def alnum(s):
    return re.sub(r"[^a-z0-9]", "", s.lower())


def json_key(path):
    base = os.path.basename(path)[:-len(".json")]
    return alnum(base).replace("systemdescription", "")


def match_system_json(system, candidates):
    """The systems JSON of a results folder: same name up to case, punctuation
    and a "system_description" affix, else the same letters in another order
    (OctoML: results/microtvm_cmsis_nn/NUCLEO_L4R5ZI is
    system_description_NUCLEO_L4R5ZI_microtvm_cmsis_nn.json)."""
    want = alnum(system)
    exact = [c for c in candidates if json_key(c) == want]
    if len(exact) == 1:
        return exact[0]
    anagram = [c for c in candidates if sorted(json_key(c)) == sorted(want)]
    if len(anagram) == 1:
        return anagram[0]
    return ""


def text_of(value):
    if isinstance(value, dict):
        return "; ".join(f"{k}: {text_of(v)}" for k, v in value.items())
    if isinstance(value, list):
        return "; ".join(text_of(v) for v in value)
    return str(value).strip()


def field(j, *names):
    for n in names:
        for k, v in j.items():
            if k.strip().lower() == n.lower():
                t = text_of(v)
                if t:
                    return t
    return ""


def core_of(processor):
    m = re.search(r"Cortex\W*(M\d+\+?|A\d+)", processor, re.I)
    if m:
        return "Cortex-" + m.group(1).upper()
    return ""


def clock_mhz(freq):
    m = re.search(r"([0-9.]+)\s*(MHz|GHz)", freq, re.I)
    if not m:
        return ""
    v = float(m.group(1)) * (1000 if m.group(2).lower() == "ghz" else 1)
    return f"{v:g}"


def none_if_blank(s):
    return "" if s.strip().lower() in ("", "n/a", "na", "none", "-", "no") else s.strip()


def code_folder(snap, submitter, system):
    """The submitter's code folder for this system (same name up to
    punctuation), or the whole code folder when no sub-folder matches."""
    root = f"closed/{submitter}/code/"
    subs = sorted({f[len(root):].split("/", 1)[0] for f in snap.files
                   if f.startswith(root) and "/" in f[len(root):]})
    want = alnum(system.split("/")[-1])
    for s in subs:
        if alnum(s) == want:
            return root + s
    return root.rstrip("/")


def code_kernel_evidence(snap, submitter, system):
    """(library, evidence) from the code folder of a TFLite Micro submission,
    or None when the folder says nothing about the kernels."""
    folder = code_folder(snap, submitter, system)
    # TFLite Micro's make build selects CMSIS-NN with TAGS=cmsis-nn (older) or
    # OPTIMIZED_KERNEL_DIR=cmsis_nn (newer).
    hits = snap.grep(r"TAGS=\"?cmsis-nn|OPTIMIZED_KERNEL_DIR=\"?cmsis_nn", [folder + "/*.sh", folder + "/*Makefile*",
                                                                          folder + "/*.mk"])
    if hits:
        return ("TFLite Micro + CMSIS-NN",
                f"{hits[0]} builds TFLite Micro with the CMSIS-NN kernels (TAGS cmsis-nn)")
    # An IDE project that compiles kernels/cmsis_nn and excludes the portable
    # reference kernels (kernels/normal).
    cproject = [f for f in snap.files if f.startswith(folder + "/") and f.endswith("/.cproject")]
    has_cmsis_dir = any(f.startswith(folder + "/") and "/micro/kernels/cmsis_nn/conv.cc" in f for f in snap.files)
    for cp in cproject:
        text = snap.show(cp)
        if has_cmsis_dir and re.search(r"excluding=\"[^\"]*micro/kernels/normal", text):
            return ("TFLite Micro + CMSIS-NN",
                    f"{cp} compiles micro/kernels/cmsis_nn and excludes micro/kernels/normal (reference kernels)")
    # Projects that copied the generated TFLite Micro tree: the conv kernel
    # compiled is the CMSIS-NN one if it calls arm_convolve_*.
    conv = [f for f in snap.files if f.startswith(folder + "/") and f.endswith("/micro/kernels/conv.cc")]
    for c in conv:
        if re.search(r"arm_convolve_\w*s8", snap.show(c)):
            return ("TFLite Micro + CMSIS-NN", f"{c} calls arm_convolve_*_s8 (the CMSIS-NN conv kernel)")
    if conv:
        return ("TFLite Micro reference kernels", f"{conv[0]} does not call CMSIS-NN (portable reference kernel)")
    return None


def kernel_library(snap, submitter, system, j):
    """(kernel_library, library_family, evidence)."""
    fw = field(j, "Inference Framework")
    libs = field(j, "Software Libraries")
    compilers = field(j, "ML Model Compiler(s)")
    other = " ".join([field(j, "Other Software Stack"), field(j, "Software Notes"), field(j, "Other Software")])
    text = " ".join([fw, libs, compilers, other, system]).lower()
    src = "systems JSON"
    m = re.search(r"(x-cube-ai|stedge-ai)\s*v?([0-9.]*)", text)
    if m:
        name = "X-CUBE-AI" if m.group(1) == "x-cube-ai" else "ST Edge AI"
        ver = m.group(2).rstrip(".")
        return (f"{name} {ver}".strip(), "x-cube-ai", f"{src} names {name} {ver}".strip())
    if "plumerai" in text:
        return ("Plumerai Inference Engine", "plumerai", f"{src} names the Plumerai Inference Engine")
    if "hale" in text or "hardware-aware lowering" in text:
        return ("Bosch HALE", "bosch-hale", f"{src} names the Bosch Hardware-Aware Lowering Engine")
    if "tvm" in text:
        if "cmsis" in text:
            return ("microTVM + CMSIS-NN", "microtvm+cmsis-nn", f"{src} Software Libraries list TVM and CMSIS_NN")
        return ("microTVM (TVM-generated C)", "microtvm", f"{src} Software Libraries list TVM only, no CMSIS_NN")
    if "onnc" in text:
        if "cmsis" in text:
            return ("ONNC + CMSIS-NN", "onnc+cmsis-nn", f"{src} names ONNC with CMSIS_5 (CMSIS-NN)")
        if "andes" in text:
            return ("ONNC + Andes NN", "andes-nn", f"{src} names ONNC with andes_nn")
        return ("ONNC", "other", f"{src} names ONNC")
    if "andes nn" in text or "andes_nn" in text:
        return ("TFLite Micro + Andes NN", "andes-nn", f"{src} names the Andes NN library")
    if "gapflow" in text or "gap sdk" in text:
        return ("GAPflow / GAP SDK", "other", f"{src} names GAPflow")
    if "gecko" in text:
        return ("TFLite Micro + Gecko SDK", "other", f"{src} names the Silicon Labs Gecko SDK")
    if "cmsis" in text:
        return ("CMSIS-NN", "cmsis-nn", f"{src} names CMSIS-NN")
    found = code_kernel_evidence(snap, submitter, system)
    if found:
        lib, evidence = found
        family = "cmsis-nn" if "CMSIS-NN" in lib else "tflm-reference"
        return (lib, family, "code folder: " + evidence)
    if fw:
        return (fw, "other", f"{src} names only the framework")
    return ("", "unknown", "neither the systems JSON nor the code folder names the kernels")


def median_throughput(text):
    values = set(THROUGHPUT_RE.findall(text))
    if len(values) != 1:
        return None
    return values.pop()


def rows_of(snap):
    jsons = {}
    for f in snap.files:
        parts = f.split("/")
        if (len(parts) >= 4 and parts[0] == "closed" and parts[2] == "systems" and f.endswith(".json")
                and not os.path.basename(f).startswith("._")):
            jsons.setdefault(parts[1], []).append(f)
    rows = []
    for f in snap.files:
        parts = f.split("/")
        if not (len(parts) >= 7 and parts[0] == "closed" and parts[2] == "results"
                and parts[-2] == "performance" and parts[-1] in RESULT_NAMES):
            continue
        inner = parts[3:-2]
        bench_at = [i for i, p in enumerate(inner) if p in BENCHMARKS]
        if not bench_at or bench_at[-1] != len(inner) - 1 or bench_at[-1] == 0:
            continue  # another benchmark (v1.3's streaming wakeword "sww") or an unusual layout
        submitter, system, bench = parts[1], "/".join(inner[:-1]), inner[-1]
        tput = median_throughput(snap.show(f))
        if tput is None:
            print(f"warning: {snap.round} {f}: no single median throughput, skipped", file=sys.stderr)
            continue
        jpath = match_system_json(system, jsons.get(submitter, []))
        j = load_system_json(snap.show(jpath)) if jpath else {}
        if not jpath:
            print(f"warning: {snap.round} {submitter}/{system}: no systems JSON matched", file=sys.stderr)
        processor = field(j, "Processor(s) Name")
        lib, family, evidence = kernel_library(snap, submitter, system, j)
        rows.append({
            "round": "v" + snap.round,
            "submitter": submitter,
            "system": system,
            "benchmark": bench,
            "median_throughput_ips": tput,
            "latency_ms": f"{1000.0 / float(tput):.6g}",
            "board": field(j, "Board Name"),
            "soc": field(j, "SoC Name"),
            "processor": processor,
            "core": core_of(processor),
            "clock_mhz": clock_mhz(field(j, "Processor(s) Frequencies")),
            "accelerator": none_if_blank(field(j, "Accelerator")),
            "soc_sram": field(j, "SoC Memory capacity (not including processor or accelerator)",
                              "SoC Memory capacity"),
            "soc_flash": field(j, "SoC storage capacity"),
            # bosch submitted float32 builds beside int8 ones and says so only
            # in the system name.
            "quantization": ("float32 (system name)" if "float" in system.lower()
                             else field(j, "Quantization Method")),
            "framework": field(j, "Inference Framework", "ML Model Compiler(s)"),
            "kernel_library": lib,
            "library_family": family,
            "kernel_library_evidence": evidence,
            "results_path": f,
            "system_json_path": jpath,
            "source_repo": snap.repo_name,
            "source_commit": snap.commit,
        })
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("mirrors", nargs="+", metavar="MIRROR")
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("-o", "--output", default=os.path.join(here, "..", "configs", "mcu", "data",
                                                         "mlperf_tiny_closed.csv"))
    args = ap.parse_args()
    rows = []
    for snap in find_snapshots(args.mirrors):
        rows.extend(rows_of(snap))
    order = {b: i for i, b in enumerate(BENCHMARKS)}
    rows.sort(key=lambda r: (tuple(map(int, r["round"][1:].split("."))), r["submitter"].lower(),
                             r["system"].lower(), order[r["benchmark"]]))
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    if args.output == "-":
        sys.stdout.write(buf.getvalue())
    else:
        os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
        with open(args.output, "w", encoding="utf-8", newline="") as f:
            f.write(buf.getvalue())
        print(f"{len(rows)} rows -> {args.output}", file=sys.stderr)


if __name__ == "__main__":
    main()
