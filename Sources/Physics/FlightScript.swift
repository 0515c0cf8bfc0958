import Diagnostics
import Foundation
import Geometry

/// A scripted command sequence for closed-loop runs (`swiftlet fly --headless --script FILE`).
///
/// One segment per line, `DURATION KIND ARGS...`; `#` starts a comment. Angles in degrees:
/// - `position X Y Z [YAW]`: fly to a world position (m), heading YAW (deg, default 0)
/// - `velocity VX VY VZ YAWRATE`: world velocity (m/s) and yaw rate (deg/s)
/// - `forward SPEED YAWRATE ALTITUDE`: GtS action: forward speed (m/s), yaw rate (deg/s), altitude (m)
/// - `drive SPEED YAWRATE`: differential drive: speed (m/s), yaw rate (deg/s)
/// - `steer SPEED STEERING`: Ackermann: speed (m/s), steering angle (deg)
public struct FlightScript: Sendable, Equatable {
    public struct Segment: Sendable, Equatable {
        /// Segment length, s.
        public var duration: Double
        public var command: VehicleCommand
        /// The script line as written (for summaries).
        public var text: String
        public init(duration: Double, command: VehicleCommand, text: String) {
            self.duration = duration
            self.command = command
            self.text = text
        }
    }
    public var segments: [Segment]
    public init(segments: [Segment]) { self.segments = segments }

    /// Total length, s.
    public var duration: Double { segments.reduce(0) { $0 + $1.duration } }

    /// Parses script text for `robot` (quadrotor lines for quadrotors, ground lines for ground robots).
    public static func parse(_ text: String, source: String, robot: RobotDescription) throws -> FlightScript {
        var segments: [Segment] = []
        for (n, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init)?
                .trimmingCharacters(in: .whitespaces) ?? ""
            if line.isEmpty { continue }
            let location = "line \(n + 1)"
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard words.count >= 2 else { throw InputError(source, at: location, "expected 'DURATION KIND ARGS...', got '\(line)'") }
            var nums: [Double] = []
            for w in [words[0]] + words.dropFirst(2) {
                guard let v = Double(w), v.isFinite else { throw InputError(source, at: location, "'\(w)' is not a finite number") }
                nums.append(v)
            }
            let duration = nums.removeFirst()
            guard duration > 0, duration <= 86_400 else { throw InputError(source, at: location, "duration must be in (0, 86400] s, got \(words[0])") }
            let kind = words[1]
            func need(_ counts: ClosedRange<Int>, _ usage: String) throws {
                guard counts.contains(nums.count) else { throw InputError(source, at: location, "'\(kind)' takes \(usage), got '\(line)'") }
            }
            let isQuad = robot.quadrotor != nil
            let drive = robot.ground?.drive
            let command: VehicleCommand
            switch kind {
            case "position" where isQuad:
                try need(3...4, "X Y Z [YAW_DEG]")
                command = .flight(.position(Vec3(nums[0], nums[1], nums[2]), yaw: radians(nums.count > 3 ? nums[3] : 0)))
            case "velocity" where isQuad:
                try need(4...4, "VX VY VZ YAWRATE_DEG")
                command = .flight(.velocity(Vec3(nums[0], nums[1], nums[2]), yawRate: radians(nums[3])))
            case "forward" where isQuad:
                try need(3...3, "SPEED YAWRATE_DEG ALTITUDE")
                command = .flight(.forward(speed: nums[0], yawRate: radians(nums[1]), altitude: nums[2]))
            case "drive" where drive == .differential:
                try need(2...2, "SPEED YAWRATE_DEG")
                command = .ground(GroundCommand(speed: nums[0], turn: radians(nums[1])))
            case "steer" where drive == .ackermann:
                try need(2...2, "SPEED STEERING_DEG")
                command = .ground(GroundCommand(speed: nums[0], turn: radians(nums[1])))
            default:
                let allowed = isQuad ? "position, velocity, forward" : (drive == .differential ? "drive" : "steer")
                throw InputError(source, at: location, "unknown or unsuitable command '\(kind)' for robot \(robot.name) (use \(allowed))")
            }
            segments.append(Segment(duration: duration, command: command, text: line))
        }
        guard !segments.isEmpty else { throw InputError(source, "script has no command lines") }
        return FlightScript(segments: segments)
    }

    /// The built-in demo script for `robot`: hover, a 1 m step, a yaw turn and forward flight
    /// for quadrotors; a drive-and-turn sequence for ground robots.
    public static func demo(for robot: RobotDescription) -> FlightScript {
        let text: String
        switch robot.ground?.drive {
        case nil:
            text = """
            2 position 0 0 1
            3 position 1 0 1
            3 forward 0 120 1
            4 forward 1 30 1.2
            3 position 0 0 1
            """
        case .differential?:
            text = """
            3 drive 1 0
            3 drive 1 45
            2 drive 0 90
            3 drive -0.5 0
            """
        case .ackermann?:
            text = """
            3 steer 2 0
            3 steer 2 20
            3 steer 1 -20
            2 steer 0 0
            """
        }
        // the demo text is fixed and valid for every robot kind
        return try! parse(text, source: "demo script", robot: robot)
    }
}
