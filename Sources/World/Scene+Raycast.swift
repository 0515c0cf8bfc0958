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

    @inlinable public init(distance: Double, normal: Vec3, material: Int, obstacle: Int) {
        self.distance = distance
        self.normal = normal
        self.material = material
        self.obstacle = obstacle
    }
}

extension Scene {
    /// The nearest surface hit by the ray from `origin` along `direction` (any non-zero length),
    /// up to `maxDistance` metres, or nil. The ground plane counts (obstacle index -1).
    ///
    /// The nearest hit is the smallest distance, ties going to the ground, then to the lower
    /// obstacle index (`considerObstacle`); a caller that knows a superset of the obstacles the
    /// ray can meet gets the same hit from `groundHit` and `considerObstacle` over that superset
    /// (the renderer's tiled fallback).
    public func raycast(from origin: Vec3, direction: Vec3, maxDistance: Double = .infinity) -> RayHit? {
        guard let d = Scene.rayDirection(direction), origin.isFinite else { return nil }
        var best = groundHit(origin: origin, direction: d, maxDistance: maxDistance)
        var tBest = best?.distance ?? maxDistance
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

    /// The unit direction `raycast` casts along for `direction`, or nil for a zero or non-finite one.
    @inlinable @inline(__always)
    public static func rayDirection(_ direction: Vec3) -> Vec3? {
        let len = direction.length
        guard len > 0, len.isFinite else { return nil }
        return direction / len
    }

    /// The ground plane's hit for the unit direction `d` (`rayDirection`) from `origin`, when the
    /// ray descends onto it within `maxDistance`.
    @inlinable @inline(__always)
    public func groundHit(origin: Vec3, direction d: Vec3, maxDistance: Double = .infinity) -> RayHit? {
        guard d.z < 0, origin.z > groundHeight else { return nil }
        let t = (groundHeight - origin.z) / d.z
        return t <= maxDistance ? RayHit(distance: t, normal: .unitZ, material: groundMaterial, obstacle: -1) : nil
    }

    /// Tests obstacle `i` against the ray from `o` along the unit direction `d` and keeps it in
    /// `best` when it is nearer than `tBest` (on a tie: when `best` is a higher obstacle index;
    /// the ground, index -1, keeps its ties). The order obstacles are considered in does not
    /// change the result, and considering one twice changes nothing.
    @inlinable @inline(__always)
    public func considerObstacle(_ i: Int, origin o: Vec3, direction d: Vec3, tBest: inout Double, best: inout RayHit?) {
        let trig = yawTrig[i]
        if let h = obstacles[i].shape.intersect(origin: o, direction: d, tMin: 0, tMax: tBest, cosYaw: trig.x, sinYaw: trig.y) {
            if h.t < tBest || (h.t == tBest && best.map { $0.obstacle > i } ?? true) {
                tBest = h.t
                best = RayHit(distance: h.t, normal: h.normal, material: obstacles[i].material, obstacle: i)
            }
        }
    }

    private func testCell(_ cell: Int, _ o: Vec3, _ d: Vec3, _ tBest: inout Double, _ best: inout RayHit?) {
        let s = Int(grid.cellStart[cell]), e = Int(grid.cellStart[cell + 1])
        for k in s..<e {
            considerObstacle(Int(grid.items[k]), origin: o, direction: d, tBest: &tBest, best: &best)
        }
    }
}
