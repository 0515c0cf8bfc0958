import Foundation
import Geometry

/// A closed-loop run of a scripted command sequence: the library entry point behind
/// `swiftlet fly --headless`, and the session the viewer steps frame by frame.
public struct FlightSession: Sendable {
    public private(set) var vehicle: Vehicle
    public let script: FlightScript
    /// Index of the segment being flown (== segments.count when finished).
    public private(set) var segment: Int = 0
    /// Time at which the current segment started, s.
    public private(set) var segmentStart: Double = 0
    private var stats: [FlightSummary.SegmentStats] = []
    private var current = FlightSummary.SegmentStats()

    public init(vehicle: Vehicle, script: FlightScript) {
        self.vehicle = vehicle
        self.script = script
        current.text = script.segments.first?.text ?? ""
    }

    /// True once every segment has been flown.
    public var isFinished: Bool { segment >= script.segments.count }

    /// The command in force.
    public var command: VehicleCommand? { isFinished ? nil : script.segments[segment].command }

    /// Advances one physics step.
    public mutating func step() {
        guard let cmd = command else { return }
        vehicle.step(cmd)
        // per-segment statistics
        let p = vehicle.pose.position
        var altitudeTarget: Double?
        if case .flight(let f) = cmd {
            switch f {
            case .position(let t, _):
                current.finalError = (p - t).length
                altitudeTarget = t.z
            case .forward(_, _, let alt): altitudeTarget = alt
            case .velocity(let v, _): current.finalError = (vehicle.velocity - v).length
            }
        }
        if let a = altitudeTarget, vehicle.time - segmentStart > 0.5 {
            current.maxAltitudeError = max(current.maxAltitudeError, abs(p.z - a))
        }
        current.maxSpeed = max(current.maxSpeed, vehicle.velocity.length)
        current.endPosition = p
        if vehicle.time - segmentStart >= script.segments[segment].duration - 0.5 * vehicle.dt {
            stats.append(current)
            segment += 1
            segmentStart = vehicle.time
            current = FlightSummary.SegmentStats()
            current.text = isFinished ? "" : script.segments[segment].text
        }
    }

    /// Flies the rest of the script and summarises it.
    public mutating func runToEnd() -> FlightSummary {
        let t0 = ProcessInfo.processInfo.systemUptime
        var steps = 0
        while !isFinished {
            step()
            steps += 1
        }
        let wall = ProcessInfo.processInfo.systemUptime - t0
        return summary(steps: steps, wallSeconds: wall)
    }

    /// The summary so far.
    public func summary(steps: Int, wallSeconds: Double) -> FlightSummary {
        FlightSummary(robot: vehicle.robot.name, simulatedSeconds: vehicle.time, steps: steps, wallSeconds: wallSeconds,
                      finalPose: vehicle.pose, warnings: vehicle.warnings, segments: stats)
    }
}

/// What a headless run reports.
public struct FlightSummary: Sendable, CustomStringConvertible {
    public struct SegmentStats: Sendable, Equatable {
        public var text = ""
        /// Position error (position mode) or velocity error (velocity mode) at the segment end.
        public var finalError: Double?
        /// Largest altitude deviation after the first 0.5 s of the segment, m.
        public var maxAltitudeError = 0.0
        public var maxSpeed = 0.0
        public var endPosition = Vec3.zero
    }
    public var robot: String
    public var simulatedSeconds: Double
    public var steps: Int
    public var wallSeconds: Double
    public var finalPose: Pose
    public var warnings: PhysicsWarnings
    public var segments: [SegmentStats]

    public var description: String {
        func f(_ v: Double, _ d: Int = 3) -> String { String(format: "%.\(d)f", v) }
        var lines = ["robot \(robot): \(steps) steps, \(f(simulatedSeconds, 2)) s simulated in \(f(wallSeconds, 3)) s wall, warnings \(warnings.total)"]
        for (i, s) in segments.enumerated() {
            var l = "  [\(i + 1)] \(s.text.padding(toLength: 26, withPad: " ", startingAt: 0)) end (\(f(s.endPosition.x)), \(f(s.endPosition.y)), \(f(s.endPosition.z)))"
            if let e = s.finalError { l += " err \(f(e))" }
            if s.maxAltitudeError > 0 { l += " max alt err \(f(s.maxAltitudeError))" }
            l += " max speed \(f(s.maxSpeed, 2))"
            lines.append(l)
        }
        let p = finalPose.position
        lines.append("final position (\(f(p.x)), \(f(p.y)), \(f(p.z))) yaw \(f(degrees(finalPose.orientation.yaw), 1)) deg")
        return lines.joined(separator: "\n")
    }
}
