#!/usr/bin/env python3
"""The grouped bar chart of a `kiln compare` directory: latency and energy
of every strategy on every model (log scale, one group per model, one bar per
strategy), from DIR/compare.csv into DIR/compare.png and DIR/compare.svg.
Runs that failed have no bar. kiln compare runs this itself.

Usage: scripts/plot_compare.py DIR
"""
import csv
import os
import sys

import matplotlib

matplotlib.use("Agg")  # files only, no display
matplotlib.rcParams["svg.fonttype"] = "none"  # SVG text stays text: searchable, editable
import matplotlib.pyplot as plt  # noqa: E402


def load(path):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    models, strategies = [], []
    for r in rows:
        if r["model"] not in models:
            models.append(r["model"])
        if r["strategy"] not in strategies:
            strategies.append(r["strategy"])
    values = {(r["model"], r["strategy"]): r for r in rows if r["ok"] == "1"}
    return models, strategies, values


def bars(ax, models, strategies, values, key, label):
    width = 0.8 / max(1, len(strategies))
    for k, s in enumerate(strategies):
        xs, ys = [], []
        for m, model in enumerate(models):
            row = values.get((model, s))
            if row and row[key] and float(row[key]) > 0:
                xs.append(m + (k - (len(strategies) - 1) / 2) * width)
                ys.append(float(row[key]))
        ax.bar(xs, ys, width, label=s)
        for x, y in zip(xs, ys):
            ax.annotate(f"{y:.3g}", (x, y), ha="center", va="bottom", fontsize=6, rotation=90,
                        xytext=(0, 2), textcoords="offset points")
    ax.set_yscale("log")
    low, high = ax.get_ylim()
    ax.set_ylim(low, high * 4)  # room for the value labels above the tallest bar
    ax.set_ylabel(label)
    ax.set_xticks(range(len(models)))
    ax.set_xticklabels(models, rotation=15, ha="right")
    ax.grid(axis="y", which="both", alpha=0.3)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__.strip().splitlines()[-1])
    out = sys.argv[1]
    path = os.path.join(out, "compare.csv")
    if not os.path.exists(path):
        sys.exit(f"{path}: no such file (run kiln compare first)")
    models, strategies, values = load(path)
    if not values:
        sys.exit(f"{path}: no run finished, nothing to plot")
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(max(6, 1.6 * len(models) + 3), 8), sharex=True)
    bars(top, models, strategies, values, "latency_ms", "latency (ms, log scale)")
    bars(bottom, models, strategies, values, "energy_uj", "energy per inference (µJ, log scale)")
    top.set_title("kiln compare: deployment strategies per model")
    top.legend(title="strategy", fontsize=8)
    fig.tight_layout()
    for ext in ("png", "svg"):
        fig.savefig(os.path.join(out, f"compare.{ext}"), dpi=150)


if __name__ == "__main__":
    main()
