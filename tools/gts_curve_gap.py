#!/usr/bin/env python3
"""World-set gap of the real-phase curve's ground truth (docs/gts.md, "Real-phase learning curve", H2).

Usage: gts_curve_gap.py TRAINING/plan-truth-ticks.csv HELD-OUT/plan-truth-ticks.csv

Per model: AUC (mean over the ticks with both outcomes) in the training worlds and in the held-out
worlds, the gap (training minus held-out), each model's gap minus the first model's (the pilot,
GtS at 1,000 steps), and each model's AUC minus sim-only's in each world set. 95 % percentile
intervals: whole episodes resampled, the two world sets independently (2000 resamples, seed 0).
"""
import csv, random, sys, collections

def load(path):
    # sums[model][(world, episode)] = [auc ticks, auc sum]
    sums = collections.OrderedDict()
    with open(path) as f:
        for r in csv.DictReader(f):
            s = sums.setdefault(r["model"], {}).setdefault((r["world"], r["episode"]), [0, 0.0])
            if r["auc"]:
                s[0] += 1; s[1] += float(r["auc"])
    return sums

def auc(sums, m, sample):
    n = sum(sums[m][e][0] for e in sample)
    return sum(sums[m][e][1] for e in sample) / n if n else float("nan")

def main(train_path, held_path, resamples=2000, seed=0):
    tr, ho = load(train_path), load(held_path)
    models = [m for m in tr if m in ho]
    pilot, sim = models[0], next(m for m in models if m.startswith("sim-only"))
    te, he = sorted(tr[pilot]), sorted(ho[pilot])
    rng = random.Random(seed)
    draws = [([rng.choice(te) for _ in te], [rng.choice(he) for _ in he]) for _ in range(resamples)]
    lo, hi = int(0.025 * resamples), int(0.975 * resamples) - 1
    def ci(f):
        xs = sorted(f(a, b) for a, b in draws)
        return f(te, he), xs[lo], xs[hi]
    print("model,train_auc,train_lo,train_hi,heldout_auc,heldout_lo,heldout_hi,gap,gap_lo,gap_hi,"
          "gap_minus_pilot,gmp_lo,gmp_hi,train_minus_sim,tms_lo,tms_hi,heldout_minus_sim,hms_lo,hms_hi")
    for m in models:
        cols = [ci(lambda a, b: auc(tr, m, a)), ci(lambda a, b: auc(ho, m, b)),
                ci(lambda a, b: auc(tr, m, a) - auc(ho, m, b)),
                ci(lambda a, b: (auc(tr, m, a) - auc(ho, m, b)) - (auc(tr, pilot, a) - auc(ho, pilot, b))),
                ci(lambda a, b: auc(tr, m, a) - auc(tr, sim, a)), ci(lambda a, b: auc(ho, m, b) - auc(ho, sim, b))]
        print(f"\"{m}\"," + ",".join(f"{x:+.3f}" if i >= 2 else f"{x:.3f}" for i, c in enumerate(cols) for x in c))

if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
