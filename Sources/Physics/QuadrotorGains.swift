import Geometry

/// Gains and limits of the cascaded quadrotor controller, SI units. Per-axis vectors are
/// (x, y, z) for translation and (roll, pitch, yaw) for rotation.
///
/// position error (m) -> velocity setpoint (m/s) -> acceleration (m/s^2, PI) -> thrust vector
/// and attitude setpoint -> body-rate setpoint (rad/s, P on the quaternion error) -> angular
/// acceleration (rad/s^2, P) -> torques -> rotor speeds (mixer).
public struct QuadrotorGains: Sendable, Equatable {
    public var positionP: Vec3
    public var velocityP: Vec3
    public var velocityI: Vec3
    public var attitudeP: Vec3
    public var rateP: Vec3
    /// Horizontal and vertical speed limits of the position loop, m/s.
    public var maxHorizontalSpeed: Double
    public var maxVerticalSpeed: Double
    /// Tilt limit, rad.
    public var maxTilt: Double
    /// Body-rate setpoint limit (roll/pitch and yaw), rad/s.
    public var maxRate: Vec3
    /// Velocity-integral limit, m/s * s.
    public var maxVelocityIntegral: Double

    public init(positionP: Vec3, velocityP: Vec3, velocityI: Vec3, attitudeP: Vec3, rateP: Vec3,
                maxHorizontalSpeed: Double, maxVerticalSpeed: Double, maxTilt: Double, maxRate: Vec3,
                maxVelocityIntegral: Double) {
        self.positionP = positionP
        self.velocityP = velocityP
        self.velocityI = velocityI
        self.attitudeP = attitudeP
        self.rateP = rateP
        self.maxHorizontalSpeed = maxHorizontalSpeed
        self.maxVerticalSpeed = maxVerticalSpeed
        self.maxTilt = maxTilt
        self.maxRate = maxRate
        self.maxVelocityIntegral = maxVelocityIntegral
    }

    /// Gains for ideal motors (tuned on cf2x; the loops are normalised by mass and inertia, so
    /// they carry over to other quadrotors with similar thrust-to-weight).
    public static let ideal = QuadrotorGains(
        positionP: Vec3(2.0, 2.0, 3.0), velocityP: Vec3(6.0, 6.0, 9.0), velocityI: Vec3(1.0, 1.0, 2.0),
        attitudeP: Vec3(16, 16, 8), rateP: Vec3(60, 60, 30),
        maxHorizontalSpeed: 3, maxVerticalSpeed: 1.5, maxTilt: radians(35), maxRate: Vec3(12, 12, 5),
        maxVelocityIntegral: 0.5)

    /// Gains for motors with first-order lag `tau` (s): every loop slows down with the lag
    /// (scale factors found by a grid search on cf2x with all effects and tau = 0.072 s, where
    /// they are rate 0.3, attitude 0.35, velocity 0.7, position 0.7 of the ideal gains).
    public static func forMotorLag(_ tau: Double) -> QuadrotorGains {
        guard tau > 0.005 else { return ideal }
        var g = ideal
        g.rateP *= min(1, 0.0216 / tau)
        g.attitudeP *= min(1, 0.0252 / tau)
        g.velocityP *= min(1, 0.0504 / tau)
        g.positionP *= min(1, 0.0504 / tau)
        return g
    }
}
