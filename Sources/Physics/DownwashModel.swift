import Foundation

/// Downwash between quadrotors: gym-pybullet-drones' empirical model (SiQi Zhou, UTIAS DSL),
/// coefficients `dw_coeff_1..3` and `prop_radius` from the robot file.
///
/// A vehicle `delta_z` metres below another (delta_z > 0) at horizontal distance `d` metres is
/// pushed down by `F = alpha exp(-0.5 (d / beta)^2)` newtons with
/// `alpha = c1 (prop_radius / (4 delta_z))^2` (c1 in N) and `beta = c2 delta_z + c3` (m). The
/// Gaussian uses `beta^2`, so for `delta_z < -c3 / c2` (0.6875 m for cf2x) the width is `|beta|`,
/// as in the reference; where `beta` is exactly 0 the force is `alpha` straight below and 0
/// elsewhere (the limit). Pairs `range` (10 m, the reference's cut) or more apart horizontally
/// do not interact.
///
/// One deviation from the reference: `delta_z` is clipped below at `minDeltaZ`, where `alpha`
/// equals the upper vehicle's maximum thrust (`thrust2weight m g`; 0.357 m for cf2x), the way
/// gym-pybullet-drones clips the ground effect's height. Unclipped, `alpha` grows as
/// `1 / delta_z^2` without bound (75,600 N for cf2x 1 mm below a neighbour 15 cm away), which
/// would fling apart vehicles flying side by side at nearly the same height. The force acts at
/// the centre of mass along the lower vehicle's `-z_B` (the reference applies it in the body
/// frame); there is no torque, no wake delay and no dependence on the upper vehicle's thrust.
public struct DownwashModel: Sendable, Equatable {
    /// Peak-force coefficient c1 (N), width slope c2 (1) and width offset c3 (m).
    public var coefficients: SIMD3<Double>
    /// Propeller radius, m.
    public var propRadius: Double
    /// Horizontal distance from which vehicles do not interact, m.
    public var range: Double
    /// Height differences below this are clipped to it, m (0 = the reference, unclipped).
    public var minDeltaZ: Double

    public init(coefficients: SIMD3<Double>, propRadius: Double, range: Double = 10, minDeltaZ: Double = 0) {
        self.coefficients = coefficients
        self.propRadius = propRadius
        self.range = range
        self.minDeltaZ = minDeltaZ
    }

    /// The robot file's coefficients, `delta_z` clipped where `alpha` reaches `maxThrust` (N).
    public init(_ params: QuadrotorParameters, maxThrust: Double) {
        let clip = 0.25 * params.propRadius * (max(params.downwash.x, 0) / maxThrust).squareRoot()
        self.init(coefficients: params.downwash, propRadius: params.propRadius, minDeltaZ: clip.isFinite ? clip : 0)
    }

    /// True when the coefficients can produce a force.
    @inlinable public var isActive: Bool { coefficients.x != 0 && propRadius > 0 }

    /// Downward force magnitude, N (>= 0), on a vehicle `deltaZ` m below another at horizontal
    /// distance `distance` m (>= 0). Zero when `deltaZ <= 0` or `distance >= range`.
    @inlinable
    public func force(deltaZ dz: Double, distance: Double) -> Double {
        guard dz > 0, distance < range else { return 0 }
        let deltaZ = max(dz, minDeltaZ)
        let ratio = propRadius / (4 * deltaZ)
        let alpha = coefficients.x * (ratio * ratio)
        let beta = coefficients.y * deltaZ + coefficients.z
        if beta == 0 { return distance == 0 ? alpha : 0 }
        let u = distance / beta
        let x = 0.5 * (u * u)
        // exp(-x) is exactly 0 beyond x = 746: skip the call, same result
        return x < 746 ? alpha * exp(-x) : 0
    }

    /// `force(deltaZ:distance:)` from the squared horizontal distance, m^2, with a cheap early
    /// exit for pairs whose Gaussian factor is exactly 0 (more than 40 |beta| apart), so the
    /// result is always identical to `force(deltaZ: deltaZ, distance: distanceSquared.squareRoot())`.
    @inlinable
    public func force(deltaZ: Double, distanceSquared: Double) -> Double {
        guard deltaZ > 0 else { return 0 }
        let beta = coefficients.y * max(deltaZ, minDeltaZ) + coefficients.z
        if distanceSquared > 1600 * (beta * beta) { return 0 }
        return force(deltaZ: deltaZ, distance: distanceSquared.squareRoot())
    }
}
