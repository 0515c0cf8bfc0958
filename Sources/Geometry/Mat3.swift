/// A 3x3 matrix of `Double`, stored as three rows.
///
/// Used for rotation matrices (`R_WB` maps body-frame vectors to the world frame) and inertia
/// tensors (kg m^2, body frame).
public struct Mat3: Sendable, Equatable, Hashable {
    public var r0: Vec3
    public var r1: Vec3
    public var r2: Vec3

    @inlinable public init(rows r0: Vec3, _ r1: Vec3, _ r2: Vec3) {
        self.r0 = r0; self.r1 = r1; self.r2 = r2
    }

    /// A diagonal matrix.
    @inlinable public init(diagonal d: Vec3) {
        self.init(rows: Vec3(d.x, 0, 0), Vec3(0, d.y, 0), Vec3(0, 0, d.z))
    }

    public static let identity = Mat3(diagonal: Vec3(1, 1, 1))

    /// Element at row `i`, column `j` (0-based).
    @inlinable public subscript(i: Int, j: Int) -> Double {
        get { (i == 0 ? r0 : i == 1 ? r1 : r2)[j] }
        set {
            switch i {
            case 0: r0[j] = newValue
            case 1: r1[j] = newValue
            default: r2[j] = newValue
            }
        }
    }

    @inlinable public var transposed: Mat3 {
        Mat3(rows: Vec3(r0.x, r1.x, r2.x), Vec3(r0.y, r1.y, r2.y), Vec3(r0.z, r1.z, r2.z))
    }

    @inlinable public static func * (m: Mat3, v: Vec3) -> Vec3 {
        Vec3(m.r0.dot(v), m.r1.dot(v), m.r2.dot(v))
    }

    @inlinable public static func * (a: Mat3, b: Mat3) -> Mat3 {
        let bt = b.transposed
        return Mat3(rows: bt * a.r0, bt * a.r1, bt * a.r2)
    }

    @inlinable public var determinant: Double { r0.dot(r1.cross(r2)) }

    /// The inverse, or nil when the matrix is singular (|det| below 1e-300).
    @inlinable public var inverse: Mat3? {
        let det = determinant
        guard abs(det) > 1e-300, det.isFinite else { return nil }
        // rows of the inverse are the columns of the adjugate
        let c0 = r1.cross(r2), c1 = r2.cross(r0), c2 = r0.cross(r1)
        return Mat3(rows: c0, c1, c2).transposed * (1 / det)
    }

    @inlinable public static func * (m: Mat3, s: Double) -> Mat3 {
        Mat3(rows: m.r0 * s, m.r1 * s, m.r2 * s)
    }

    /// True when the matrix equals its transpose within `tolerance`.
    public func isSymmetric(tolerance: Double = 1e-12) -> Bool {
        abs(r0.y - r1.x) <= tolerance && abs(r0.z - r2.x) <= tolerance && abs(r1.z - r2.y) <= tolerance
    }

    /// True for a symmetric positive-definite matrix (Sylvester's criterion on leading minors).
    public var isPositiveDefinite: Bool {
        guard isSymmetric(tolerance: 1e-12 * max(1, abs(r0.x) + abs(r1.y) + abs(r2.z))) else { return false }
        let m1 = r0.x
        let m2 = r0.x * r1.y - r0.y * r1.x
        return m1 > 0 && m2 > 0 && determinant > 0
    }
}
