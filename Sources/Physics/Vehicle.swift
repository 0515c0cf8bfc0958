import Geometry

/// A simulated vehicle of either kind with its model, state and (for quadrotors) controller,
/// so callers that do not care about the kind (CLI, viewer, runtime) can step it.
public enum Vehicle: Sendable {
    case quadrotor(model: QuadrotorModel, controller: QuadrotorController, state: QuadrotorState)
    case ground(model: GroundVehicleModel, state: GroundVehicleState)

    /// Builds the model for `robot` at `rate` Hz with `effects` (quadrotors only), at rest at
    /// `position` (ground robots ignore z).
    public init(robot: RobotDescription, rate: Double = 500, effects: Effects = .none,
                position: Vec3 = Vec3(0, 0, 1), seed: UInt64 = 0) {
        switch robot.kind {
        case .quadrotor:
            let m = QuadrotorModel(robot: robot, rate: rate, effects: effects)
            self = .quadrotor(model: m, controller: QuadrotorController(model: m),
                              state: m.initialState(position: position, seed: seed))
        case .ground:
            let m = GroundVehicleModel(robot: robot, rate: rate)
            self = .ground(model: m, state: m.initialState(position: position))
        }
    }

    /// Simulated time, s.
    public var time: Double {
        switch self {
        case .quadrotor(_, _, let s): return s.time
        case .ground(_, let s): return s.time
        }
    }

    /// Integration step, s.
    public var dt: Double {
        switch self {
        case .quadrotor(let m, _, _): return m.dt
        case .ground(let m, _): return m.dt
        }
    }

    /// Body pose in the world.
    public var pose: Pose {
        switch self {
        case .quadrotor(_, _, let s): return s.pose
        case .ground(_, let s): return s.pose
        }
    }

    /// World-frame velocity, m/s.
    public var velocity: Vec3 {
        switch self {
        case .quadrotor(_, _, let s): return s.velocity
        case .ground(_, let s): return s.velocity
        }
    }

    /// Body rates, rad/s (ground robots: yaw rate only).
    public var bodyRate: Vec3 {
        switch self {
        case .quadrotor(_, _, let s): return s.bodyRate
        case .ground(_, let s): return Vec3(0, 0, s.yawRate)
        }
    }

    /// Warning counters.
    public var warnings: PhysicsWarnings {
        switch self {
        case .quadrotor(_, _, let s): return s.warnings
        case .ground(_, let s): return s.warnings
        }
    }

    /// The robot description.
    public var robot: RobotDescription {
        switch self {
        case .quadrotor(let m, _, _): return m.robot
        case .ground(let m, _): return m.robot
        }
    }

    /// Flags a crash: the vehicle freezes (quadrotor) or halts (ground robot).
    public mutating func flagCrash() {
        switch self {
        case .quadrotor(let m, let c, var s):
            s.flagCrash()
            self = .quadrotor(model: m, controller: c, state: s)
        case .ground(let m, var s):
            s.flagCrash()
            self = .ground(model: m, state: s)
        }
    }

    /// One step under a command. Quadrotors accept `.flight` (closed loop) and `.rotors` (open
    /// loop), ground robots `.ground`; a command of the other kind makes a quadrotor hover in
    /// place and a ground robot stop.
    public mutating func step(_ command: VehicleCommand) {
        switch self {
        case .quadrotor(let m, let c, var s):
            let rpm: SIMD4<Double>
            switch command {
            case .flight(let f): rpm = c.rotorSpeeds(for: f, state: &s)
            case .rotors(let r): rpm = r
            case .ground: rpm = c.rotorSpeeds(for: .velocity(.zero, yawRate: 0), state: &s)
            }
            QuadrotorDynamics.step(m, &s, rpm)
            self = .quadrotor(model: m, controller: c, state: s)
        case .ground(let m, var s):
            var gc = GroundCommand(speed: 0, turn: 0)
            if case .ground(let g) = command { gc = g }
            GroundVehicleDynamics.step(m, &s, gc)
            self = .ground(model: m, state: s)
        }
    }
}

/// A command for either kind of vehicle.
public enum VehicleCommand: Sendable, Equatable, Hashable {
    /// Closed-loop quadrotor command for the cascaded controller.
    case flight(FlightCommand)
    /// Open-loop rotor speeds, RPM.
    case rotors(SIMD4<Double>)
    /// Ground-robot speed and turn command.
    case ground(GroundCommand)
}
