#!/usr/bin/env python3
"""Peer benchmark for `swiftlet bench physics`: PyBullet stepSimulation for one Crazyflie-sized
body (cylinder r 0.06 m, h 0.025 m, 27 g) among 50 static boxes, DIRECT mode, dt 1/240, with
per-rotor forces applied every step as gym-pybullet-drones does.

Prints one JSON line: {"steps_per_s": ..., "pybullet": version}.
`--setup` creates tools/.venv with pybullet when it is missing.
"""
import argparse
import json
import os
import random
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
VENV = os.path.join(HERE, ".venv")


def setup():
    py = os.path.join(VENV, "bin", "python")
    if not os.path.exists(py):
        subprocess.check_call([sys.executable, "-m", "venv", VENV])
    subprocess.check_call([py, "-m", "pip", "install", "-q", "numpy", "pybullet"])
    print("tools/.venv ready")


def bench(seconds):
    import pybullet as p
    client = p.connect(p.DIRECT)
    p.setGravity(0, 0, -9.8, physicsClientId=client)
    p.setTimeStep(1 / 240, physicsClientId=client)
    rng = random.Random(0)
    box = p.createCollisionShape(p.GEOM_BOX, halfExtents=[0.5, 0.5, 1.0], physicsClientId=client)
    for _ in range(50):
        p.createMultiBody(0, box, basePosition=[rng.uniform(-20, 20), rng.uniform(-20, 20), 1.0], physicsClientId=client)
    cyl = p.createCollisionShape(p.GEOM_CYLINDER, radius=0.06, height=0.025, physicsClientId=client)
    drone = p.createMultiBody(0.027, cyl, basePosition=[0, 0, 1], physicsClientId=client)
    kf = 3.16e-10
    rpm = 14468.0
    force = kf * rpm * rpm
    arms = [(0.028, -0.028, 0), (-0.028, -0.028, 0), (-0.028, 0.028, 0), (0.028, 0.028, 0)]

    def step():
        for a in arms:
            p.applyExternalForce(drone, -1, [0, 0, force], a, p.LINK_FRAME, physicsClientId=client)
        p.stepSimulation(physicsClientId=client)

    for _ in range(200):
        step()
    best = 0.0
    for _ in range(3):
        n, t0 = 0, time.perf_counter()
        while time.perf_counter() - t0 < seconds / 3:
            for _ in range(100):
                step()
            n += 100
        best = max(best, n / (time.perf_counter() - t0))
    version = getattr(p, "__version__", None) or "unknown"
    try:
        from importlib.metadata import version as v
        version = v("pybullet")
    except Exception:
        pass
    print(json.dumps({"steps_per_s": best, "pybullet": version}))


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--setup", action="store_true", help="create tools/.venv with pybullet")
    args = ap.parse_args()
    if args.setup:
        setup()
    else:
        bench(args.seconds)
