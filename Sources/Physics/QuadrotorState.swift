import Geometry

/// Counters of numerical trouble; each event also reset the state.
public struct PhysicsWarnings: Sendable, Equatable, Hashable {
    /// Commands containing NaN or infinity.
    public var badCommand: Int = 0
    /// States that became non-finite or left the divergence limits.
    public var divergence: Int = 0
    public init() {}
    /// All warnings.
    @inlinable public var total: Int { badCommand + divergence }
}

/// Integrator memory of the quadrotor controller (lives in the state so save/restore and
/// determinism cover it).
public struct ControllerMemory: Sendable, Equatable, Hashable {
    /// Integral of velocity error, m.
    public var velocityIntegral: Vec3 = .zero
    /// Integral of body-rate error, rad.
    public var rateIntegral: Vec3 = .zero
    /// Yaw setpoint integrated from yaw-rate commands, rad.
    public var yawSetpoint: Double = 0
    /// Altitude setpoint held by the forward-speed mode, m.
    public var altitudeSetpoint: Double = 0
    /// False until the first control call initialises the setpoints from the state.
    public var initialised: Bool = false
    public init() {}
}

/// The mutable part of a quadrotor simulation (MuJoCo's `mjData`). Copy it to save; assign the
/// copy back to restore: the run continues bit-identically.
///
/// `p_W` position of the body origin (centre of mass) in the world, m; `v_W` its velocity, m/s;
/// `q_WB` attitude; `omega_B` body rates, rad/s; rotor speeds in RPM.
public struct QuadrotorState: Sendable, Equatable, Hashable {
    /// Simulated time, s.
    public var time: Double = 0
    public var position: Vec3
    public var velocity: Vec3 = .zero
    public var attitude: Quaternion
    public var bodyRate: Vec3 = .zero
    /// Actual rotor speeds, RPM (lag the command when `.motorLag` is on).
    public var rotorRPM: SIMD4<Double>
    /// Current gust velocity in the world frame, m/s (OU process).
    public var gust: Vec3 = .zero
    /// Random stream for gusts.
    public var rng: RNG
    /// Controller integrators and setpoints.
    public var controller = ControllerMemory()
    /// Warning counters (never reset by `reset`).
    public var warnings = PhysicsWarnings()
    /// Set by the caller (e.g. the Runtime on a collision): the vehicle stays frozen.
    public var crashed: Bool = false
    /// Where `reset` returns to.
    public var home: Pose
    /// Rotor speed restored by `reset`, RPM.
    public var homeRPM: SIMD4<Double>

    public init(position: Vec3, attitude: Quaternion = .identity, rotorRPM: SIMD4<Double>, rng: RNG) {
        self.position = position
        self.attitude = attitude
        self.rotorRPM = rotorRPM
        self.rng = rng
        self.home = Pose(position: position, orientation: attitude)
        self.homeRPM = rotorRPM
    }

    /// Returns to `home` at rest (time, RNG and warnings continue).
    @inlinable public mutating func reset() {
        position = home.position
        attitude = home.orientation
        velocity = .zero
        bodyRate = .zero
        rotorRPM = homeRPM
        gust = .zero
        controller = ControllerMemory()
        crashed = false
    }

    /// Flags a crash: the vehicle stops and stays where it is until `reset`.
    @inlinable public mutating func flagCrash() {
        crashed = true
        velocity = .zero
        bodyRate = .zero
    }

    /// Number of values in `physicsVector`.
    public static let physicsVectorCount = 20

    /// The physical state as one vector: position (3), velocity (3), attitude x, y, z, w (4),
    /// body rates (3), rotor RPM (4), gust (3). Time, RNG, controller memory and counters are
    /// not included.
    public var physicsVector: [Double] {
        get {
            [position.x, position.y, position.z, velocity.x, velocity.y, velocity.z,
             attitude.x, attitude.y, attitude.z, attitude.w, bodyRate.x, bodyRate.y, bodyRate.z,
             rotorRPM[0], rotorRPM[1], rotorRPM[2], rotorRPM[3], gust.x, gust.y, gust.z]
        }
        set {
            precondition(newValue.count == QuadrotorState.physicsVectorCount, "physicsVector has 20 values")
            let v = newValue
            position = Vec3(v[0], v[1], v[2])
            velocity = Vec3(v[3], v[4], v[5])
            attitude = Quaternion(x: v[6], y: v[7], z: v[8], w: v[9])
            bodyRate = Vec3(v[10], v[11], v[12])
            rotorRPM = SIMD4(v[13], v[14], v[15], v[16])
            gust = Vec3(v[17], v[18], v[19])
        }
    }

    /// Pose of the body in the world.
    @inlinable public var pose: Pose { Pose(position: position, orientation: attitude) }

    /// Velocity in the body frame, m/s.
    @inlinable public var bodyVelocity: Vec3 { attitude.inverseRotate(velocity) }
}
