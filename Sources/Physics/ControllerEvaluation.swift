import Geometry

/// Closed-loop measurements of the quadrotor controller (used by tests, docs and `swiftlet fly`).
public enum ControllerEvaluation {
    /// Result of a position step.
    public struct StepResponse: Sendable, Equatable {
        /// Overshoot past the target along the step direction, fraction of the step.
        public var overshoot: Double
        /// Time after the step until the position stays within `band` of the target, s
        /// (infinity when it never does).
        public var settlingTime: Double
        /// Largest altitude deviation during the run, m.
        public var maxAltitudeError: Double
        public var warnings: Int
    }

    /// Hovers at (0, 0, 1) for `settle` s, then commands a step of `step` (world, m) and measures
    /// for `duration` s. `band` is the settling band (m).
    public static func positionStep(model: QuadrotorModel, step: Vec3 = Vec3(1, 0, 0), seed: UInt64 = 1,
                                    settle: Double = 1, duration: Double = 4, band: Double = 0.05) -> StepResponse {
        let ctrl = QuadrotorController(model: model)
        let start = Vec3(0, 0, 1)
        var s = model.initialState(position: start, seed: seed)
        let hold = FlightCommand.position(start, yaw: 0)
        for _ in 0..<Int((settle / model.dt).rounded()) {
            QuadrotorDynamics.step(model, &s, ctrl.rotorSpeeds(for: hold, state: &s))
        }
        let target = start + step
        let dir = step.normalized
        let cmd = FlightCommand.position(target, yaw: 0)
        let t0 = s.time
        var overshoot = 0.0, lastOutside = 0.0, maxAlt = 0.0
        for _ in 0..<Int((duration / model.dt).rounded()) {
            QuadrotorDynamics.step(model, &s, ctrl.rotorSpeeds(for: cmd, state: &s))
            let e = s.position - target
            overshoot = max(overshoot, e.dot(dir) / step.length)
            if e.length > band { lastOutside = s.time - t0 }
            maxAlt = max(maxAlt, abs(s.position.z - target.z))
        }
        let settled = lastOutside < duration - 0.5 * model.dt - 0.25
        return StepResponse(overshoot: overshoot, settlingTime: settled ? lastOutside : .infinity,
                            maxAltitudeError: maxAlt, warnings: s.warnings.total)
    }

    /// Largest altitude deviation (m) while turning at `yawRate` (rad/s) at zero forward speed
    /// and 1 m altitude for `duration` s, plus the mean yaw rate achieved (rad/s).
    public static func yawHold(model: QuadrotorModel, yawRate: Double = radians(120), seed: UInt64 = 1,
                               duration: Double = 3) -> (maxAltitudeError: Double, meanYawRate: Double, warnings: Int) {
        let ctrl = QuadrotorController(model: model)
        var s = model.initialState(position: Vec3(0, 0, 1), seed: seed)
        let cmd = FlightCommand.forward(speed: 0, yawRate: yawRate, altitude: 1)
        var maxAlt = 0.0
        var unwrapped = 0.0
        var lastYaw = s.attitude.yaw
        let n = Int((duration / model.dt).rounded())
        for _ in 0..<n {
            QuadrotorDynamics.step(model, &s, ctrl.rotorSpeeds(for: cmd, state: &s))
            maxAlt = max(maxAlt, abs(s.position.z - 1))
            let y = s.attitude.yaw
            unwrapped += wrapAngle(y - lastYaw)
            lastYaw = y
        }
        return (maxAlt, unwrapped / duration, s.warnings.total)
    }

    /// Largest distance (m) from (0, 0, 1) while holding it for `duration` s.
    public static func hover(model: QuadrotorModel, seed: UInt64 = 1, duration: Double = 5) -> Double {
        let ctrl = QuadrotorController(model: model)
        let p = Vec3(0, 0, 1)
        var s = model.initialState(position: p, seed: seed)
        var worst = 0.0
        for _ in 0..<Int((duration / model.dt).rounded()) {
            QuadrotorDynamics.step(model, &s, ctrl.rotorSpeeds(for: .position(p, yaw: 0), state: &s))
            worst = max(worst, (s.position - p).length)
        }
        return worst
    }
}
