import Foundation
import Geometry

/// Wind: a constant mean plus Ornstein-Uhlenbeck gusts, in the world frame.
public struct WindParameters: Sendable, Equatable {
    /// Mean wind velocity in the world frame, m/s.
    public var mean: Vec3
    /// Stationary standard deviation of each gust component, m/s.
    public var gustSigma: Double
    /// Gust correlation time, s.
    public var gustTimeConstant: Double

    public init(mean: Vec3 = Vec3(1, 0, 0), gustSigma: Double = 0.5, gustTimeConstant: Double = 1.0) {
        self.mean = mean
        self.gustSigma = gustSigma
        self.gustTimeConstant = gustTimeConstant
    }
    /// No wind at all.
    public static let calm = WindParameters(mean: .zero, gustSigma: 0, gustTimeConstant: 1)
}

/// Multiplicative perturbations of the true vehicle relative to its robot file (1 = nominal).
/// The sim-to-real work draws these per episode; controllers keep using nominal values.
public struct DynamicsScales: Sendable, Equatable {
    public var mass: Double
    public var inertia: Double
    /// Scales kf (thrust per RPM^2).
    public var thrust: Double
    /// Scales km (yaw reaction torque per RPM^2).
    public var yawTorque: Double
    public init(mass: Double = 1, inertia: Double = 1, thrust: Double = 1, yawTorque: Double = 1) {
        self.mass = mass
        self.inertia = inertia
        self.thrust = thrust
        self.yawTorque = yawTorque
    }
    public static let nominal = DynamicsScales()
}

/// The constant part of a quadrotor simulation (MuJoCo's `mjModel`): vehicle coefficients,
/// time step, effect switches, wind, and constants derived from them. Many states can share
/// one model.
///
/// Frames: world W is z-up (gravity along -z), the ground plane is z = 0; body B is x forward,
/// y left, z up (thrust along +z_B). Units SI, rotor speeds in RPM.
public struct QuadrotorModel: Sendable {
    /// The robot this model was built from.
    public let robot: RobotDescription
    /// Nominal quadrotor coefficients (from the robot file).
    public let params: QuadrotorParameters
    /// Integration step, s.
    public let dt: Double
    /// Which effects are simulated.
    public let effects: Effects
    /// Gravity magnitude, m/s^2.
    public let gravity: Double
    /// Motor time constant, s (used when `.motorLag` is on; 0 = ideal).
    public let motorTimeConstant: Double
    /// Wind settings (used when `.wind` / `.gusts` are on).
    public let wind: WindParameters
    /// True-vehicle perturbations.
    public let scales: DynamicsScales
    /// Divergence limits: a state beyond them is reset (m, m/s, rad/s).
    public let limitPosition: Double
    public let limitVelocity: Double
    public let limitBodyRate: Double

    // derived constants (true vehicle, scales applied)
    /// True mass, kg, and its inverse.
    public let mass: Double
    public let inverseMass: Double
    /// True inertia and its inverse, kg m^2.
    public let inertia: Mat3
    public let inverseInertia: Mat3
    /// True thrust and torque coefficients.
    public let kf: Double
    public let km: Double
    /// Rotor x and y positions and reaction-torque signs as 4-vectors.
    public let rotorX: SIMD4<Double>
    public let rotorY: SIMD4<Double>
    public let rotorZ: SIMD4<Double>
    public let yawSigns: SIMD4<Double>
    /// Hover and maximum rotor speed of the nominal vehicle, RPM.
    public let hoverRPM: Double
    public let maxRPM: Double
    /// Motor lag blend per step: rpm += motorBlend * (command - rpm); 1 when ideal.
    public let motorBlend: Double
    /// Drag coefficients per (rad/s of summed rotor speed), body axes.
    public let dragPerRotorSpeed: Vec3
    /// Ground-effect constants: coeff * r^2 / 16 and the height clip, m.
    public let groundEffectGain: Double
    public let groundEffectMinHeight: Double
    /// Gust OU recursion g' = gustDecay * g + gustDrive * n, n ~ N(0,1).
    public let gustDecay: Double
    public let gustDrive: Double
    /// Downwash between vehicles (robot file coefficients) and whether it is simulated
    /// (`.downwash` on and non-zero coefficients); only `QuadrotorSwarm` applies it.
    public let downwash: DownwashModel
    public let downwashActive: Bool

    /// Builds a model for a quadrotor robot.
    /// - Parameters:
    ///   - rate: integration rate in Hz (default 500).
    ///   - motorTimeConstant: first-order motor lag, s (RotorPy's Crazyflie value 0.072 by default).
    public init(robot: RobotDescription, rate: Double = 500, effects: Effects = .none, gravity: Double = 9.8,
                motorTimeConstant: Double = 0.072, wind: WindParameters = WindParameters(),
                scales: DynamicsScales = .nominal) {
        guard let p = robot.quadrotor else { preconditionFailure("QuadrotorModel needs a quadrotor robot, got \(robot.name)") }
        precondition(rate > 0 && rate.isFinite, "rate must be positive")
        precondition(p.rotorPositions.count == 4, "four rotors")
        self.robot = robot
        self.params = p
        self.dt = 1 / rate
        self.effects = effects
        self.gravity = gravity
        self.motorTimeConstant = motorTimeConstant
        self.wind = wind
        self.scales = scales
        limitPosition = 1e4
        limitVelocity = 500
        limitBodyRate = 1e4

        mass = robot.mass * scales.mass
        inverseMass = 1 / mass
        inertia = robot.inertia * scales.inertia
        inverseInertia = inertia.inverse ?? Mat3(diagonal: .zero)
        kf = p.kf * scales.thrust
        km = p.km * scales.yawTorque
        rotorX = SIMD4(p.rotorPositions.map(\.x))
        rotorY = SIMD4(p.rotorPositions.map(\.y))
        rotorZ = SIMD4(p.rotorPositions.map(\.z))
        yawSigns = p.yawSigns
        hoverRPM = (robot.mass * gravity / (4 * p.kf)).squareRoot()
        maxRPM = (p.thrustToWeight * robot.mass * gravity / (4 * p.kf)).squareRoot()
        motorBlend = effects.contains(.motorLag) && motorTimeConstant > 0 ? 1 - exp(-dt / motorTimeConstant) : 1
        let rpmToRad = 2 * Double.pi / 60
        dragPerRotorSpeed = effects.contains(.drag) ? Vec3(p.dragXY, p.dragXY, p.dragZ) * rpmToRad : .zero
        groundEffectGain = effects.contains(.groundEffect) ? p.groundEffectCoefficient * p.propRadius * p.propRadius / 16 : 0
        // gym-pybullet-drones' clip: ground effect at most what 15x max thrust would give
        let maxThrust = p.thrustToWeight * robot.mass * gravity
        let clip = 0.25 * p.propRadius * (15 * maxRPM * maxRPM * p.kf * p.groundEffectCoefficient / maxThrust).squareRoot()
        groundEffectMinHeight = max(clip, 1e-6)
        let a = exp(-dt / max(wind.gustTimeConstant, 1e-9))
        gustDecay = a
        gustDrive = effects.contains(.gusts) ? wind.gustSigma * (1 - a * a).squareRoot() : 0
        downwash = DownwashModel(p, maxThrust: maxThrust)
        downwashActive = effects.contains(.downwash) && downwash.isActive
    }

    /// The same model with other effects (derived constants recomputed).
    public func with(effects: Effects) -> QuadrotorModel {
        QuadrotorModel(robot: robot, rate: 1 / dt, effects: effects, gravity: gravity, motorTimeConstant: motorTimeConstant,
                       wind: wind, scales: scales)
    }

    /// Mean wind in the world frame, zero when `.wind` is off.
    @inlinable public var meanWind: Vec3 { effects.contains(.wind) ? wind.mean : .zero }

    /// A state at rest at `position` with heading `yaw`, rotors at hover speed.
    public func initialState(position: Vec3 = Vec3(0, 0, 1), yaw: Double = 0, seed: UInt64 = 0) -> QuadrotorState {
        QuadrotorState(position: position, attitude: Quaternion(roll: 0, pitch: 0, yaw: yaw),
                       rotorRPM: SIMD4(repeating: hoverRPM), rng: RNG(seed: seed, stream: 0x5157_4e44))
    }
}
