import Foundation
import Geometry
import Physics
import World

/// Where HInt evaluation episodes start and end (docs/hint.md, "Evaluation regime"): optional
/// start poses inside the obstacle field, goals at a configurable bearing from the start
/// heading, and a reachability check on a clearance grid so that every counted episode has a
/// path the robot's body fits through. Everything is drawn from injected seeds.
public enum HIntEpisodeLayout {
    /// Height of the clearance probes above the ground, m (the jackal's body is 0.25 m tall).
    public static let probeHeight = 0.2
    /// Grid cell of the reachability search, m.
    public static let cell = 0.15

    /// `count` start poses inside the obstacle field: positions uniform in the scene bounds
    /// shrunk by `inset` m on every side, at least `clearance` m from every obstacle, headings
    /// uniform in [-pi, pi). Fewer if free positions are rare (at most 50 tries per start).
    public static func interiorSpawns(scene: Scene, count: Int, inset: Double, clearance: Double, seed: UInt64) -> [Spawn] {
        var rng = RNG(seed: seed, stream: 0x5350_4157)
        let lo = scene.boundsMin, hi = scene.boundsMax
        let x0 = lo.x + inset, x1 = max(hi.x - inset, x0), y0 = lo.y + inset, y1 = max(hi.y - inset, y0)
        let probe = CollisionShape.sphere(radius: clearance)
        var out: [Spawn] = []
        for _ in 0..<(50 * count) where out.count < count {
            let p = Vec3(rng.uniform(x0, x1), rng.uniform(y0, y1), probeHeight)
            let yaw = rng.uniform(-.pi, .pi)
            if scene.firstOverlap(probe, at: Pose(position: p, orientation: .identity)) == nil {
                out.append(Spawn(position: Vec3(p.x, p.y, 0), yaw: yaw))
            }
        }
        return out
    }

    /// The scene with its spawns replaced (same obstacles, bounds and grid).
    public static func replacingSpawns(_ scene: Scene, with spawns: [Spawn]) -> Scene {
        scene.replacingSpawns(spawns)
    }

    /// A free goal about `distance` m from `start` (0.85-1.0 x, then 0.5-0.85 x after 40
    /// tries) at a bearing uniform in +-`bearing` rad from `yaw`, at least 0.5 m from every
    /// obstacle and, if `reachableWith` is given, connected to the start on the clearance grid
    /// with that probe radius. Nil if 60 tries find none.
    public static func goal(scene: Scene, start: SIMD2<Double>, yaw: Double, distance: Double, bearing: Double,
                            reachableWith clearance: Double?, rng: inout RNG) -> SIMD2<Double>? {
        let probe = CollisionShape.sphere(radius: 0.5)
        for attempt in 0..<60 {
            let d = distance * (attempt < 40 ? rng.uniform(0.85, 1.0) : rng.uniform(0.5, 0.85))
            let a = yaw + rng.uniform(-bearing, bearing)
            let p = Vec3(start.x + d * cos(a), start.y + d * sin(a), 0.3)
            guard scene.inBounds(p), scene.firstOverlap(probe, at: Pose(position: p, orientation: .identity)) == nil else { continue }
            let g = SIMD2(p.x, p.y)
            if let clearance, !reachable(scene: scene, from: start, to: g, clearance: clearance) { continue }
            return g
        }
        return nil
    }

    /// Whether `to` is connected to `from` by a 4-connected path of grid cells (`cell` m) whose
    /// centres are at least `clearance` m from every obstacle and inside the bounds. The search
    /// stays within 3 m of the two points' bounding box. The start and goal cells count as free.
    public static func reachable(scene: Scene, from: SIMD2<Double>, to: SIMD2<Double>, clearance: Double) -> Bool {
        let margin = 3.0
        let ox = min(from.x, to.x) - margin, oy = min(from.y, to.y) - margin
        let nx = Int(((max(from.x, to.x) + margin - ox) / cell).rounded(.up)) + 1
        let ny = Int(((max(from.y, to.y) + margin - oy) / cell).rounded(.up)) + 1
        func index(_ p: SIMD2<Double>) -> Int {
            let i = min(max(Int(((p.x - ox) / cell).rounded()), 0), nx - 1), j = min(max(Int(((p.y - oy) / cell).rounded()), 0), ny - 1)
            return j * nx + i
        }
        let s = index(from), g = index(to)
        if s == g { return true }
        // 0 unknown, 1 free, 2 blocked or visited
        var state = [UInt8](repeating: 0, count: nx * ny)
        let probe = CollisionShape.sphere(radius: clearance)
        func open(_ k: Int) -> Bool {
            if state[k] != 0 { return false }
            if k == g { return true }
            let p = Vec3(ox + Double(k % nx) * cell, oy + Double(k / nx) * cell, probeHeight)
            let free = scene.inBounds(p) && scene.firstOverlap(probe, at: Pose(position: p, orientation: .identity)) == nil
            state[k] = free ? 1 : 2
            return free
        }
        var queue = [s]
        state[s] = 2
        var head = 0
        while head < queue.count {
            let k = queue[head]
            head += 1
            let i = k % nx, j = k / nx
            for (di, dj) in [(1, 0), (-1, 0), (0, 1), (0, -1)] {
                let a = i + di, b = j + dj
                guard a >= 0, a < nx, b >= 0, b < ny else { continue }
                let n = b * nx + a
                if open(n) {
                    if n == g { return true }
                    state[n] = 2
                    queue.append(n)
                }
            }
        }
        return false
    }
}
