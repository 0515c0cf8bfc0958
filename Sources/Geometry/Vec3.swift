/// A 3-vector of `Double` in SI units. Frames are named at the use site (`p_W`, `v_B`).
public typealias Vec3 = SIMD3<Double>

extension SIMD3 where Scalar == Double {
    /// Dot product.
    @inlinable public func dot(_ o: Vec3) -> Double { (self * o).sum() }

    /// Cross product `self x o`.
    @inlinable public func cross(_ o: Vec3) -> Vec3 {
        Vec3(y * o.z - z * o.y, z * o.x - x * o.z, x * o.y - y * o.x)
    }

    /// Squared Euclidean norm.
    @inlinable public var lengthSquared: Double { (self * self).sum() }

    /// Euclidean norm.
    @inlinable public var length: Double { lengthSquared.squareRoot() }

    /// The unit vector along `self`, or zero for the zero vector.
    @inlinable public var normalized: Vec3 {
        let l = length
        return l > 0 ? self / l : .zero
    }

    /// True when every component is finite.
    @inlinable public var isFinite: Bool { x.isFinite && y.isFinite && z.isFinite }

    /// Unit vectors.
    public static let unitX = Vec3(1, 0, 0)
    public static let unitY = Vec3(0, 1, 0)
    public static let unitZ = Vec3(0, 0, 1)
}

extension Collection where Element == Vec3 {
    /// Smallest distance between two of the points (infinity for fewer than two): every pair,
    /// O(n^2), for displays, summaries and tests (a swarm's minimum separation).
    public var minimumPairDistance: Double {
        var best = Double.infinity
        var rest = self[...]
        while let a = rest.popFirst() {
            for b in rest { best = Swift.min(best, (a - b).length) }
        }
        return best
    }
}
