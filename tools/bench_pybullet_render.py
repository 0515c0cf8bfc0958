#!/usr/bin/env python3
"""Peer benchmark for `swiftlet bench render`: PyBullet's TinyRenderer (CPU) frames/s.

Scene comparable to Swiftlet's bench world: a ground plane, 200 vertical cylinders (trees) and
50 boxes over 50 m x 50 m, cameras at 1 m height with random headings. Renders RGB + depth
(getCameraImage always produces both with ER_TINY_RENDERER) at 64x64, 128x96 and 72x96.

Output on stdout, per resolution: "WxH rgb+depth<TAB>frames per wall second" and
"WxH rgb+depth per CPU-second<TAB>frames per CPU second" (the host may be shared).

  python3 tools/bench_pybullet_render.py --setup      # create tools/.venv and pip install pybullet
  tools/.venv/bin/python tools/bench_pybullet_render.py --seconds 3
"""
import argparse
import math
import os
import random
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
VENV = os.path.join(HERE, ".venv")


def setup():
    if not os.path.exists(os.path.join(VENV, "bin", "python")):
        subprocess.check_call([sys.executable, "-m", "venv", VENV])
    subprocess.check_call([os.path.join(VENV, "bin", "pip"), "install", "-q", "pybullet", "numpy"])


def build_scene(p, seed=1):
    rng = random.Random(seed)
    ground = p.createVisualShape(p.GEOM_BOX, halfExtents=[30, 30, 0.01], rgbaColor=[0.35, 0.45, 0.25, 1])
    p.createMultiBody(0, -1, ground, [26, 0, -0.01])
    for _ in range(200):
        r, h = rng.uniform(0.1, 0.4), rng.uniform(3, 8)
        vis = p.createVisualShape(p.GEOM_CYLINDER, radius=r, length=h, rgbaColor=[0.4, 0.3, 0.2, 1])
        p.createMultiBody(0, -1, vis, [rng.uniform(3, 50), rng.uniform(-25, 25), h / 2])
    for _ in range(50):
        s = [rng.uniform(0.15, 0.75), rng.uniform(0.15, 0.75), rng.uniform(0.15, 0.9)]
        vis = p.createVisualShape(p.GEOM_BOX, halfExtents=s, rgbaColor=[0.6, 0.45, 0.3, 1])
        q = p.getQuaternionFromEuler([0, 0, rng.uniform(-math.pi, math.pi)])
        p.createMultiBody(0, -1, vis, [rng.uniform(3, 50), rng.uniform(-25, 25), s[2]], q)


def bench(p, w, h, fov, seconds, seed=7):
    rng = random.Random(seed)
    poses = []
    for _ in range(64):
        x, y, yaw = rng.uniform(1, 49), rng.uniform(-24, 24), rng.uniform(-math.pi, math.pi)
        poses.append(([x, y, 1.0], [x + math.cos(yaw), y + math.sin(yaw), 1.0]))
    proj = p.computeProjectionMatrixFOV(fov=fov, aspect=w / h, nearVal=0.05, farVal=20)
    views = [p.computeViewMatrix(eye, target, [0, 0, 1]) for eye, target in poses]
    p.getCameraImage(w, h, views[0], proj, renderer=p.ER_TINY_RENDERER)   # warm-up
    n, t0, c0 = 0, time.perf_counter(), time.process_time()
    while time.perf_counter() - t0 < seconds:
        p.getCameraImage(w, h, views[n % len(views)], proj, renderer=p.ER_TINY_RENDERER)
        n += 1
    return n / (time.perf_counter() - t0), n / max(time.process_time() - c0, 1e-9)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, default=3.0, help="measuring time per resolution")
    ap.add_argument("--setup", action="store_true", help="create tools/.venv with pybullet and exit")
    a = ap.parse_args()
    if a.setup:
        setup()
        return 0
    try:
        import pybullet as p
    except ImportError:
        print("pybullet is not importable; run: python3 tools/bench_pybullet_render.py --setup", file=sys.stderr)
        return 3
    p.connect(p.DIRECT)
    build_scene(p)
    # vertical FOV for PyBullet: Swiftlet's 90 degrees horizontal at 64x64 is 90 vertical; 128x96 -> 73.7; GtS 60 h at 72x96 -> 74.
    for (w, h, vfov) in [(64, 64, 90.0), (128, 96, 73.74), (72, 96, 73.9)]:
        wall, cpu = bench(p, w, h, vfov, a.seconds)
        print(f"{w}x{h} rgb+depth\t{wall:.1f}", flush=True)
        print(f"{w}x{h} rgb+depth per CPU-second\t{cpu:.1f}", flush=True)
    p.disconnect()
    return 0


if __name__ == "__main__":
    sys.exit(main())
