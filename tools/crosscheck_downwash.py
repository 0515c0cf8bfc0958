#!/usr/bin/env python3
"""Cross-check of Swiftlet's downwash force against gym-pybullet-drones' formula.

Runs `swiftlet trace --downwash` (the downwash.py pass-over scenario) for several height
differences and sideways offsets, then recomputes, for every output row, the reference force
from that row's geometry (BaseAviary._downwash: alpha = c1 (r / (4 dz))^2,
beta = c2 dz + c3, F = alpha exp(-0.5 (d / beta)^2), dz > 0 and d < 10 m) with numpy, reading
the coefficients from Robots/cf2x.urdf. Swiftlet clips dz below at the height where alpha equals
the vehicle's maximum thrust (docs/physics.md); rows below that clip are compared with the
clipped formula and counted separately.

Prints a table of geometries and both forces, the largest relative difference, and the lower
vehicle's altitude dip per run. gym-pybullet-drones itself is tried for its downwash.py figure;
if it is not importable the script says so.

Usage: tools/.venv/bin/python tools/crosscheck_downwash.py [--swiftlet .build/release/swiftlet]
`--setup` creates tools/.venv with numpy when it is missing.
"""
import argparse
import csv
import math
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
VENV = os.path.join(HERE, ".venv")


def setup():
    py = os.path.join(VENV, "bin", "python")
    if not os.path.exists(py):
        subprocess.check_call([sys.executable, "-m", "venv", VENV])
    subprocess.check_call([py, "-m", "pip", "install", "-q", "numpy"])
    print("tools/.venv ready")


def coefficients(urdf):
    root = ET.parse(urdf).getroot()
    p = root.find("properties").attrib
    mass = float(root.find("./link[@name='base_link']/inertial/mass").attrib["value"])
    return (float(p["dw_coeff_1"]), float(p["dw_coeff_2"]), float(p["dw_coeff_3"]),
            float(p["prop_radius"]), float(p["thrust2weight"]) * mass * 9.8)


def reference(np, dz, d, c1, c2, c3, r):
    """gym-pybullet-drones' formula, vectorised; 0 where dz <= 0 or d >= 10."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        alpha = c1 * (r / (4 * dz)) ** 2
        beta = c2 * dz + c3
        f = alpha * np.exp(-0.5 * (d / beta) ** 2)
    return np.where((dz > 0) & (d < 10), f, 0.0)


def run_case(swiftlet, height, lateral, out_dir):
    out = os.path.join(out_dir, f"dw_{height}_{lateral}.csv")
    text = subprocess.run([swiftlet, "trace", "--downwash", "--height-difference", str(height), "--lateral", str(lateral),
                           "--out", out], check=True, capture_output=True, text=True, cwd=ROOT).stdout
    with open(out) as f:
        rows = list(csv.DictReader(f))
    return rows, text.splitlines()[0]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--swiftlet", default=os.path.join(ROOT, ".build", "release", "swiftlet"))
    ap.add_argument("--setup", action="store_true")
    args = ap.parse_args()
    if args.setup:
        setup()
        return
    import numpy as np

    c1, c2, c3, r, max_thrust = coefficients(os.path.join(ROOT, "Robots", "cf2x.urdf"))
    clip = 0.25 * r * math.sqrt(c1 / max_thrust)
    print(f"cf2x: c1 {c1} N, c2 {c2}, c3 {c3} m, prop radius {r} m; beta = 0 at dz = {-c3 / c2:.4f} m; "
          f"Swiftlet clips dz at {clip:.4f} m (alpha = max thrust {max_thrust:.5f} N)")
    cases = [(0.4, 0.0), (0.5, 0.0), (0.5, 0.02), (0.8, 0.0), (1.0, 0.0), (1.0, 0.05), (1.5, 0.0), (2.0, 0.1)]
    worst, compared, clipped, nonzero = 0.0, 0, 0, 0
    table = []
    dips = []
    with tempfile.TemporaryDirectory() as tmp:
        for height, lateral in cases:
            rows, summary = run_case(args.swiftlet, height, lateral, tmp)
            dz = np.array([float(x["delta_z"]) for x in rows])
            d = np.array([float(x["distance_xy"]) for x in rows])
            got = np.array([float(x["downwash_n"]) for x in rows])
            want = reference(np, np.maximum(dz, clip), d, c1, c2, c3, r)
            want = np.where(dz > 0, want, 0.0)
            clipped += int(np.sum((dz > 0) & (dz < clip)))
            big = want > 1e-300
            nonzero += int(np.sum(got > 1e-6))
            rel = np.abs(got[big] - want[big]) / want[big]
            worst = max(worst, float(rel.max()) if rel.size else 0.0)
            # zero rows must be zero (or below the smallest normal double) on both sides
            assert np.all(np.abs(got[~big]) < 1e-300), "Swiftlet force where the reference has none"
            compared += len(rows)
            for target in (0.0, 0.01, 0.03, 0.06):
                k = int(np.argmin(np.abs(d - target) + (got <= 0) * 1e9))
                table.append((height, lateral, dz[k], d[k], got[k], want[k], abs(got[k] - want[k]) / max(want[k], 1e-300)))
            dips.append((height, lateral, summary))
    print()
    print("| setpoint dz (m) | lateral (m) | dz (m) | d (m) | Swiftlet F (N) | reference F (N) | relative difference |")
    print("|---|---|---|---|---|---|---|")
    seen = set()
    for h, lat, z, dd, g, w, rd in table:
        key = (h, lat, round(dd, 4))
        if key in seen:
            continue
        seen.add(key)
        print(f"| {h} | {lat} | {z:.4f} | {dd:.4f} | {g:.6e} | {w:.6e} | {rd:.1e} |")
    print()
    print(f"rows compared: {compared} ({nonzero} with F > 1e-6 N, {clipped} below the dz clip); "
          f"largest relative difference where the reference is non-zero: {worst:.2e}")
    print()
    print("lower vehicle per run (swiftlet trace --downwash summary):")
    for h, lat, s in dips:
        print(f"  dz {h} m, lateral {lat} m: {s}")
    print()
    try:
        import gym_pybullet_drones  # noqa: F401
        print("gym-pybullet-drones is importable: run its examples/downwash.py (gui False) for its figure")
    except ImportError:
        print("gym-pybullet-drones: unavailable (not importable in tools/.venv; pip finds no distribution "
              "of it on the package index here), so its downwash.py dip is not compared")
    return 0 if worst < 1e-12 else 1


if __name__ == "__main__":
    sys.exit(main())
