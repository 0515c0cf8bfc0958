import Diagnostics
import Foundation
import Geometry

/// gym-pybullet-drones' `downwash.py` as a Swiftlet scenario (`swiftlet trace --downwash`): two
/// copies of a quadrotor under the position controller; the lower one holds `lower` while the
/// upper one flies along +x at `speed`, `heightDifference` m higher and `lateral` m to the side
/// (+y), from `-halfSpan` to `+halfSpan` m of x relative to the lower one, passing over it at
/// `halfSpan / speed` s. Both start at rest on their setpoints.
public enum DownwashScenario {
    public struct Options: Sendable {
        /// Integration (and output) rate, Hz.
        public var rate: Double = 500
        /// Effects; `.downwash` is always added.
        public var effects: Effects = .none
        /// The lower vehicle's hover setpoint, m.
        public var lower: Vec3 = Vec3(0, 0, 0.5)
        /// Upper minus lower setpoint height, m.
        public var heightDifference: Double = 0.5
        /// Upper vehicle's setpoint speed along +x, m/s.
        public var speed: Double = 0.5
        /// Upper path's offset along +y from the lower vehicle, m.
        public var lateral: Double = 0
        /// Half the upper path's length along x, m.
        public var halfSpan: Double = 1.5
        /// Run time, s.
        public var duration: Double = 6
        /// Seed for gusts.
        public var seed: UInt64 = 0
        public init() {}
    }

    /// What the run showed (lower vehicle).
    public struct Summary: Sendable {
        /// Largest downwash force on the lower vehicle, N, and when, s.
        public var peakForce: Double
        public var peakForceTime: Double
        /// Lowest altitude error (z - setpoint), m (negative = below), and when, s.
        public var dip: Double
        public var dipTime: Double
        /// Last time the altitude error exceeded 1 mm in magnitude, s (recovered after it).
        public var recoveredTime: Double
        /// Altitude error at the end, m.
        public var finalError: Double
        /// Contact events between the two vehicles.
        public var contacts: Int
    }

    /// Output header: time (s); upper and lower positions (m); the lower vehicle's altitude
    /// error (m); the downwash force on it over the next step (N, downward); horizontal distance
    /// and height difference upper minus lower (m).
    public static let header = "t,upper_x,upper_y,upper_z,lower_x,lower_y,lower_z,lower_z_error,downwash_n,distance_xy,delta_z"

    /// Runs the scenario; returns the CSV text (one row per step from t = 0) and the summary.
    public static func run(robot: RobotDescription, options o: Options) throws -> (csv: String, summary: Summary) {
        guard robot.quadrotor != nil else { throw InputError(robot.name, "the downwash scenario needs a quadrotor robot") }
        try TraceRunner.validateRate(o.rate)
        guard o.heightDifference > 0, o.heightDifference <= 100 else {
            throw InputError("--height-difference", "must be in (0, 100] m, got \(o.heightDifference)")
        }
        guard o.speed > 0, o.speed <= 10 else { throw InputError("--speed", "must be in (0, 10] m/s, got \(o.speed)") }
        guard abs(o.lateral) <= 100 else { throw InputError("--lateral", "must be within 100 m, got \(o.lateral)") }
        guard o.duration > 0, o.duration <= 600 else { throw InputError("--duration", "must be in (0, 600] s, got \(o.duration)") }
        guard o.lower.x.isFinite, o.lower.y.isFinite, o.lower.z.isFinite else { throw InputError("--initial", "not finite: \(o.lower)") }

        let model = QuadrotorModel(robot: robot, rate: o.rate, effects: o.effects.union(.downwash))
        guard model.downwashActive else {
            throw InputError(robot.name, "no downwash coefficients (<properties> dw_coeff_1..3 and prop_radius): nothing to simulate")
        }
        let controller = QuadrotorController(model: model)
        let upperStart = o.lower + Vec3(-o.halfSpan, o.lateral, o.heightDifference)
        var swarm = QuadrotorSwarm(model: model, states: [
            model.initialState(position: upperStart, seed: o.seed),
            model.initialState(position: o.lower, seed: RNG.mix(o.seed, 1)),
        ])
        let steps = Int((o.duration * o.rate + 1e-9).rounded(.down))
        var out = header + "\n"
        out.reserveCapacity((steps + 2) * 160)
        var summary = Summary(peakForce: 0, peakForceTime: 0, dip: 0, dipTime: 0, recoveredTime: 0, finalError: 0, contacts: 0)
        var commands = [SIMD4<Double>](repeating: .zero, count: 2)
        for k in 0...steps {
            let t = Double(k) / o.rate
            swarm.updateInteractions(workers: 1)
            let up = swarm.states[0].position, low = swarm.states[1].position
            let error = low.z - o.lower.z, force = swarm.downwashForce[1]
            let dx = up.x - low.x, dy = up.y - low.y
            let d = (dx * dx + dy * dy).squareRoot()
            out += [t, up.x, up.y, up.z, low.x, low.y, low.z, error, force, d, up.z - low.z].map { "\($0)" }.joined(separator: ",") + "\n"
            if force > summary.peakForce { summary.peakForce = force; summary.peakForceTime = t }
            if error < summary.dip { summary.dip = error; summary.dipTime = t }
            if abs(error) > 1e-3 { summary.recoveredTime = t }
            summary.finalError = error
            guard k < steps else { break }
            // upper setpoint moves along +x and stops at the end of its path
            let x = min(-o.halfSpan + o.speed * t, o.halfSpan)
            let targets = [upperStart + Vec3(x + o.halfSpan, 0, 0), o.lower]
            for i in 0..<2 {
                commands[i] = controller.rotorSpeeds(for: .position(targets[i], yaw: 0), state: &swarm.states[i])
            }
            swarm.advance(commands: commands, workers: 1)
        }
        summary.contacts = swarm.contactCount
        return (out, summary)
    }
}
