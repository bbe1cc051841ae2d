#!/usr/bin/env python3
"""Markdown tables of `kiln compare` directories, for docs/strategies.md: per
SoC, every model under every strategy with latency, speedup, energy, memory,
the share of time per unit and what dominates (the layer that takes the most
time, its unit and the bound kiln attributes to it).

Usage: scripts/strategy_tables.py COMPARE_DIR... [--write DOC]
With --write, the text between the markers
  <!-- strategy tables: begin --> and <!-- strategy tables: end -->
in DOC is replaced (atomically); otherwise the tables go to stdout.
"""
import argparse
import json
import os
import sys
import tempfile

BEGIN, END = "<!-- strategy tables: begin -->", "<!-- strategy tables: end -->"


def dominant(run):
    top = run.get("top_layers") or []
    if not top:
        return "-"
    t = top[0]
    what = t["mcu_kernel"] if t["unit"] == "mcu" and t["mcu_kernel"] else t["op"]
    return f"{what} on {t['unit']} ({t['bound']}), {100 * t['share']:.0f}%"


def tables(directory):
    with open(os.path.join(directory, "compare.json")) as f:
        doc = json.load(f)
    soc = doc["soc"]
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out = [f"### {soc['name']} (`{os.path.relpath(soc['source'], root)}`)", "",
           f"Speedup against `{doc['baseline']}` on the same model. SRAM: peak; flash: constants.", "",
           "| model | strategy | MCU profile | ms | speedup | energy µJ | SRAM KiB | flash KiB | MCU % | NPU % "
           "| bit-exact | what dominates |",
           "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in doc["runs"]:
        profile = os.path.splitext(os.path.basename(r["mcu_profile"]))[0] if r["mcu_profile"] else "(SoC's)"
        if not r["ok"]:
            out.append(f"| {r['model']} | {r['strategy']} | {profile} | failed: {r.get('error', '')} "
                       "| | | | | | | | |")
            continue
        share = r.get("unit_share", {})
        out.append(
            f"| {r['model']} | {r['strategy']} | {profile} | {r['latency_ms']:.3f} | {r['speedup']:.2f}x "
            f"| {r['energy_uj']:.1f} | {r['peak_sram_bytes'] / 1024:.1f} | {r['flash_bytes'] / 1024:.1f} "
            f"| {100 * share.get('mcu', 0):.0f} | {100 * share.get('npu', 0):.0f} "
            f"| {'yes' if r['bit_exact'] else 'NO'} | {dominant(r)} |")
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dirs", nargs="+")
    ap.add_argument("--write")
    a = ap.parse_args()
    text = "\n".join(tables(d) for d in a.dirs)
    if not a.write:
        sys.stdout.write(text)
        return
    with open(a.write) as f:
        doc = f.read()
    if BEGIN not in doc or END not in doc:
        sys.exit(f"{a.write}: no '{BEGIN}' ... '{END}' markers to write between")
    head, rest = doc.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    new = head + BEGIN + "\n" + text + END + tail
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(a.write)))
    with os.fdopen(fd, "w") as f:
        f.write(new)
    os.replace(tmp, a.write)


if __name__ == "__main__":
    main()
