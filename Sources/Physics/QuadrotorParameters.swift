import Geometry

/// Quadrotor coefficients in the gym-pybullet-drones `<properties>` convention.
///
/// Rotor i sits at `rotorPositions[i]` (body frame, m) and pushes along body +z with
/// `kf * rpm_i^2` newtons; its reaction torque about body z is `yawSigns[i] * km * rpm_i^2`
/// with signs (-1, +1, -1, +1), i.e. `km * (-rpm0^2 + rpm1^2 - rpm2^2 + rpm3^2)`.
public struct QuadrotorParameters: Sendable, Equatable {
    /// Arm length (centre to rotor), m.
    public var arm: Double
    /// Thrust coefficient, N / RPM^2.
    public var kf: Double
    /// Torque coefficient, N m / RPM^2.
    public var km: Double
    /// Maximum total thrust over weight.
    public var thrustToWeight: Double
    /// Maximum speed, km/h (used by controllers as a velocity limit).
    public var maxSpeedKmh: Double
    /// Ground-effect coefficient (dimensionless).
    public var groundEffectCoefficient: Double
    /// Propeller radius, m.
    public var propRadius: Double
    /// Body drag coefficients (xy, z): body drag force = -c * (sum of rotor speeds in rad/s) * v_B.
    public var dragXY: Double
    public var dragZ: Double
    /// Downwash coefficients (multi-vehicle; carried for completeness).
    public var downwash: SIMD3<Double>
    /// Rotor positions in the body frame, m, from the `propN_link` inertial origins.
    public var rotorPositions: [Vec3]
    /// Reaction-torque sign of each rotor.
    public var yawSigns: SIMD4<Double>

    public init(arm: Double, kf: Double, km: Double, thrustToWeight: Double, maxSpeedKmh: Double,
                groundEffectCoefficient: Double, propRadius: Double, dragXY: Double, dragZ: Double,
                downwash: SIMD3<Double>, rotorPositions: [Vec3], yawSigns: SIMD4<Double> = SIMD4(-1, 1, -1, 1)) {
        self.arm = arm
        self.kf = kf
        self.km = km
        self.thrustToWeight = thrustToWeight
        self.maxSpeedKmh = maxSpeedKmh
        self.groundEffectCoefficient = groundEffectCoefficient
        self.propRadius = propRadius
        self.dragXY = dragXY
        self.dragZ = dragZ
        self.downwash = downwash
        self.rotorPositions = rotorPositions
        self.yawSigns = yawSigns
    }
}

/// Ground-robot coefficients from `<properties drive="differential|ackermann" ...>`.
public struct GroundVehicleParameters: Sendable, Equatable {
    public enum Drive: String, Sendable, Equatable {
        /// Skid-steer / differential drive: commands are speed + yaw rate.
        case differential
        /// Bicycle model (Ackermann steering): commands are speed + steering angle.
        case ackermann
    }
    public var drive: Drive
    /// Distance between front and rear axles, m (Ackermann; track length for skid-steer).
    public var wheelBase: Double
    /// Distance between left and right wheels, m.
    public var trackWidth: Double
    /// Wheel radius, m.
    public var wheelRadius: Double
    /// Speed limit, m/s (forward and reverse).
    public var maxSpeed: Double
    /// Longitudinal acceleration limit, m/s^2.
    public var maxAcceleration: Double
    /// Yaw-rate limit, rad/s (differential drive).
    public var maxYawRate: Double
    /// Yaw-acceleration limit, rad/s^2 (differential drive).
    public var maxYawAcceleration: Double
    /// Steering-angle limit, rad (Ackermann).
    public var maxSteering: Double
    /// Steering-rate limit, rad/s (Ackermann).
    public var maxSteeringRate: Double
    /// Wheel slip in [0, 1): the fraction of commanded wheel motion lost (0 = no slip).
    public var slip: Double

    public init(drive: Drive, wheelBase: Double, trackWidth: Double, wheelRadius: Double, maxSpeed: Double,
                maxAcceleration: Double, maxYawRate: Double, maxYawAcceleration: Double, maxSteering: Double,
                maxSteeringRate: Double, slip: Double) {
        self.drive = drive
        self.wheelBase = wheelBase
        self.trackWidth = trackWidth
        self.wheelRadius = wheelRadius
        self.maxSpeed = maxSpeed
        self.maxAcceleration = maxAcceleration
        self.maxYawRate = maxYawRate
        self.maxYawAcceleration = maxYawAcceleration
        self.maxSteering = maxSteering
        self.maxSteeringRate = maxSteeringRate
        self.slip = slip
    }
}
