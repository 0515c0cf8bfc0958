#!/usr/bin/env python3
"""Episode-level bootstrap for `swiftlet experiment gts --plan-agreement` (docs/gts.md, "Plan agreement").

Reads OUT/plan-agreement-ticks.csv, averages each (reference, model) pair's per-tick metrics over
all ticks (ticks weighted as in the report), and gives a 95 % percentile interval by resampling
whole episodes (ticks of one episode are correlated). Usage: gts_plan_ci.py OUT/plan-agreement-ticks.csv
Given OUT/plan-truth-ticks.csv (--ground-truth) it bootstraps the ground-truth metrics instead (`truth`).
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

def truth(path, resamples=2000, seed=0):
    """OUT/plan-truth-ticks.csv (--ground-truth): per model, AUC (mean over ticks with both outcomes), the true collision
    rate of its best candidate and of its elite-nearest candidate (all sampled ticks), with 95 % intervals over episodes,
    and each model minus the first model (the pilot, GtS) on the same resampled episodes."""
    # sums[model][(world, episode)] = [ticks, auc ticks, auc sum, best collided, elite collided,
    #   blank-image auc ticks, blank auc sum, action-share ticks, action share sum] (the last four
    #   only in files with blank_auc / action_share columns, the real-curve runs)
    sums = collections.OrderedDict()
    blank = False
    with open(path) as f:
        for r in csv.DictReader(f):
            s = sums.setdefault(r["model"], {}).setdefault((r["world"], r["episode"]), [0, 0, 0.0, 0, 0, 0, 0.0, 0, 0.0])
            s[0] += 1
            if r["auc"]:
                s[1] += 1; s[2] += float(r["auc"])
            s[3] += int(r["best_collided"]); s[4] += int(r["elite_collided"])
            if "blank_auc" in r:
                blank = True
                if r["blank_auc"]:
                    s[5] += 1; s[6] += float(r["blank_auc"])
                if r["action_share"]:
                    s[7] += 1; s[8] += float(r["action_share"])
    models = list(sums)
    names = sorted(sums[models[0]])
    rng = random.Random(seed)
    draws = [[rng.choice(names) for _ in names] for _ in range(resamples)]
    metrics = {"auc": (2, 1), "best_collision_rate": (3, 0), "elite_collision_rate": (4, 0)}
    if blank:
        metrics.update({"blank_auc": (6, 5), "action_share": (8, 7)})
    def value(m, metric, sample):
        num, den = metrics[metric]
        d = sum(sums[m][e][den] for e in sample)
        return sum(sums[m][e][num] for e in sample) / d if d else float("nan")
    print("model,episodes,metric,mean,lo,hi,minus_first_mean,minus_first_lo,minus_first_hi")
    for m in models:
        for metric in metrics:
            boot = sorted(value(m, metric, d) for d in draws)
            diff = sorted(value(m, metric, d) - value(models[0], metric, d) for d in draws)
            lo, hi = int(0.025 * resamples), int(0.975 * resamples) - 1
            print(f"\"{m}\",{len(names)},{metric},{value(m, metric, names):.3f},{boot[lo]:.3f},{boot[hi]:.3f},"
                  f"{value(m, metric, names) - value(models[0], metric, names):+.3f},{diff[lo]:+.3f},{diff[hi]:+.3f}")

if __name__ == "__main__":
    # the ground-truth ticks file (plan-truth-ticks.csv) has its own columns
    with open(sys.argv[1]) as f:
        header = f.readline()
    (truth if "best_collided" in header else main)(sys.argv[1])
