import Foundation
import Geometry

/// A robot's collision shape, centred on the robot's body origin.
public enum CollisionShape: Sendable, Equatable, Hashable {
    /// Sphere of radius `radius` metres.
    case sphere(radius: Double)
    /// Vertical cylinder (axis along world z whatever the robot's attitude), radius and full
    /// height in metres, centred on the body origin. Crazyflie: r 0.06, h 0.025.
    case cylinder(radius: Double, height: Double)
    /// Box with half extents (metres) along the body axes, oriented by the pose.
    case box(halfExtents: Vec3)

    /// The shape grown by `margin` metres sideways (radius, or the box's x and y half extents),
    /// height unchanged: the clearance margin planners check against.
    public func inflatedHorizontally(by margin: Double) -> CollisionShape {
        switch self {
        case .cylinder(let r, let h): return .cylinder(radius: r + margin, height: h)
        case .sphere(let r): return .sphere(radius: r + margin)
        case .box(let e): return .box(halfExtents: e + Vec3(margin, margin, 0))
        }
    }
}

extension Scene {
    /// Index of the lowest-numbered obstacle overlapping `shape` placed at `pose`, or nil.
    /// The ground is not an obstacle: use `distanceToGround` for it.
    ///
    /// Exact for spheres and vertical cylinders against every obstacle, and for boxes against
    /// boxes (separating axes) and spheres; a tilted box against a cylinder uses the box's
    /// yaw-aligned bounding box (conservative: may report contact up to a few mm early).
    public func firstOverlap(_ shape: CollisionShape, at pose: Pose) -> Int? {
        let p = pose.position
        let reach: Double
        switch shape {
        case .sphere(let r): reach = r
        case .cylinder(let r, let h): reach = (r * r + h * h / 4).squareRoot()
        case .box(let e): reach = e.length
        }
        let (c0, r0) = grid.cell(x: p.x - reach, y: p.y - reach)
        let (c1, r1) = grid.cell(x: p.x + reach, y: p.y + reach)
        var found = Int.max
        for r in r0...r1 {
            for c in c0...c1 {
                let cell = r * grid.columns + c
                for k in Int(grid.cellStart[cell])..<Int(grid.cellStart[cell + 1]) {
                    let i = Int(grid.items[k])
                    if i < found, Scene.overlap(shape, pose, obstacles[i].shape) { found = i }
                }
            }
        }
        return found == Int.max ? nil : found
    }

    /// Whether `shape` at `pose` touches any obstacle.
    public func overlaps(_ shape: CollisionShape, at pose: Pose) -> Bool { firstOverlap(shape, at: pose) != nil }

    /// Height of `p` above the ground plane (negative below), metres.
    public func distanceToGround(_ p: Vec3) -> Double { p.z - groundHeight }

    /// Euclidean distance from `p` to the nearest obstacle surface (0 inside one), searching at
    /// most `maxDistance` metres (returns `maxDistance` when nothing is nearer). Ground excluded.
    public func distanceToNearestObstacle(_ p: Vec3, maxDistance: Double = 1e4) -> Double {
        var best = maxDistance
        var radius = grid.cellSize
        while true {
            let (c0, r0) = grid.cell(x: p.x - radius, y: p.y - radius)
            let (c1, r1) = grid.cell(x: p.x + radius, y: p.y + radius)
            for r in r0...r1 {
                for c in c0...c1 {
                    let cell = r * grid.columns + c
                    for k in Int(grid.cellStart[cell])..<Int(grid.cellStart[cell + 1]) {
                        best = min(best, obstacles[Int(grid.items[k])].shape.distance(to: p))
                    }
                }
            }
            let coversAll = c0 == 0 && r0 == 0 && c1 == grid.columns - 1 && r1 == grid.rows - 1
            if best <= radius || coversAll || radius >= maxDistance { return best }
            radius *= 2
        }
    }

    /// Exact or conservative overlap of one robot shape with one obstacle (see `firstOverlap`).
    static func overlap(_ shape: CollisionShape, _ pose: Pose, _ obstacle: Shape) -> Bool {
        let p = pose.position
        switch shape {
        case .sphere(let r):
            return obstacle.distance(to: p) <= r
        case .cylinder(let r, let h):
            let zLo = p.z - h / 2, zHi = p.z + h / 2
            switch obstacle {
            case .cylinder(let c):
                let dx = p.x - c.x, dy = p.y - c.y
                return zHi >= c.zMin && zLo <= c.zMax && dx * dx + dy * dy <= (r + c.radius) * (r + c.radius)
            case .box(let b):
                guard zHi >= b.center.z - b.halfExtents.z, zLo <= b.center.z + b.halfExtents.z else { return false }
                let l = b.toLocal(p)
                let qx = max(abs(l.x) - b.halfExtents.x, 0), qy = max(abs(l.y) - b.halfExtents.y, 0)
                return qx * qx + qy * qy <= r * r
            case .sphere(let s):
                // closest point of the solid cylinder to the sphere centre
                let dx = s.center.x - p.x, dy = s.center.y - p.y
                let radial = max((dx * dx + dy * dy).squareRoot() - r, 0)
                let vertical = max(zLo - s.center.z, s.center.z - zHi, 0)
                return radial * radial + vertical * vertical <= s.radius * s.radius
            }
        case .box(let e):
            let m = pose.orientation.matrix
            // box axes in the world frame are the columns of the rotation matrix
            let ax = Axes(Vec3(m[0, 0], m[1, 0], m[2, 0]), Vec3(m[0, 1], m[1, 1], m[2, 1]), Vec3(m[0, 2], m[1, 2], m[2, 2]))
            switch obstacle {
            case .sphere(let s):
                let l = pose.inverseTransform(s.center)
                let qx = max(abs(l.x) - e.x, 0), qy = max(abs(l.y) - e.y, 0), qz = max(abs(l.z) - e.z, 0)
                return qx * qx + qy * qy + qz * qz <= s.radius * s.radius
            case .box(let b):
                let c = cos(b.yaw), s = sin(b.yaw)
                let bx = Axes(Vec3(c, s, 0), Vec3(-s, c, 0), Vec3(0, 0, 1))
                return Scene.boxesOverlap(p, ax, e, b.center, bx, b.halfExtents)
            case .cylinder(let cy):
                // yaw-aligned bounding box of the robot box against the cylinder
                let yaw = pose.orientation.yaw
                let c = cos(yaw), s = sin(yaw)
                let u = Vec3(c, s, 0), v = Vec3(-s, c, 0)
                var hu = 0.0, hv = 0.0, hz = 0.0
                for i in 0..<3 {
                    hu += abs(ax[i].dot(u)) * e[i]; hv += abs(ax[i].dot(v)) * e[i]; hz += abs(ax[i].z) * e[i]
                }
                guard p.z + hz >= cy.zMin, p.z - hz <= cy.zMax else { return false }
                let d = Vec3(cy.x - p.x, cy.y - p.y, 0)
                let qx = max(abs(d.dot(u)) - hu, 0), qy = max(abs(d.dot(v)) - hv, 0)
                return qx * qx + qy * qy <= cy.radius * cy.radius
            }
        }
    }

    /// Separating-axis test of two oriented boxes (centres, unit axes, half extents).
    static func boxesOverlap(_ ca: Vec3, _ a: Axes, _ ea: Vec3, _ cb: Vec3, _ b: Axes, _ eb: Vec3) -> Bool {
        let t = cb - ca
        func separated(_ axis: Vec3) -> Bool {
            let l2 = axis.lengthSquared
            if l2 < 1e-18 { return false }
            var ra = 0.0, rb = 0.0
            for i in 0..<3 { ra += abs(a[i].dot(axis)) * ea[i]; rb += abs(b[i].dot(axis)) * eb[i] }
            return abs(t.dot(axis)) > ra + rb + 1e-12 * l2.squareRoot()
        }
        for i in 0..<3 where separated(a[i]) || separated(b[i]) { return false }
        for i in 0..<3 { for j in 0..<3 where separated(a[i].cross(b[j])) { return false } }
        return true
    }
}

/// Three box axes without an array (no allocation in collision queries).
struct Axes {
    let a0: Vec3, a1: Vec3, a2: Vec3
    init(_ a0: Vec3, _ a1: Vec3, _ a2: Vec3) { self.a0 = a0; self.a1 = a1; self.a2 = a2 }
    subscript(i: Int) -> Vec3 { i == 0 ? a0 : (i == 1 ? a1 : a2) }
}
