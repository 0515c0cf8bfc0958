#!/usr/bin/env python3
"""Cross-check of the HInt report from hint-episodes.csv (stdlib only): per-cell success with
Wilson 95% CIs, paired success differences HInt - other per yaw-rate limit, and the paired growth
of each margin from the loosest to the tightest limit (percentile bootstrap, 10000 resamples,
seeded). Usage: tools/hint_margin.py RUN_DIR/hint-episodes.csv"""
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


def main(path):
    s = defaultdict(dict)  # (limit, method) -> episode -> success
    for r in csv.DictReader(open(path)):
        s[(float(r["yaw_limit_deg"]), r["method"])][int(r["episode"])] = int(r["success"])
    limits = sorted({k[0] for k in s}, reverse=True)
    methods = [m for m in ["hint", "hierarchy", "single-source", "pooled"] if any(k[1] == m for k in s)]
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
        d = [(s[(hi_l, "hint")][e] - s[(hi_l, m)][e]) - (s[(lo_l, "hint")][e] - s[(lo_l, m)][e]) for e in eps]
        print(m, *(f"{100*x:+.1f}" for x in boot(d, rng)))


if __name__ == "__main__":
    main(sys.argv[1])
