#!/usr/bin/env python3
"""Cross-check Swiftlet checkpoints with the public `safetensors` package, both directions.

1. `swiftlet checkpoint --write-reference A` writes a model; Python loads A with
   safetensors.numpy and must see the same names, shapes, sums and bit hashes, and the metadata.
2. Python writes B (F32 tensors + string metadata) with safetensors.numpy; `swiftlet checkpoint B`
   must read it and report the same summary.
Usage: tools/.venv/bin/python tools/check_safetensors.py [path/to/swiftlet]
Setup: python3 -m venv tools/.venv && tools/.venv/bin/pip install safetensors numpy
"""
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
from safetensors import safe_open
from safetensors.numpy import load_file, save_file


def summary(tensors, architecture):
    lines = [f"architecture: {architecture}"]
    for name in sorted(tensors):
        t = np.array(tensors[name], dtype=np.float32, order="C")
        h = 0xcbf29ce484222325
        for bits in t.reshape(-1).view(np.uint32).tolist():
            h = ((h ^ bits) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
        shape = ",".join(str(d) for d in t.shape)
        lines.append(f"{name}\t[{shape}]\t{float(t.astype(np.float64).sum()):.6e}\t{h:x}")
    return "\n".join(lines) + "\n"


def main():
    swiftlet = sys.argv[1] if len(sys.argv) > 1 else ".build/release/swiftlet"
    with tempfile.TemporaryDirectory() as d:
        a = os.path.join(d, "a.safetensors")
        ours = subprocess.run([swiftlet, "checkpoint", "--write-reference", a, "--seed", "3"],
                              check=True, capture_output=True, text=True).stdout
        with safe_open(a, framework="numpy") as f:
            meta = f.metadata()
        theirs = summary(load_file(a), meta["architecture"])
        assert json.loads(meta["swiftlet"])["architecture"] == meta["architecture"]
        assert ours == theirs, f"swiftlet-written file differs:\n{ours}\n---\n{theirs}"

        b = os.path.join(d, "b.safetensors")
        rng = np.random.default_rng(5)
        tensors = {"enc.weight": rng.standard_normal((7, 3)).astype(np.float32),
                   "enc.bias": rng.standard_normal(7).astype(np.float32),
                   "scalar": np.array(2.5, dtype=np.float32)}
        save_file(tensors, b, metadata={"architecture": "python-made"})
        ours = subprocess.run([swiftlet, "checkpoint", b], check=True, capture_output=True, text=True).stdout
        theirs = summary(tensors, "(none)")
        assert ours == theirs, f"python-written file read differently:\n{ours}\n---\n{theirs}"
    print("safetensors cross-check: 2 passed, 0 failed")


if __name__ == "__main__":
    main()
