"""Pools `gts-episodes.csv` files of `swiftlet experiment gts` runs (run 5's two fresh episode
sets, and run 4's 50 episodes) and prints Markdown tables: per-method mean distance before
collision with a 95% bootstrap percentile interval, paired differences GtS minus every other
method over the episodes both flew, and the split by lighting condition.

    python3 tools/gts_pool.py FILE.csv [FILE.csv ...]

Episodes are keyed by (file, world, episode), so the same (world, episode) of two runs on
different episode sets count as two episodes. Standard library only; 2000 resamples, fixed seed.
"""
import csv
import random
import sys
from collections import defaultdict

RESAMPLES = 2000


def bootstrap(xs, rng):
    means = []
    for _ in range(RESAMPLES):
        means.append(sum(xs[rng.randrange(len(xs))] for _ in xs) / len(xs))
    means.sort()
    return sum(xs) / len(xs), means[int(0.025 * RESAMPLES)], means[int(0.975 * RESAMPLES) - 1]


def fmt(ci):
    return f"{ci[0]:.1f} [{ci[1]:.1f}, {ci[2]:.1f}]"


def main(files):
    rng = random.Random(20261126)
    dist = defaultdict(dict)
    light = {}
    order = []
    for k, f in enumerate(files):
        with open(f, newline="") as h:
            for r in csv.DictReader(h):
                key = (k, r["world"], int(r["episode"]))
                if r["policy"] not in dist:
                    order.append(r["policy"])
                dist[r["policy"]][key] = float(r["distance_m"])
                light[key] = r["lighting"]
    print("| method | episodes | distance before collision (m) [95% CI] |")
    print("|:--|--:|--:|")
    for p in order:
        print(f"| {p} | {len(dist[p])} | {fmt(bootstrap(list(dist[p].values()), rng))} |")
    gts = next(p for p in order if p.startswith("GtS"))
    print("\n| GtS minus | shared episodes | mean difference (m) [95% CI] | GtS longer | GtS shorter |")
    print("|:--|--:|--:|--:|--:|")
    for p in order:
        if p == gts:
            continue
        keys = [k for k in dist[p] if k in dist[gts]]
        d = [dist[gts][k] - dist[p][k] for k in keys]
        ci = bootstrap(d, rng)
        print(f"| {p} | {len(keys)} | {ci[0]:+.1f} [{ci[1]:+.1f}, {ci[2]:+.1f}] | {sum(x > 0 for x in d)} | {sum(x < 0 for x in d)} |")
    names = ["dim", "medium", "bright"]
    counts = {n: sum(1 for k in dist[gts] if light[k] == n) for n in names}
    print("\n| method | " + " | ".join(f"{n} ({counts[n]})" for n in names) + " |")
    print("|:--|" + "--:|" * len(names))
    for p in order:
        cells = []
        for n in names:
            xs = [v for k, v in dist[p].items() if light[k] == n]
            cells.append(fmt(bootstrap(xs, rng)) if xs else "-")
        print(f"| {p} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main(sys.argv[1:])
