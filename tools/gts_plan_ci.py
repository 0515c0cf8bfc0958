#!/usr/bin/env python3
"""Episode-level bootstrap for `swiftlet experiment gts --plan-agreement` (docs/gts.md, "Plan agreement").

Reads OUT/plan-agreement-ticks.csv, averages each (reference, model) pair's per-tick metrics over
all ticks (ticks weighted as in the report), and gives a 95 % percentile interval by resampling
whole episodes (ticks of one episode are correlated). Usage: gts_plan_ci.py OUT/plan-agreement-ticks.csv
"""
import csv, random, sys, collections

def main(path, resamples=2000, seed=0):
    # sums[(set, reference, model)][(world, episode)] = [ticks, spearman, top1, overlap, elite_gap]
    sums = collections.defaultdict(lambda: collections.defaultdict(lambda: [0, 0.0, 0.0, 0.0, 0.0]))
    with open(path) as f:
        # files written before the names were quoted (commit cbf819e): the step-matched name holds a comma
        lines = (line.replace("(+1,000 sim steps)", "(+1000 sim steps)") for line in f)
        for r in csv.DictReader(lines):
            s = sums[(r["set"], r["reference"], r["model"])][(r["world"], r["episode"])]
            s[0] += 1
            s[1] += float(r["spearman"]); s[2] += float(r["top1"]); s[3] += float(r["topk_overlap"]); s[4] += float(r["elite_first_action_gap"])
    rng = random.Random(seed)
    print("set,reference,model,episodes,metric,mean,lo,hi")
    for key, eps in sums.items():
        if key[1] == "pilot":
            continue
        names = sorted(eps)
        draws = [[rng.choice(names) for _ in names] for _ in range(resamples)]
        for mi, metric in enumerate(["spearman", "top1", "topk_overlap", "elite_first_action_gap"], start=1):
            def mean(sample):
                return sum(eps[e][mi] for e in sample) / sum(eps[e][0] for e in sample)
            boot = sorted(mean(d) for d in draws)
            print(f"{key[0]},{key[1]},{key[2]},{len(names)},{metric},{mean(names):.3f},{boot[int(0.025 * resamples)]:.3f},{boot[int(0.975 * resamples) - 1]:.3f}")

if __name__ == "__main__":
    main(sys.argv[1])
