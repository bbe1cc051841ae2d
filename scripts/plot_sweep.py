#!/usr/bin/env python3
"""Plots of a sweep report (kiln sweep report DIR writes DIR/report/points.csv
and runs this on it): latency against area and against energy with the Pareto
front highlighted and every point labelled by its parameters, and the effect
of each parameter on latency. PNG and SVG of each, next to points.csv.

Usage: scripts/plot_sweep.py REPORT_DIR [--objectives latency,energy,...]
"""
import argparse
import csv
import os
import statistics
import sys

import matplotlib

matplotlib.use("Agg")  # files only, no display
matplotlib.rcParams["svg.fonttype"] = "none"  # SVG text stays text: searchable, editable
import matplotlib.pyplot as plt  # noqa: E402

METRICS = {"latency_us", "energy_uj", "area_mm2", "edp_uj_us", "on_front", "point"}
AXIS = {"latency_us": "latency (µs)", "energy_uj": "energy (µJ)", "area_mm2": "area (mm²)",
        "edp_uj_us": "energy-delay product (µJ·µs)"}


def load(path):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    params = [k for k in (rows[0].keys() if rows else []) if k not in METRICS]
    return rows, params


def short_names(params):
    """The shortest tail of each parameter path that no other parameter shares."""
    names = {}
    for p in params:
        parts = p.split(".")
        for k in range(1, len(parts) + 1):
            tail = ".".join(parts[-k:])
            if sum(q == tail or q.endswith("." + tail) for q in params) == 1:
                names[p] = tail
                break
        else:
            names[p] = p
    return names


def label(row, params):
    names = short_names(params)
    return " ".join(f"{names[p]}={row[p]}" for p in params)


def save(fig, out, name):
    for ext in ("png", "svg"):
        fig.savefig(os.path.join(out, f"{name}.{ext}"), dpi=120, bbox_inches="tight")
    plt.close(fig)


def scatter(rows, params, x, y, out, name):
    if not rows or any(r[x] == "" or r[y] == "" for r in rows):
        return False
    fig, ax = plt.subplots(figsize=(9, 6))
    rest = [r for r in rows if r["on_front"] != "1"]
    front = sorted((r for r in rows if r["on_front"] == "1"), key=lambda r: float(r[x]))
    ax.scatter([float(r[x]) for r in rest], [float(r[y]) for r in rest], c="0.6", s=18, label="design points")
    ax.plot([float(r[x]) for r in front], [float(r[y]) for r in front], "o-", c="tab:red", ms=6,
            label="Pareto front (all objectives)")
    # Every point labelled while they are few; the front only when they crowd.
    for r in (rows if len(rows) <= 20 else front):
        ax.annotate(label(r, params), (float(r[x]), float(r[y])), fontsize=6, xytext=(3, 3),
                    textcoords="offset points", color="tab:red" if r["on_front"] == "1" else "0.35")
    ax.set_xlabel(AXIS[x])
    ax.set_ylabel(AXIS[y])
    ax.set_title(f"{AXIS[y]} against {AXIS[x]}")
    ax.grid(True, alpha=0.3)
    ax.legend()
    save(fig, out, name)
    return True


def effects(rows, params, out):
    if not rows or not params:
        return False
    fig, axes = plt.subplots(1, len(params), figsize=(4 * len(params), 4), squeeze=False)
    for ax, p in zip(axes[0], params):
        values = sorted({r[p] for r in rows}, key=lambda v: (float(v) if v.replace(".", "", 1).isdigit() else 0, v))
        for i, v in enumerate(values):
            ys = [float(r["latency_us"]) for r in rows if r[p] == v]
            ax.scatter([i] * len(ys), ys, c="0.6", s=12)
            ax.plot([i - 0.3, i + 0.3], [statistics.median(ys)] * 2, c="tab:blue", lw=2)
        ax.set_xticks(range(len(values)))
        ax.set_xticklabels(values)
        ax.set_xlabel(p)
        ax.set_ylabel(AXIS["latency_us"])
        ax.grid(True, alpha=0.3)
    fig.suptitle("effect of each parameter on latency (blue: median)")
    save(fig, out, "parameter_effect")
    return True


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("report_dir")
    ap.add_argument("--objectives", default="latency")
    a = ap.parse_args()
    rows, params = load(os.path.join(a.report_dir, "points.csv"))
    made = []
    if scatter(rows, params, "area_mm2", "latency_us", a.report_dir, "latency_vs_area"):
        made.append("latency_vs_area")
    if scatter(rows, params, "energy_uj", "latency_us", a.report_dir, "latency_vs_energy"):
        made.append("latency_vs_energy")
    if effects(rows, params, a.report_dir):
        made.append("parameter_effect")
    print("plots: " + (", ".join(f"{m}.png/.svg" for m in made) if made else "none (no complete points)"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
