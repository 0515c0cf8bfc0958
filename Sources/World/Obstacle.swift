import Foundation
import Geometry

/// A box standing anywhere in the world, rotated about the vertical axis by `yaw`.
///
/// Axis-aligned boxes have `yaw == 0`. Walls are boxes too. Units: metres, radians.
public struct Box: Sendable, Equatable, Hashable {
    /// Centre in the world frame.
    public var center: Vec3
    /// Half the side lengths along the box's own x, y, z (all > 0).
    public var halfExtents: Vec3
    /// Rotation about world +z (counter-clockwise seen from above), radians.
    public var yaw: Double

    public init(center: Vec3, halfExtents: Vec3, yaw: Double = 0) {
        self.center = center
        self.halfExtents = halfExtents
        self.yaw = yaw
    }

    /// A world-frame point in the box frame (origin at the centre).
    @inlinable public func toLocal(_ p: Vec3) -> Vec3 {
        let d = p - center
        let c = cos(yaw), s = sin(yaw)
        return Vec3(c * d.x + s * d.y, -s * d.x + c * d.y, d.z)
    }

    /// A box-frame direction in the world frame.
    @inlinable public func toWorldDirection(_ v: Vec3) -> Vec3 {
        let c = cos(yaw), s = sin(yaw)
        return Vec3(c * v.x - s * v.y, s * v.x + c * v.y, v.z)
    }
}

/// A vertical solid cylinder (tree trunk, pillar) from `zMin` to `zMax`.
public struct Cylinder: Sendable, Equatable, Hashable {
    /// Axis position (x, y) in the world frame.
    public var x: Double
    public var y: Double
    /// Radius in metres (> 0).
    public var radius: Double
    /// Bottom and top heights in metres (`zMax > zMin`).
    public var zMin: Double
    public var zMax: Double

    public init(x: Double, y: Double, radius: Double, zMin: Double, zMax: Double) {
        self.x = x
        self.y = y
        self.radius = radius
        self.zMin = zMin
        self.zMax = zMax
    }
}

/// A solid sphere.
public struct Sphere: Sendable, Equatable, Hashable {
    public var center: Vec3
    /// Radius in metres (> 0).
    public var radius: Double

    public init(center: Vec3, radius: Double) {
        self.center = center
        self.radius = radius
    }
}

/// The geometry of one obstacle.
public enum Shape: Sendable, Equatable, Hashable {
    case box(Box)
    case cylinder(Cylinder)
    case sphere(Sphere)

    /// World-frame axis-aligned bounds (min, max).
    public var bounds: (min: Vec3, max: Vec3) {
        switch self {
        case .box(let b):
            let c = abs(cos(b.yaw)), s = abs(sin(b.yaw))
            let ex = c * b.halfExtents.x + s * b.halfExtents.y
            let ey = s * b.halfExtents.x + c * b.halfExtents.y
            let e = Vec3(ex, ey, b.halfExtents.z)
            return (b.center - e, b.center + e)
        case .cylinder(let c):
            return (Vec3(c.x - c.radius, c.y - c.radius, c.zMin), Vec3(c.x + c.radius, c.y + c.radius, c.zMax))
        case .sphere(let s):
            let e = Vec3(repeating: s.radius)
            return (s.center - e, s.center + e)
        }
    }

    /// Euclidean distance from `p` to the solid (0 inside).
    public func distance(to p: Vec3) -> Double {
        switch self {
        case .box(let b):
            let l = b.toLocal(p)
            let qx = max(abs(l.x) - b.halfExtents.x, 0)
            let qy = max(abs(l.y) - b.halfExtents.y, 0)
            let qz = max(abs(l.z) - b.halfExtents.z, 0)
            return (qx * qx + qy * qy + qz * qz).squareRoot()
        case .cylinder(let c):
            let dx = p.x - c.x, dy = p.y - c.y
            let radial = max((dx * dx + dy * dy).squareRoot() - c.radius, 0)
            let vertical = max(c.zMin - p.z, p.z - c.zMax, 0)
            return (radial * radial + vertical * vertical).squareRoot()
        case .sphere(let s):
            return max((p - s.center).length - s.radius, 0)
        }
    }
}

/// One obstacle: a shape and the index of its material in `Scene.materials`.
public struct Obstacle: Sendable, Equatable, Hashable {
    public var shape: Shape
    public var material: Int

    public init(_ shape: Shape, material: Int) {
        self.shape = shape
        self.material = material
    }
}
