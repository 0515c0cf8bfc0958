import Diagnostics
import Foundation
import Geometry

/// Open-loop replay of a command CSV (`swiftlet trace`): reads commands, simulates from rest and
/// returns the trajectory CSV.
///
/// Input header (columns looked up by name, extra columns ignored):
/// quadrotors `t,rpm0,rpm1,rpm2,rpm3` (RPM); differential drive `t,speed,yaw_rate` (m/s, rad/s);
/// Ackermann `t,speed,steering` (m/s, rad). Each row holds from its time until the next row's
/// (zero-order hold); the run ends at the last row's time.
///
/// Output header `t,x,y,z,qx,qy,qz,qw,vx,vy,vz,wx,wy,wz,` followed by `rpm0,rpm1,rpm2,rpm3`
/// (actual rotor speeds) for quadrotors or the command columns' achieved values for ground robots.
public enum TraceRunner {
    public struct Options: Sendable {
        /// Integration (and output) rate, Hz.
        public var rate: Double = 500
        public var effects: Effects = .none
        /// Start position, m (ground robots use x, y).
        public var initial: Vec3 = Vec3(0, 0, 1)
        /// Seed for gusts.
        public var seed: UInt64 = 0
        public init(rate: Double = 500, effects: Effects = .none, initial: Vec3 = Vec3(0, 0, 1), seed: UInt64 = 0) {
            self.rate = rate
            self.effects = effects
            self.initial = initial
            self.seed = seed
        }
    }

    /// Output header for quadrotors.
    public static let quadrotorHeader = "t,x,y,z,qx,qy,qz,qw,vx,vy,vz,wx,wy,wz,rpm0,rpm1,rpm2,rpm3"

    /// Input columns for `robot` (after `t`).
    public static func inputColumns(for robot: RobotDescription) -> [String] {
        switch robot.kind {
        case .quadrotor: return ["rpm0", "rpm1", "rpm2", "rpm3"]
        case .ground(let g): return g.drive == .differential ? ["speed", "yaw_rate"] : ["speed", "steering"]
        }
    }

    /// Parses the command CSV: rows of (time, values), times non-decreasing.
    public static func parseInputs(_ text: String, source: String, columns: [String]) throws -> [(t: Double, values: [Double])] {
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).enumerated()
            .map { (number: $0.offset + 1, text: $0.element.trimmingCharacters(in: .whitespacesAndNewlines)) }
            .filter { !$0.text.isEmpty && !$0.text.hasPrefix("#") }
        guard !lines.isEmpty else { throw InputError(source, "empty command file (expected header t,\(columns.joined(separator: ",")))") }
        let header = lines.removeFirst()
        let names = header.text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        var index: [Int] = []
        for c in ["t"] + columns {
            guard let i = names.firstIndex(of: c) else {
                throw InputError(source, at: "line \(header.number)", "header lacks column '\(c)' (expected t,\(columns.joined(separator: ",")); got '\(header.text)')")
            }
            index.append(i)
        }
        guard !lines.isEmpty else { throw InputError(source, "no command rows after the header") }
        var rows: [(Double, [Double])] = []
        rows.reserveCapacity(lines.count)
        var lastT = -Double.infinity
        for line in lines {
            let cells = line.text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count == names.count else {
                throw InputError(source, at: "line \(line.number)", "expected \(names.count) values, got \(cells.count): '\(line.text)'")
            }
            var values: [Double] = []
            for (k, i) in index.enumerated() {
                guard let v = Double(cells[i]), v.isFinite else {
                    throw InputError(source, at: "line \(line.number)", "column '\((["t"] + columns)[k])' is not a finite number: '\(cells[i])'")
                }
                values.append(v)
            }
            let t = values.removeFirst()
            guard t >= 0, t >= lastT else {
                throw InputError(source, at: "line \(line.number)", "time \(cells[index[0]]) is negative or earlier than the previous row")
            }
            lastT = t
            rows.append((t, values))
        }
        return rows
    }

    /// Throws unless `rate` (Hz) is in (0, 1e6].
    static func validateRate(_ rate: Double) throws {
        guard rate > 0, rate.isFinite, rate <= 1e6 else {
            throw InputError("--rate", "rate must be in (0, 1e6] Hz, got \(rate)")
        }
    }

    /// Runs the trace and returns the output CSV text.
    public static func run(robot: RobotDescription, inputs text: String, source: String, options: Options) throws -> String {
        try validateRate(options.rate)
        let columns = inputColumns(for: robot)
        let rows = try parseInputs(text, source: source, columns: columns)
        let dt = 1 / options.rate
        let stepCount = (rows.last!.t / dt + 1e-9).rounded(.down)
        guard stepCount <= 50_000_000 else {
            throw InputError(source, "last time \(rows.last!.t) s at \(options.rate) Hz needs \(stepCount) steps (limit 50,000,000)")
        }
        let steps = Int(stepCount)
        var out = ""
        out.reserveCapacity((steps + 2) * 200)
        var row = 0
        func command(at t: Double) -> [Double] {
            while row + 1 < rows.count && rows[row + 1].t <= t + 1e-9 * dt { row += 1 }
            return rows[row].values
        }
        func fmt(_ v: Double) -> String { "\(v)" }
        switch robot.kind {
        case .quadrotor:
            let model = QuadrotorModel(robot: robot, rate: options.rate, effects: options.effects)
            var s = model.initialState(position: options.initial, seed: options.seed)
            let first = rows[0].values
            s.rotorRPM = SIMD4(first[0], first[1], first[2], first[3])
                .clamped(lowerBound: SIMD4(repeating: 0), upperBound: SIMD4(repeating: model.maxRPM))
            s.homeRPM = s.rotorRPM
            out += quadrotorHeader + "\n"
            func emit() {
                let p = s.position, q = s.attitude, v = s.velocity, w = s.bodyRate, r = s.rotorRPM
                out += [s.time, p.x, p.y, p.z, q.x, q.y, q.z, q.w, v.x, v.y, v.z, w.x, w.y, w.z, r[0], r[1], r[2], r[3]]
                    .map(fmt).joined(separator: ",") + "\n"
            }
            emit()
            for k in 0..<steps {
                let c = command(at: Double(k) * dt)
                QuadrotorDynamics.step(model, &s, SIMD4(c[0], c[1], c[2], c[3]))
                s.time = Double(k + 1) * dt
                emit()
            }
        case .ground(let g):
            let model = GroundVehicleModel(robot: robot, rate: options.rate)
            var s = model.initialState(position: options.initial)
            out += "t,x,y,z,qx,qy,qz,qw,vx,vy,vz,wx,wy,wz,\(columns.joined(separator: ","))\n"
            func emit() {
                let q = s.pose.orientation, v = s.velocity
                let last = g.drive == .differential ? s.yawRate : s.steering
                out += [s.time, s.x, s.y, 0, q.x, q.y, q.z, q.w, v.x, v.y, 0, 0, 0, s.yawRate, s.groundSpeed, last]
                    .map(fmt).joined(separator: ",") + "\n"
            }
            emit()
            for k in 0..<steps {
                let c = command(at: Double(k) * dt)
                GroundVehicleDynamics.step(model, &s, GroundCommand(speed: c[0], turn: c[1]))
                s.time = Double(k + 1) * dt
                emit()
            }
        }
        return out
    }
}
