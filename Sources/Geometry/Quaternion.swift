/// A rotation quaternion, components stored in the order **(x, y, z, w)** with `w` the scalar
/// part (the order ROS, Foxglove and most URDF tools use).
///
/// `q.rotate(v_B)` maps a body-frame vector into the world frame when `q` is the attitude
/// `q_WB`. Products compose like rotation matrices: `(a * b).rotate(v) == a.rotate(b.rotate(v))`.
public struct Quaternion: Sendable, Equatable, Hashable {
    public var x: Double
    public var y: Double
    public var z: Double
    public var w: Double

    @inlinable public init(x: Double, y: Double, z: Double, w: Double) {
        self.x = x; self.y = y; self.z = z; self.w = w
    }

    public static let identity = Quaternion(x: 0, y: 0, z: 0, w: 1)

    /// Rotation of `angle` radians about `axis` (need not be unit length; zero gives identity).
    @inlinable public init(axis: Vec3, angle: Double) {
        let n = axis.normalized
        let h = angle * 0.5
        let s = sin(h)
        self.init(x: n.x * s, y: n.y * s, z: n.z * s, w: n.x == 0 && n.y == 0 && n.z == 0 ? 1 : cos(h))
    }

    /// From intrinsic Z-Y-X (yaw, then pitch, then roll) Euler angles in radians.
    @inlinable public init(roll: Double, pitch: Double, yaw: Double) {
        let cr = cos(roll * 0.5), sr = sin(roll * 0.5)
        let cp = cos(pitch * 0.5), sp = sin(pitch * 0.5)
        let cy = cos(yaw * 0.5), sy = sin(yaw * 0.5)
        self.init(x: sr * cp * cy - cr * sp * sy,
                  y: cr * sp * cy + sr * cp * sy,
                  z: cr * cp * sy - sr * sp * cy,
                  w: cr * cp * cy + sr * sp * sy)
    }

    /// The vector part.
    @inlinable public var vector: Vec3 { Vec3(x, y, z) }

    @inlinable public var normSquared: Double { x * x + y * y + z * z + w * w }

    /// The unit quaternion along `self` (identity for a zero or non-finite quaternion).
    @inlinable public var normalized: Quaternion {
        let n2 = normSquared
        guard n2 > 0, n2.isFinite else { return .identity }
        let s = 1 / n2.squareRoot()
        return Quaternion(x: x * s, y: y * s, z: z * s, w: w * s)
    }

    @inlinable public var conjugate: Quaternion { Quaternion(x: -x, y: -y, z: -z, w: w) }

    /// Hamilton product.
    @inlinable public static func * (a: Quaternion, b: Quaternion) -> Quaternion {
        Quaternion(x: a.w * b.x + a.x * b.w + a.y * b.z - a.z * b.y,
                   y: a.w * b.y - a.x * b.z + a.y * b.w + a.z * b.x,
                   z: a.w * b.z + a.x * b.y - a.y * b.x + a.z * b.w,
                   w: a.w * b.w - a.x * b.x - a.y * b.y - a.z * b.z)
    }

    /// Rotates `v` by this (unit) quaternion.
    @inlinable public func rotate(_ v: Vec3) -> Vec3 {
        // v' = v + 2w (u x v) + 2 u x (u x v)
        let u = vector
        let t = 2 * u.cross(v)
        return v + w * t + u.cross(t)
    }

    /// Rotates `v` by the inverse of this (unit) quaternion (world to body for `q_WB`).
    @inlinable public func inverseRotate(_ v: Vec3) -> Vec3 { conjugate.rotate(v) }

    /// The rotation matrix `R` with `R * v == rotate(v)`.
    @inlinable public var matrix: Mat3 {
        let xx = x * x, yy = y * y, zz = z * z
        let xy = x * y, xz = x * z, yz = y * z
        let wx = w * x, wy = w * y, wz = w * z
        return Mat3(rows: Vec3(1 - 2 * (yy + zz), 2 * (xy - wz), 2 * (xz + wy)),
                    Vec3(2 * (xy + wz), 1 - 2 * (xx + zz), 2 * (yz - wx)),
                    Vec3(2 * (xz - wy), 2 * (yz + wx), 1 - 2 * (xx + yy)))
    }

    /// Intrinsic Z-Y-X Euler angles (roll, pitch, yaw) in radians.
    @inlinable public var eulerAngles: (roll: Double, pitch: Double, yaw: Double) {
        let roll = atan2(2 * (w * x + y * z), 1 - 2 * (x * x + y * y))
        let sp = max(-1, min(1, 2 * (w * y - z * x)))
        let pitch = asin(sp)
        let yaw = atan2(2 * (w * z + x * y), 1 - 2 * (y * y + z * z))
        return (roll, pitch, yaw)
    }

    /// Yaw (heading about world z) in radians.
    @inlinable public var yaw: Double { atan2(2 * (w * z + x * y), 1 - 2 * (y * y + z * z)) }

    /// Time derivative of `q_WB` for body angular velocity `omega_B` (rad/s): 0.5 q (0, omega).
    @inlinable public func derivative(bodyRate omega: Vec3) -> Quaternion {
        let p = self * Quaternion(x: omega.x, y: omega.y, z: omega.z, w: 0)
        return Quaternion(x: 0.5 * p.x, y: 0.5 * p.y, z: 0.5 * p.z, w: 0.5 * p.w)
    }

    /// Rotation angle to `other` in radians, in [0, pi].
    public func angle(to other: Quaternion) -> Double {
        let d = abs(x * other.x + y * other.y + z * other.z + w * other.w)
        return 2 * acos(min(1, d))
    }

    @inlinable public var isFinite: Bool { x.isFinite && y.isFinite && z.isFinite && w.isFinite }

    // component-wise helpers for integrators
    @inlinable public static func + (a: Quaternion, b: Quaternion) -> Quaternion {
        Quaternion(x: a.x + b.x, y: a.y + b.y, z: a.z + b.z, w: a.w + b.w)
    }
    @inlinable public static func * (q: Quaternion, s: Double) -> Quaternion {
        Quaternion(x: q.x * s, y: q.y * s, z: q.z * s, w: q.w * s)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
