#!/usr/bin/env python3
"""Cross-check of the HInt report from hint-episodes.csv (stdlib only): per-cell success with
Wilson 95% CIs, paired success differences HInt - other per yaw-rate limit, and the paired growth
of each margin from the loosest to the tightest limit (percentile bootstrap, 10000 resamples,
seeded); with the ablation methods (hierarchy-dr, hint-unicycle) also the ablation pairs.
Several CSVs are merged by (limit, method, episode), so an ablation run on the same checkpoints
and episodes pairs with the main run's rows.
Usage: tools/hint_margin.py RUN_DIR/hint-episodes.csv [MORE.csv ...]"""
import csv, math, random, sys
from collections import defaultdict


def wilson(k, n, z=1.959964):
    p = k / n
    d = 1 + z * z / n
    c = (p + z * z / (2 * n)) / d
    h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    return p, c - h, c + h


def boot(xs, rng, n=10000):
    m = len(xs)
    means = sorted(sum(xs[rng.randrange(m)] for _ in range(m)) / m for _ in range(n))
    return sum(xs) / m, means[int(0.025 * n)], means[int(0.975 * n) - 1]


ABLATION = [("hint", "hint-unicycle"), ("hierarchy-dr", "hierarchy"), ("hint-unicycle", "hierarchy"), ("hint", "hierarchy-dr")]


def paired(s, a, b, limits, rng):
    """Paired a - b per limit (episodes both ran) and its growth loosest -> tightest."""
    out = []
    for l in limits:
        eps = sorted(set(s[(l, a)]) & set(s[(l, b)]))
        if eps:
            out.append((f"{l:g}", boot([s[(l, a)][e] - s[(l, b)][e] for e in eps], rng)))
    lo_l, hi_l = limits[0], limits[-1]
    eps = sorted(set(s[(lo_l, a)]) & set(s[(lo_l, b)]) & set(s[(hi_l, a)]) & set(s[(hi_l, b)]))
    if eps and lo_l != hi_l:
        d = [(s[(hi_l, a)][e] - s[(hi_l, b)][e]) - (s[(lo_l, a)][e] - s[(lo_l, b)][e]) for e in eps]
        out.append((f"growth {lo_l:g}->{hi_l:g}", boot(d, rng)))
    return out


def main(paths):
    s = defaultdict(dict)  # (limit, method) -> episode -> success
    for path in paths:
        for r in csv.DictReader(open(path)):
            s[(float(r["yaw_limit_deg"]), r["method"])][int(r["episode"])] = int(r["success"])
    limits = sorted({k[0] for k in s}, reverse=True)
    methods = [m for m in ["hint", "hierarchy", "single-source", "pooled", "hierarchy-dr", "hint-unicycle"] if any(k[1] == m for k in s)]
    rng = random.Random(0)
    print("limit method n success lo hi")
    for l in limits:
        for m in methods:
            v = list(s[(l, m)].values())
            p, lo, hi = wilson(sum(v), len(v))
            print(f"{l:g} {m} {len(v)} {100*p:.1f} {100*lo:.1f} {100*hi:.1f}")
    print("\npaired HInt - other: limit other mean lo hi")
    for l in limits:
        for m in methods[1:]:
            eps = sorted(set(s[(l, "hint")]) & set(s[(l, m)]))
            print(l, m, *(f"{100*x:+.1f}" for x in boot([s[(l, "hint")][e] - s[(l, m)][e] for e in eps], rng)))
    lo_l, hi_l = limits[0], limits[-1]
    print(f"\nmargin growth {lo_l:g} -> {hi_l:g} deg/s: other mean lo hi")
    for m in methods[1:]:
        eps = sorted(set(s[(lo_l, "hint")]) & set(s[(lo_l, m)]) & set(s[(hi_l, "hint")]) & set(s[(hi_l, m)]))
        if not eps:
            continue
        d = [(s[(hi_l, "hint")][e] - s[(hi_l, m)][e]) - (s[(lo_l, "hint")][e] - s[(lo_l, m)][e]) for e in eps]
        print(m, *(f"{100*x:+.1f}" for x in boot(d, rng)))
    pairs = [(a, b) for a, b in ABLATION if a in methods and b in methods]
    if any(m in methods for m in ("hierarchy-dr", "hint-unicycle")) and pairs:
        print("\nablation pairs a - b: limit mean lo hi (episodes both ran)")
        for a, b in pairs:
            lims = [l for l in limits if s[(l, a)] and s[(l, b)]]
            for label, (m, lo, hi) in paired(s, a, b, lims, rng):
                print(f"{a} - {b} {label} {100*m:+.1f} {100*lo:+.1f} {100*hi:+.1f}")


if __name__ == "__main__":
    main(sys.argv[1:])
