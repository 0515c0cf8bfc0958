#!/usr/bin/env python3
"""How wrong an ideal unicycle is about a robot's motion, by yaw-rate range (stdlib only).

Reads a source's .swhi dataset (swiftlet experiment hint writes RUN/data/<source>.swhi) and, for
every collision-free window of H = 8 steps whose commands and initial measured yaw rate all lie
within +-L deg/s (so the window is also what a robot limited to L would have driven), compares
the robot's true relative poses with an ideal unicycle's (same commands, instant turn rate,
the configured speed, midpoint heading, 0.25 s steps). Prints, per L, the number of windows and
the mean position error at 0.5 s, 1 s and 2 s ahead (m) and the mean heading error at 2 s (deg).
Usage: tools/hint_lag.py RUN/data/jackal.swhi [--speed 1.0] [--limits 60,120,180]"""
import json, math, struct, sys


def read(path):
    b = open(path, "rb").read()
    assert b[:4] == b"SWHI", "not a .swhi file"
    m = struct.unpack_from("<I", b, 8)[0]
    meta = json.loads(b[12:12 + m])
    n, h, w, ne = int(meta["records"]), int(meta["height"]), int(meta["width"]), int(meta["episodes"])
    o = 12 + m + n * h * w
    poses = [struct.unpack_from("<3d", b, o + 24 * i) for i in range(n)]; o += 24 * n
    states = [struct.unpack_from("<2f", b, o + 8 * i) for i in range(n)]; o += 8 * n
    actions = list(struct.unpack_from(f"<{n}f", b, o)); o += 4 * n
    eps = [struct.unpack_from("<4i", b, o + 16 * i) for i in range(ne)]
    return meta, poses, states, actions, eps


def rel(a, b):
    dx, dy = b[0] - a[0], b[1] - a[1]
    c, s = math.cos(a[2]), math.sin(a[2])
    return c * dx + s * dy, -s * dx + c * dy, math.atan2(math.sin(b[2] - a[2]), math.cos(b[2] - a[2]))


def main(argv):
    path, speed, limits = argv[0], None, [60, 120, 180]
    for k, a in enumerate(argv):
        if a == "--speed": speed = float(argv[k + 1])
        if a == "--limits": limits = [float(x) for x in argv[k + 1].split(",")]
    meta, poses, states, actions, eps = read(path)
    v = speed if speed is not None else float(meta["speed"])
    H, dt = 8, 0.25
    print(f"{path}: platform {meta['platform']}, unicycle speed {v} m/s")
    print("limit_deg_s windows err_0.5s_m err_1s_m err_2s_m heading_err_2s_deg")
    for L in limits:
        lim = math.radians(L) * 1.0001
        errs = {2: [], 4: [], 8: []}
        herr = []
        for start, steps, coll, _ in eps:
            end = start + steps if coll < 0 else start + coll  # windows must end before the collision step
            for t in range(start, end - H + 1):
                cmds = actions[t:t + H]
                if abs(states[t][1]) > lim or any(abs(c) > lim for c in cmds):
                    continue
                x = y = yaw = 0.0
                for k, c in enumerate(cmds, 1):
                    mid = yaw + 0.5 * c * dt
                    x += v * dt * math.cos(mid); y += v * dt * math.sin(mid); yaw += c * dt
                    if k in errs:
                        tx, ty, tyaw = rel(poses[t], poses[t + k])
                        errs[k].append(math.hypot(tx - x, ty - y))
                        if k == H:
                            herr.append(abs(math.degrees(math.atan2(math.sin(tyaw - yaw), math.cos(tyaw - yaw)))))
        n = len(herr)
        mean = lambda xs: sum(xs) / len(xs) if xs else float("nan")
        print(f"{L:g} {n} {mean(errs[2]):.3f} {mean(errs[4]):.3f} {mean(errs[8]):.3f} {mean(herr):.1f}")


if __name__ == "__main__":
    main(sys.argv[1:])
