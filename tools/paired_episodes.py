#!/usr/bin/env python3
"""Pairs `swiftlet eval --out` runs by episode (docs/gts.md, run 9: sim-only in the four profiles).

Each argument is LABEL=DIR/eval-episodes.csv (or LABEL=DIR). Runs with the same --seed, worlds,
episodes and route meet the same episodes (the same reset seeds); this checks that they do, then
prints, per policy, every run's mean distance before collision with a 95 % bootstrap interval over
episodes, and every run minus the first, paired by episode (the same resampled episodes for both),
as a Markdown table. Usage:
  tools/paired_episodes.py sim=/tmp/decomp/sim real=/tmp/decomp/real [--resamples 2000] [--seed 0]
"""
import csv, os, random, sys

def load(path):
    if os.path.isdir(path):
        path = os.path.join(path, "eval-episodes.csv")
    rows = {}
    with open(path) as f:
        for r in csv.DictReader(f):
            rows[(r["policy"], r["world"], r["episode"], r["seed"])] = (float(r["distance_m"]), int(r["collided"]))
    return rows

def interval(values, draws):
    boot = sorted(sum(values[i] for i in d) / len(d) for d in draws)
    n = len(boot)
    return sum(values) / len(values), boot[int(0.025 * n)], boot[int(0.975 * n) - 1]

def main(argv):
    resamples, seed, runs = 2000, 0, []
    it = iter(argv)
    for a in it:
        if a == "--resamples": resamples = int(next(it))
        elif a == "--seed": seed = int(next(it))
        elif "=" in a:
            label, path = a.split("=", 1)
            runs.append((label, load(path)))
        else:
            sys.exit(f"paired_episodes: expected LABEL=PATH, got {a!r}")
    if len(runs) < 1:
        sys.exit(__doc__)
    keys = sorted(runs[0][1])
    for label, rows in runs[1:]:
        if sorted(rows) != keys:
            sys.exit(f"paired_episodes: {label} has other episodes than {runs[0][0]} (same --seed, worlds, episodes?)")
    rng = random.Random(seed)
    print("| policy | run | episodes | distance before collision (m) [95% CI] | collided | minus " + runs[0][0] + ", paired (m) [95% CI] |")
    print("|:--|:--|--:|--:|--:|--:|")
    for policy in sorted({k[0] for k in keys}):
        ks = [k for k in keys if k[0] == policy]
        draws = [[rng.randrange(len(ks)) for _ in ks] for _ in range(resamples)]
        base = [runs[0][1][k][0] for k in ks]
        for label, rows in runs:
            d = [rows[k][0] for k in ks]
            m, lo, hi = interval(d, draws)
            collided = sum(rows[k][1] for k in ks)
            diff = "-" if label == runs[0][0] else "%+.2f [%+.2f, %+.2f]" % interval([x - y for x, y in zip(d, base)], draws)
            print(f"| {policy} | {label} | {len(ks)} | {m:.1f} [{lo:.1f}, {hi:.1f}] | {collided} | {diff} |")

if __name__ == "__main__":
    main(sys.argv[1:])
