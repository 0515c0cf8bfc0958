#!/usr/bin/env python3
"""PyTorch peer for `swiftlet bench nn`: the reference model (issue 4) on the CPU.

1x64x64 image -> conv 32/64/64 (3x3, stride 2, pad 1, ReLU) -> flatten, concat a 10x2 action
sequence -> dense 256 ReLU -> dense 10 logits; sigmoid cross-entropy, Adam, batch 64.
Prints a JSON list of {"metric", "value", "unit"} records on stdout.
Setup: python3 -m venv tools/.venv && tools/.venv/bin/pip install torch
"""
import argparse
import json
import statistics
import time

import torch
import torch.nn as nn


class Reference(nn.Module):
    def __init__(self):
        super().__init__()
        self.trunk = nn.Sequential(
            nn.Conv2d(1, 32, 3, 2, 1), nn.ReLU(),
            nn.Conv2d(32, 64, 3, 2, 1), nn.ReLU(),
            nn.Conv2d(64, 64, 3, 2, 1), nn.ReLU(),
            nn.Flatten())
        self.fc0 = nn.Linear(64 * 8 * 8 + 20, 256)
        self.fc1 = nn.Linear(256, 10)

    def forward(self, images, actions):
        z = torch.cat([self.trunk(images), actions], dim=1)
        return self.fc1(torch.relu(self.fc0(z)))


def rate(seconds, batch, body, rounds=3):
    body()
    best = 0.0
    for _ in range(rounds):
        n, t0 = 0, time.perf_counter()
        while True:
            body()
            n += 1
            t = time.perf_counter()
            if t - t0 >= seconds / rounds:
                break
        best = max(best, n * batch / (t - t0))
    return best


def median_time(repeats, body):
    body()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        body()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=6)
    ap.add_argument("--threads", default="2", help="comma-separated thread counts to measure, e.g. 2,1")
    args = ap.parse_args()
    records = []
    for threads in [int(t) for t in args.threads.split(",")]:
        records += measure(args.seconds, threads)
    print(json.dumps(records))


def measure(seconds, threads):
    torch.set_num_threads(threads)
    torch.manual_seed(7)
    model = Reference()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.BCEWithLogitsLoss(pos_weight=torch.full((10,), 2.0))
    batch = 64
    images = torch.rand(batch, 1, 64, 64)
    actions = torch.rand(batch, 20) * 2 - 1
    targets = (torch.rand(batch, 10) < 0.3).float()

    def step():
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(images, actions), targets)
        loss.backward()
        opt.step()

    steps = [0]

    def counted():
        step()
        steps[0] += 1

    cpu0 = time.process_time()
    train = rate(seconds, batch, counted)
    per_cpu = steps[0] * batch / max(time.process_time() - cpu0, 1e-9)
    records = [{"metric": "train_samples_per_s", "value": train, "unit": "samples/s", "threads": threads},
               {"metric": "train_samples_per_cpu_s", "value": per_cpu, "unit": "samples/cpu-s", "threads": threads}]
    model.eval()
    with torch.inference_mode():
        for n in (1, 1024):
            img, act = torch.rand(n, 1, 64, 64), torch.rand(n, 20)
            repeats = max(3, int((200 if n == 1 else 10) * seconds / 6))
            t = median_time(repeats, lambda: model(img, act))
            records.append({"metric": f"infer_ms_batch{n}", "value": t * 1000, "unit": "ms", "threads": threads})
    return records


if __name__ == "__main__":
    main()
