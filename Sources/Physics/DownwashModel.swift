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
/// do not interact. The force acts at the centre of mass along the lower vehicle's `-z_B`
/// (the reference applies it in the body frame); there is no torque, no wake delay and no
/// dependence on the upper vehicle's thrust.
public struct DownwashModel: Sendable, Equatable {
    /// Peak-force coefficient c1 (N), width slope c2 (1) and width offset c3 (m).
    public var coefficients: SIMD3<Double>
    /// Propeller radius, m.
    public var propRadius: Double
    /// Horizontal distance from which vehicles do not interact, m.
    public var range: Double

    public init(coefficients: SIMD3<Double>, propRadius: Double, range: Double = 10) {
        self.coefficients = coefficients
        self.propRadius = propRadius
        self.range = range
    }

    /// The robot file's coefficients.
    public init(_ params: QuadrotorParameters) {
        self.init(coefficients: params.downwash, propRadius: params.propRadius)
    }

    /// True when the coefficients can produce a force.
    @inlinable public var isActive: Bool { coefficients.x != 0 && propRadius > 0 }

    /// Downward force magnitude, N (>= 0), on a vehicle `deltaZ` m below another at horizontal
    /// distance `distance` m (>= 0). Zero when `deltaZ <= 0` or `distance >= range`.
    @inlinable
    public func force(deltaZ: Double, distance: Double) -> Double {
        guard deltaZ > 0, distance < range else { return 0 }
        let ratio = propRadius / (4 * deltaZ)
        let alpha = coefficients.x * (ratio * ratio)
        let beta = coefficients.y * deltaZ + coefficients.z
        if beta == 0 { return distance == 0 ? alpha : 0 }
        let u = distance / beta
        let x = 0.5 * (u * u)
        // exp(-x) is exactly 0 beyond x = 746: skip the call, same result
        return x < 746 ? alpha * exp(-x) : 0
    }
}
