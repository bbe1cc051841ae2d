#!/usr/bin/python3
"""How far the board-config numbers no document states move kiln's MLPerf Tiny latencies.

Every line of configs/soc/boards/*.yaml whose comment says
"sensitivity: docs/silicon.md" holds a number of kiln's model that no vendor
document states outright (a bus latency or burst length of kiln's bus
abstraction, a flash read width no manual at hand gives, SRAM interleaving).
The script simulates the four MLPerf Tiny models on each board
(`kiln run --mcu-only`, the board's own MCU profile, held fixed) with each
such number halved and doubled, one at a time, and writes the change of the
simulated latency to docs/silicon.md, between the markers
`<!-- board_sensitivity.py: begin -->` and `<!-- board_sensitivity.py: end -->`.
A value whose half is not a valid setting (one SRAM bank) is only doubled.

Usage:
  scripts/board_sensitivity.py [--kiln build/tools/kiln]   rewrite the table
  scripts/board_sensitivity.py --check                      exit 1 if it differs from what the script writes
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BOARDS = os.path.join(ROOT, "configs", "soc", "boards")
WORKLOADS = os.path.normpath(os.path.join(ROOT, "..", "shared", "workloads", "mlperf-tiny"))
NETWORKS = [("ic", "pretrainedResnet_quant.tflite"), ("kws", "kws_ref_model.tflite"),
            ("vww", "vww_96_int8.tflite"), ("ad", "ad01_int8.tflite")]
DOC = "docs/silicon.md"
BEGIN = "<!-- board_sensitivity.py: begin -->"
END = "<!-- board_sensitivity.py: end -->"
MARK = "sensitivity: docs/silicon.md"
# The smallest valid value of each varied key (docs/soc-config.md): a half below it is not simulated.
MINIMUM = {"latency_cycles": 0, "max_burst_beats": 1, "read_width_bits": 8, "banks": 1, "bank_width_bits": 8}
LINE = re.compile(r"^(\s*(?:- )?)([a-z_]+):(\s*)([0-9]+)(\s*#.*)$")


def marked_numbers(text):
    """[(line index, key, value)] of the lines whose comment names this script's table."""
    out = []
    for i, line in enumerate(text.split("\n")):
        m = LINE.match(line)
        if m and MARK in m.group(5):
            if m.group(2) not in MINIMUM:
                sys.exit(f"{BOARDS}: '{m.group(2)}' is marked for sensitivity, but the script does not know its valid range")
            out.append((i, m.group(2), int(m.group(4))))
    return out


def with_value(text, index, value):
    lines = text.split("\n")
    m = LINE.match(lines[index])
    lines[index] = f"{m.group(1)}{m.group(2)}:{m.group(3)}{value}{m.group(5)}"
    return "\n".join(lines)


def with_profile_path(text, board):
    """The board text with its profile named by path, so any kiln binary finds this tree's profile."""
    def repl(m):
        name = m.group(2)
        path = name if "/" in name or name.endswith(".yaml") else os.path.join(ROOT, "configs", "mcu", name + ".yaml")
        return m.group(1) + " " + path
    out, n = re.subn(r"^(\s+profile:)\s*(\S+)", repl, text, count=1, flags=re.M)
    if n != 1:
        sys.exit(f"configs/soc/boards/{board}.yaml: no mcu.profile line")
    return out


def latency_us(kiln, tmp, text, net):
    soc = os.path.join(tmp, "soc.yaml")
    with open(soc, "w") as f:
        f.write(text)
    report = os.path.join(tmp, "report.json")
    model = os.path.join(WORKLOADS, dict(NETWORKS)[net])
    p = subprocess.run([kiln, "run", model, "--soc", soc, "--mcu-only", "--report", report], capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"kiln run {model} failed:\n{p.stderr}")
    return json.load(open(report))["totals"]["latency_us"]


def generate(kiln):
    rows, worst = [], (0.0, "")
    runs = 0
    with tempfile.TemporaryDirectory(prefix="kiln-sensitivity-") as tmp:
        for name in sorted(f for f in os.listdir(BOARDS) if f.endswith(".yaml")):
            board = name[:-5]
            text = with_profile_path(open(os.path.join(BOARDS, name)).read(), board)
            base = {n: latency_us(kiln, tmp, text, n) for n, _ in NETWORKS}
            runs += len(NETWORKS)
            for index, key, value in marked_numbers(text):
                for varied in (value // 2, value * 2):
                    if varied == value or varied < MINIMUM[key]:
                        continue
                    changes = []
                    for n, _ in NETWORKS:
                        change = latency_us(kiln, tmp, with_value(text, index, varied), n) / base[n] - 1
                        runs += 1
                        changes.append(change)
                        if abs(change) > abs(worst[0]):
                            worst = (change, f"{board}, {key} {value} -> {varied}, {n}")
                    rows.append(f"| {board} | `{key}` | {value} | {varied} | " +
                                " | ".join(f"{100 * c:+.1f}%" for c in changes) + " |")
    doc = [BEGIN, "",
           "Change of kiln's simulated latency (`kiln run --mcu-only`, the board's profile held fixed) when",
           "one number is halved or doubled:",
           "",
           f"- largest change: {100 * worst[0]:+.1f}% ({worst[1]})" if rows else "- no board number is marked",
           "",
           "| board | field | value | varied to | IC | KWS | VWW | AD |",
           "|---|---|---|---|---|---|---|---|"] + rows + ["", END]
    print(f"kiln runs: {runs}", file=sys.stderr)
    return "\n".join(doc)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--kiln", default=os.path.join(ROOT, "build", "tools", "kiln"), help="the kiln executable")
    ap.add_argument("--check", action="store_true", help="write nothing; exit 1 if docs/silicon.md's table differs")
    args = ap.parse_args()
    missing = [m for _, m in NETWORKS if not os.path.exists(os.path.join(WORKLOADS, m))]
    if missing:
        print(f"{WORKLOADS}: no {', '.join(missing)}: nothing to simulate", file=sys.stderr)
        return 77
    path = os.path.join(ROOT, DOC)
    text = open(path).read()
    if BEGIN not in text or END not in text:
        sys.exit(f"{DOC}: the markers {BEGIN} and {END} are missing")
    head, rest = text.split(BEGIN, 1)
    new = head + generate(os.path.abspath(args.kiln)) + rest.split(END, 1)[1]
    if new == text:
        return 0
    if args.check:
        print(f"{DOC}: the board sensitivity table is out of date (re-run scripts/board_sensitivity.py)", file=sys.stderr)
        return 1
    with open(path + ".tmp", "w") as f:
        f.write(new)
    os.replace(path + ".tmp", path)
    print(f"wrote {DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
