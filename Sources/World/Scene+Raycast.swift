import Foundation
import Geometry

/// What a ray hit.
public struct RayHit: Sendable, Equatable {
    /// Distance along the ray, metres (the direction is normalised internally).
    public var distance: Double
    /// Outward unit surface normal, world frame.
    public var normal: Vec3
    /// Material index into `Scene.materials`.
    public var material: Int
    /// Obstacle index into `Scene.obstacles`, or -1 for the ground.
    public var obstacle: Int
}

extension Scene {
    /// The nearest surface hit by the ray from `origin` along `direction` (any non-zero length),
    /// up to `maxDistance` metres, or nil. The ground plane counts (obstacle index -1).
    public func raycast(from origin: Vec3, direction: Vec3, maxDistance: Double = .infinity) -> RayHit? {
        let len = direction.length
        guard len > 0, len.isFinite, origin.isFinite else { return nil }
        let d = direction / len
        var best: RayHit? = nil
        var tBest = maxDistance
        // ground plane
        if d.z < 0, origin.z > groundHeight {
            let t = (groundHeight - origin.z) / d.z
            if t <= tBest {
                tBest = t
                best = RayHit(distance: t, normal: .unitZ, material: groundMaterial, obstacle: -1)
            }
        }
        // stop once above every obstacle and climbing
        var tEnd = tBest
        if d.z > 0 {
            if origin.z >= grid.maxTop { return best }
            tEnd = min(tEnd, (grid.maxTop - origin.z) / d.z)
        } else if d.z < 0 {
            if origin.z <= grid.minBottom { return best }
            tEnd = min(tEnd, (grid.minBottom - origin.z) / d.z)
        }
        if d.x == 0 && d.y == 0 {
            let (c, r) = grid.cell(x: origin.x, y: origin.y)
            testCell(r * grid.columns + c, origin, d, &tBest, &best)
            return best
        }
        let tLimit = min(tEnd, 1e9)
        grid.walk(ox: origin.x, oy: origin.y, dx: d.x, dy: d.y, t0: 0, t1: tLimit) { cell, _, tExit in
            testCell(cell, origin, d, &tBest, &best)
            return tBest > tExit
        }
        return best
    }

    private func testCell(_ cell: Int, _ o: Vec3, _ d: Vec3, _ tBest: inout Double, _ best: inout RayHit?) {
        let s = Int(grid.cellStart[cell]), e = Int(grid.cellStart[cell + 1])
        for k in s..<e {
            let i = Int(grid.items[k])
            let trig = yawTrig[i]
            if let h = obstacles[i].shape.intersect(origin: o, direction: d, tMin: 0, tMax: tBest, cosYaw: trig.x, sinYaw: trig.y) {
                if h.t < tBest || (h.t == tBest && best.map { $0.obstacle > i } ?? true) {
                    tBest = h.t
                    best = RayHit(distance: h.t, normal: h.normal, material: obstacles[i].material, obstacle: i)
                }
            }
        }
    }
}
