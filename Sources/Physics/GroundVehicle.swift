import Foundation
import Geometry

/// A ground-robot command. `turn` is the yaw rate (rad/s) for differential drive and the
/// steering angle (rad, positive left) for Ackermann.
public struct GroundCommand: Sendable, Equatable, Hashable {
    /// Forward speed, m/s.
    public var speed: Double
    /// Yaw rate (rad/s, differential) or steering angle (rad, Ackermann).
    public var turn: Double
    public init(speed: Double, turn: Double) {
        self.speed = speed
        self.turn = turn
    }
}

/// The constant part of a ground-robot simulation: coefficients and step.
public struct GroundVehicleModel: Sendable {
    public let robot: RobotDescription
    public let params: GroundVehicleParameters
    /// Integration step, s.
    public let dt: Double

    public init(robot: RobotDescription, rate: Double = 500) {
        guard let g = robot.ground else { preconditionFailure("GroundVehicleModel needs a ground robot, got \(robot.name)") }
        precondition(rate > 0 && rate.isFinite, "rate must be positive")
        self.robot = robot
        self.params = g
        self.dt = 1 / rate
    }

    /// At rest at `position` (z is ignored: the robot stands on z = 0) facing `yaw`.
    public func initialState(position: Vec3 = .zero, yaw: Double = 0) -> GroundVehicleState {
        GroundVehicleState(x: position.x, y: position.y, yaw: yaw)
    }
}

/// The mutable state of a ground robot on the z = 0 plane. Copy to save, assign to restore.
public struct GroundVehicleState: Sendable, Equatable, Hashable {
    public var time: Double = 0
    /// Position of the body origin on the ground, m, and heading, rad.
    public var x: Double
    public var y: Double
    public var yaw: Double
    /// Wheel (commanded-side) forward speed after acceleration limits, m/s.
    public var speed: Double = 0
    /// Yaw rate after limits (differential) or achieved yaw rate (Ackermann), rad/s.
    public var yawRate: Double = 0
    /// Current steering angle, rad (Ackermann).
    public var steering: Double = 0
    /// Ground speed actually achieved after slip, m/s.
    public var groundSpeed: Double = 0
    public var warnings = PhysicsWarnings()
    /// Set by the caller (collision, emergency stop): the robot stops and ignores commands.
    public var halted: Bool = false
    /// Set by the caller on a collision; implies `halted`.
    public var crashed: Bool = false
    public var home: Pose

    public init(x: Double, y: Double, yaw: Double) {
        self.x = x
        self.y = y
        self.yaw = yaw
        home = Pose(position: Vec3(x, y, 0), orientation: Quaternion(roll: 0, pitch: 0, yaw: yaw))
    }

    /// Pose in the world (z = 0, level).
    public var pose: Pose { Pose(position: Vec3(x, y, 0), orientation: Quaternion(roll: 0, pitch: 0, yaw: yaw)) }

    /// World-frame velocity, m/s.
    public var velocity: Vec3 { Vec3(groundSpeed * cos(yaw), groundSpeed * sin(yaw), 0) }

    /// Stops the robot at once (speeds zeroed) and keeps it stopped until `resume()`.
    public mutating func halt() {
        halted = true
        speed = 0
        yawRate = 0
        groundSpeed = 0
    }

    /// Flags a crash (and halts).
    public mutating func flagCrash() {
        crashed = true
        halt()
    }

    /// Accepts commands again after `halt()` (a crash stays flagged until `reset`).
    public mutating func resume() { if !crashed { halted = false } }

    /// Back to `home` at rest.
    public mutating func reset() {
        x = home.position.x
        y = home.position.y
        yaw = home.orientation.yaw
        speed = 0
        yawRate = 0
        steering = 0
        groundSpeed = 0
        halted = false
        crashed = false
    }
}

/// Ground-robot kinematics with actuator limits: differential drive (unicycle) and the
/// kinematic bicycle (Ackermann).
///
/// Speed follows the command within `maxAcceleration`; differential drive's yaw rate follows
/// within `maxYawAcceleration`; the car's steering angle follows within `maxSteeringRate` and
/// `maxSteering`. Slip `s` scales achieved ground speed by (1 - s) and, for the car, also the yaw
/// response by (1 - s) (understeer). The pose advances with the midpoint heading.
public enum GroundVehicleDynamics {
    /// Advances `state` by `model.dt`. NaN/Inf commands count a warning and reset.
    @inlinable
    public static func step(_ model: GroundVehicleModel, _ state: inout GroundVehicleState, _ command: GroundCommand) {
        let p = model.params
        let dt = model.dt
        state.time += dt
        guard command.speed.isFinite && command.turn.isFinite else {
            state.warnings.badCommand &+= 1
            state.reset()
            return
        }
        if state.halted || state.crashed {
            state.speed = 0
            state.yawRate = 0
            state.groundSpeed = 0
            return
        }
        // speed with acceleration limit
        let target = min(max(command.speed, -p.maxSpeed), p.maxSpeed)
        let dv = p.maxAcceleration * dt
        state.speed += min(max(target - state.speed, -dv), dv)
        let v = (1 - p.slip) * state.speed
        var omega: Double
        switch p.drive {
        case .differential:
            let targetRate = min(max(command.turn, -p.maxYawRate), p.maxYawRate)
            let dw = p.maxYawAcceleration * dt
            state.yawRate += min(max(targetRate - state.yawRate, -dw), dw)
            omega = (1 - p.slip) * state.yawRate
        case .ackermann:
            let targetSteer = min(max(command.turn, -p.maxSteering), p.maxSteering)
            let ds = p.maxSteeringRate * dt
            state.steering += min(max(targetSteer - state.steering, -ds), ds)
            omega = (1 - p.slip) * v * tan(state.steering) / p.wheelBase
            state.yawRate = omega
        }
        // pose with the midpoint heading
        let mid = state.yaw + 0.5 * omega * dt
        state.x += v * cos(mid) * dt
        state.y += v * sin(mid) * dt
        state.yaw = wrapAngle(state.yaw + omega * dt)
        state.groundSpeed = v
        if !(state.x.isFinite && state.y.isFinite && state.yaw.isFinite) {
            state.warnings.divergence &+= 1
            state.reset()
        }
    }

    /// Steering angle (rad) that gives yaw rate `yawRate` at `speed` on an Ackermann car without
    /// slip; clamped to the steering limit. Zero when standing still.
    public static func steering(forYawRate yawRate: Double, speed: Double, params: GroundVehicleParameters) -> Double {
        guard abs(speed) > 1e-6 else { return 0 }
        return min(max(atan(yawRate * params.wheelBase / speed), -params.maxSteering), params.maxSteering)
    }
}
