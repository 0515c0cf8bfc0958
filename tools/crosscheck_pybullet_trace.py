#!/usr/bin/env python3
"""Cross-check `swiftlet trace` against PyBullet with the gym-pybullet-drones "PYB" model.

PyBullet loads Robots/cf2x.urdf, applies kf*rpm^2 along z at each propN_link (whose link frame
is its inertial origin, the rotor position) and the yaw torque
km*(-rpm0^2 + rpm1^2 - rpm2^2 + rpm3^2) on the base, at 240 Hz. Swiftlet replays the same
rotor speeds with `swiftlet trace --rate 240 --effects none`. Both start at rest at (0, 0, 1).
PyBullet integrates with semi-implicit Euler, so the two agree to O(dt), not to round-off;
a sign or frame mistake shows up as a difference of centimetres to metres.

Usage: tools/.venv/bin/python tools/crosscheck_pybullet_trace.py [--swiftlet .build/release/swiftlet]
(`python3 tools/bench_pybullet_physics.py --setup` creates the venv.)
"""
import argparse
import csv
import math
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KF, KM = 3.16e-10, 7.94e-12
HOVER = math.sqrt(0.027 * 9.8 / (4 * KF))
RATE = 240


def schedule():
    """(t, rpm0..3) rows: hover, a roll/pitch doublet, a yaw push, then hover."""
    h = HOVER
    return [
        (0.0, h, h, h, h),
        (0.2, h * 1.002, h * 0.998, h * 0.998, h * 1.002),   # roll one way
        (0.3, h * 0.998, h * 1.002, h * 1.002, h * 0.998),   # and back
        (0.4, h, h, h, h),
        (0.5, h * 0.98, h * 1.02, h * 0.98, h * 1.02),       # yaw (rotors 1, 3 faster)
        (0.8, h * 1.01, h * 1.01, h * 1.01, h * 1.01),       # climb
        (1.0, h, h, h, h),
    ]


def run_pybullet(rows, steps, substeps):
    import pybullet as p
    c = p.connect(p.DIRECT)
    p.setGravity(0, 0, -9.8, physicsClientId=c)
    p.setTimeStep(1 / (RATE * substeps), physicsClientId=c)
    drone = p.loadURDF(os.path.join(ROOT, "Robots", "cf2x.urdf"), [0, 0, 1], flags=p.URDF_USE_INERTIA_FROM_FILE,
                       physicsClientId=c)
    # Bullet damps every body by default (0.04); the rigid-body equations compared here have none
    p.changeDynamics(drone, -1, linearDamping=0, angularDamping=0, physicsClientId=c)
    names = {p.getJointInfo(drone, j, physicsClientId=c)[12].decode(): j for j in range(p.getNumJoints(drone, physicsClientId=c))}
    props = [names[f"prop{i}_link"] for i in range(4)]
    out = []
    k_row = 0
    for k in range(steps):
        t = k / RATE
        while k_row + 1 < len(rows) and rows[k_row + 1][0] <= t + 1e-12:
            k_row += 1
        rpm = rows[k_row][1:]
        for _ in range(substeps):
            # external forces are cleared after every stepSimulation: apply them each substep
            for i, link in enumerate(props):
                p.applyExternalForce(drone, link, [0, 0, KF * rpm[i] ** 2], [0, 0, 0], p.LINK_FRAME, physicsClientId=c)
            tz = KM * (-rpm[0] ** 2 + rpm[1] ** 2 - rpm[2] ** 2 + rpm[3] ** 2)
            p.applyExternalTorque(drone, -1, [0, 0, tz], p.LINK_FRAME, physicsClientId=c)
            p.stepSimulation(physicsClientId=c)
        pos, quat = p.getBasePositionAndOrientation(drone, physicsClientId=c)
        out.append((pos, quat))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--swiftlet", default=os.path.join(ROOT, ".build", "release", "swiftlet"))
    ap.add_argument("--substeps", type=int, default=16,
                    help="PyBullet substeps per 1/240 s command step (its Euler error shrinks with them)")
    args = ap.parse_args()
    rows = schedule()
    steps = round(rows[-1][0] * RATE)
    with tempfile.TemporaryDirectory() as d:
        inp, outp = os.path.join(d, "in.csv"), os.path.join(d, "out.csv")
        with open(inp, "w") as f:
            f.write("t,rpm0,rpm1,rpm2,rpm3\n")
            for r in rows:
                f.write(",".join(repr(v) for v in r) + "\n")
        subprocess.check_call([args.swiftlet, "trace", "--robot", os.path.join(ROOT, "Robots", "cf2x.urdf"),
                               "--inputs", inp, "--out", outp, "--rate", str(RATE), "--effects", "none"])
        with open(outp) as f:
            sw = list(csv.DictReader(f))
    pb = run_pybullet(rows, steps, args.substeps)
    worst_pos, worst_ang = 0.0, 0.0
    for k in range(steps):
        s = sw[k + 1]
        (px, py, pz), (qx, qy, qz, qw) = pb[k]
        dp = math.dist((float(s["x"]), float(s["y"]), float(s["z"])), (px, py, pz))
        dot = abs(float(s["qx"]) * qx + float(s["qy"]) * qy + float(s["qz"]) * qz + float(s["qw"]) * qw)
        da = 2 * math.degrees(math.acos(min(1.0, dot)))
        worst_pos, worst_ang = max(worst_pos, dp), max(worst_ang, da)
    last = sw[-1]
    (px, py, pz), (qx, qy, qz, qw) = pb[-1]
    yaw_sw = math.degrees(2 * math.atan2(float(last["qz"]), float(last["qw"])))
    yaw_pb = math.degrees(2 * math.atan2(qz, qw))
    print(f"steps {steps} at {RATE} Hz (PyBullet {args.substeps} substeps each)")
    print(f"final position swiftlet ({float(last['x']):.4f}, {float(last['y']):.4f}, {float(last['z']):.4f})"
          f" pybullet ({px:.4f}, {py:.4f}, {pz:.4f})")
    print(f"final yaw swiftlet {yaw_sw:.2f} deg, pybullet {yaw_pb:.2f} deg")
    print(f"max position difference {worst_pos * 1000:.2f} mm, max attitude difference {worst_ang:.3f} deg")
    ok = worst_pos < 0.01 and worst_ang < 1.0
    print("AGREE" if ok else "DISAGREE")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
