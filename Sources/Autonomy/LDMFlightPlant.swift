import Foundation
import Geometry
import Physics

/// The true vehicle of the LDM flight experiment.
///
/// Action a = (roll setpoint, pitch setpoint) in radians (world-level tilt, heading 0): a
/// horizontal-acceleration-type command (level thrust tilted by theta accelerates at about
/// g tan theta). It is flown through the attitude P and rate P loops and the mixer of the
/// cascaded `QuadrotorController` (ideal gains). Collective thrust comes from a near-hover
/// altitude hold, T = m (g + kp (z_ref - z) - kd v_z), **without** the 1/cos(tilt)
/// compensation: at tilt theta the steady altitude sag is g (1 - cos theta) / (kp cos theta),
/// 9 cm at 15 deg, 38 cm at 30 deg, 1 m at 45 deg. Near hover (the data) the sag is small; far
/// from it the vehicle sinks into the ground: this is what a model fitted near hover cannot know.
///
/// Compact state s (`stateDim` = 8): [v_x, v_y, v_z (m/s, world), z - z_ref (m), roll, pitch
/// (rad, Z-Y-X Euler), w_x, w_y (rad/s, body)].
///
/// With `actionMode == .tiltRate` the action is instead a tilt-rate command (rad/s) that
/// integrates into the held tilt setpoint (clamped to +-maxTiltCommand): the setpoint is an
/// integrator state, so the last two entries of s are the held (roll, pitch) setpoint (rad)
/// instead of the body rates (which the attitude loop slaves to setpoint minus attitude).
public struct LDMFlightPlant: Sendable {
    public static let stateDim = 8
    public static let actionDim = 2

    public let model: QuadrotorModel
    public let controller: QuadrotorController
    public let settings: LDMFlightSettings
    /// Physics steps per control step.
    public let substeps: Int
    public var state: QuadrotorState
    /// The held (roll, pitch) tilt setpoint (rad): the last tilt command, or in `.tiltRate`
    /// mode the integrated rate commands.
    public var setpoint = SIMD2<Double>(0, 0)

    public init(robot: RobotDescription, settings: LDMFlightSettings) {
        model = QuadrotorModel(robot: robot, rate: settings.physicsRate, effects: .none)
        controller = QuadrotorController(model: model, gains: .ideal)
        substeps = max(1, Int((settings.physicsRate / settings.controlRate).rounded()))
        state = model.initialState(position: Vec3(0, 0, settings.referenceAltitude))
        self.settings = settings
    }

    /// Level hover at (0, 0, z_ref) moving at `velocity` (m/s, world).
    public mutating func reset(velocity: Vec3 = .zero) {
        state = model.initialState(position: Vec3(0, 0, settings.referenceAltitude))
        state.velocity = velocity
        setpoint = .zero
    }

    /// Tilt from level (rad).
    public var tilt: Double {
        let q = state.attitude
        return acos(max(-1, min(1, 1 - 2 * (q.x * q.x + q.y * q.y))))
    }

    /// Horizontal speed (m/s).
    public var horizontalSpeed: Double { (state.velocity.x * state.velocity.x + state.velocity.y * state.velocity.y).squareRoot() }

    /// Writes the compact state into `s[offset ..< offset + 8]`.
    public func compact(into s: UnsafeMutableBufferPointer<Float>, offset: Int = 0) {
        let e = state.attitude.eulerAngles
        s[offset] = Float(state.velocity.x)
        s[offset + 1] = Float(state.velocity.y)
        s[offset + 2] = Float(state.velocity.z)
        s[offset + 3] = Float(state.position.z - settings.referenceAltitude)
        s[offset + 4] = Float(e.roll)
        s[offset + 5] = Float(e.pitch)
        if settings.actionMode == .tiltRate {
            s[offset + 6] = Float(setpoint.x)
            s[offset + 7] = Float(setpoint.y)
        } else {
            s[offset + 6] = Float(state.bodyRate.x)
            s[offset + 7] = Float(state.bodyRate.y)
        }
    }

    /// The compact state as an array.
    public var compactState: [Float] {
        var s = [Float](repeating: 0, count: LDMFlightPlant.stateDim)
        s.withUnsafeMutableBufferPointer { compact(into: $0) }
        return s
    }

    /// Rotor speeds (RPM) for the tilt setpoint at the current state.
    public func rotorSpeeds(roll: Double, pitch: Double) -> SIMD4<Double> {
        let g = controller.gains
        let q = state.attitude
        let qDes = Quaternion(roll: roll, pitch: pitch, yaw: 0)
        var qe = q.conjugate * qDes
        if qe.w < 0 { qe = qe * -1 }
        let rateDes = (g.attitudeP * (2 * qe.vector)).clamped(lowerBound: -g.maxRate, upperBound: g.maxRate)
        let omega = state.bodyRate
        let j = controller.inertia
        let torque = j * (g.rateP * (rateDes - omega)) + omega.cross(j * omega)
        let accZ = controller.gravity + settings.altitudeP * (settings.referenceAltitude - state.position.z)
            - settings.altitudeD * state.velocity.z
        return controller.mix(thrust: controller.mass * max(0, accZ), torque: torque)
    }

    /// One control step holding the tilt setpoint (clamped to the action box); returns the crash
    /// that ended it, if any (the state is left where it happened).
    public mutating func step(roll: Double, pitch: Double) -> LDMFlightCrash? {
        let m = settings.maxTiltCommand
        let r = roll.isFinite ? max(-m, min(m, roll)) : 0, p = pitch.isFinite ? max(-m, min(m, pitch)) : 0
        setpoint = SIMD2(r, p)
        let warnings = state.warnings.total
        for _ in 0..<substeps {
            QuadrotorDynamics.step(model, &state, rotorSpeeds(roll: r, pitch: p))
            if state.warnings.total != warnings { return .divergence }
            if state.position.z < settings.groundClearance { return .ground }
            if tilt > settings.crashTilt { return .tilt }
        }
        return nil
    }

    /// One control step of action `a` in the settings' `actionMode`: a (roll, pitch) setpoint
    /// (rad) in `.tilt` mode; in `.tiltRate` mode a (roll, pitch) rate (rad/s, clamped to
    /// +-maxTiltRate) added to the held setpoint over one control period.
    public mutating func step(action a: SIMD2<Double>) -> LDMFlightCrash? {
        switch settings.actionMode {
        case .tilt:
            return step(roll: a.x, pitch: a.y)
        case .tiltRate:
            let m = settings.maxTiltRate, dt = settings.controlPeriod
            let r = a.x.isFinite ? max(-m, min(m, a.x)) : 0, p = a.y.isFinite ? max(-m, min(m, a.y)) : 0
            return step(roll: setpoint.x + r * dt, pitch: setpoint.y + p * dt)
        }
    }

    /// Tilt-rate command (rad/s) that moves the held setpoint towards the tilt `target` (rad):
    /// maxTiltRate tanh((target - setpoint) / (maxTiltRate tau) + noise), strictly inside the
    /// rate box (the exploration policy of `.tiltRate` mode; tau in s, `noise` dimensionless).
    public func rateCommand(towards target: SIMD2<Double>, tau: Double, noise: SIMD2<Double> = .zero) -> SIMD2<Double> {
        let m = settings.maxTiltRate, d = (target - setpoint) / (m * tau) + noise
        return SIMD2(m * tanh(d.x), m * tanh(d.y))
    }

    /// Tilt setpoint (roll, pitch) that asks for horizontal acceleration `a` (m/s^2, world) at
    /// heading 0 with level thrust, each clamped to +-limit.
    public static func tiltCommand(acceleration a: SIMD2<Double>, gravity: Double, limit: Double) -> SIMD2<Double> {
        SIMD2(max(-limit, min(limit, -atan(a.y / gravity))), max(-limit, min(limit, atan(a.x / gravity))))
    }
}
