import Foundation
import Geometry
import Testing
import TestSupport
@testable import Physics

@Suite struct TraceAndScriptTests {
    @Test func traceWritesTheHeaderAndHoldsEachRow() throws {
        let robot = try RobotFiles.load("cf2x")
        let h = QuadrotorModel(robot: robot).hoverRPM
        let csv = "t,rpm0,rpm1,rpm2,rpm3\n0,\(h),\(h),\(h),\(h)\n0.5,0,0,0,0\n1.0,0,0,0,0\n"
        let out = try TraceRunner.run(robot: robot, inputs: csv, source: "in.csv", options: .init(rate: 100))
        let lines = out.split(separator: "\n")
        #expect(lines[0] == "t,x,y,z,qx,qy,qz,qw,vx,vy,vz,wx,wy,wz,rpm0,rpm1,rpm2,rpm3")
        #expect(lines.count == 1 + 101)
        let cols = lines.dropFirst().map { $0.split(separator: ",").map { Double($0)! } }
        #expect(cols.allSatisfy { $0.count == 18 })
        // hover for 0.5 s, then free fall for 0.5 s
        #expect(abs(cols[50][3] - 1) < 1e-9)
        #expect(isClose(cols[100][3], 1 - 0.5 * 9.8 * 0.25, abs: 1e-9))
        #expect(cols[100][14] == 0 && cols[10][14] == h)
        // same input, same bytes
        #expect(try TraceRunner.run(robot: robot, inputs: csv, source: "in.csv", options: .init(rate: 100)) == out)
    }

    @Test func traceForGroundRobotsUsesTheirColumns() throws {
        let car = try RobotFiles.load("rccar")
        let out = try TraceRunner.run(robot: car, inputs: "t,speed,steering\n0,1,0\n2,1,0\n", source: "c.csv",
                                      options: .init(rate: 50, initial: .zero))
        let lines = out.split(separator: "\n")
        #expect(lines[0] == "t,x,y,z,qx,qy,qz,qw,vx,vy,vz,wx,wy,wz,speed,steering")
        let last = lines.last!.split(separator: ",").map { Double($0)! }
        #expect(last[1] > 1.0 && last[1] < 2.0 && last[2] == 0)
    }

    @Test func traceRejectsBadInputsWithLocation() throws {
        let robot = try RobotFiles.load("cf2x")
        let cases: [(String, [String])] = [
            ("", ["empty"]),
            ("t,rpm0,rpm1,rpm2\n0,1,1,1\n", ["rpm3"]),
            ("t,rpm0,rpm1,rpm2,rpm3\n0,1,1,x,1\n", ["line 2", "rpm2", "'x'"]),
            ("t,rpm0,rpm1,rpm2,rpm3\n0,1,1,1,1\n-1,1,1,1,1\n", ["line 3", "earlier"]),
            ("t,rpm0,rpm1,rpm2,rpm3\n0,1,1,1\n", ["line 2", "expected 5"]),
            ("t,rpm0,rpm1,rpm2,rpm3\n0,nan,1,1,1\n", ["line 2", "nan"]),
        ]
        for (text, parts) in cases {
            do {
                _ = try TraceRunner.run(robot: robot, inputs: text, source: "in.csv", options: .init())
                Issue.record("accepted '\(text)'")
            } catch {
                let s = "\(error)"
                for p in ["in.csv"] + parts { #expect(s.contains(p), "'\(s)' lacks '\(p)'") }
            }
        }
    }

    @Test func scriptParsesAndFliesToTheEnd() throws {
        let robot = try RobotFiles.load("cf2x")
        let script = try FlightScript.parse("""
        # take off and step
        1 position 0 0 1
        2 position 1 0 1 90   # with a heading
        1 forward 0.5 30 1
        1 velocity 0 0 0 0
        """, source: "s.txt", robot: robot)
        #expect(script.segments.count == 4 && script.duration == 5)
        var session = FlightSession(vehicle: Vehicle(robot: robot, effects: .all, seed: 3), script: script)
        let summary = session.runToEnd()
        #expect(summary.segments.count == 4 && summary.steps == 2500)
        #expect(summary.segments[1].finalError! < 0.05)
        #expect(summary.warnings.total == 0)
        var again = FlightSession(vehicle: Vehicle(robot: robot, effects: .all, seed: 3), script: script)
        #expect(again.runToEnd().finalPose == summary.finalPose)
    }

    @Test func scriptErrorsNameTheLine() throws {
        let robot = try RobotFiles.load("cf2x")
        for (text, part) in [("1 position 0 0", "line 1"), ("x position 0 0 1", "'x'"), ("1 drive 1 0", "drive"),
                             ("\n\n-1 position 0 0 1", "line 3"), ("# nothing", "no command")] {
            do {
                _ = try FlightScript.parse(text, source: "s.txt", robot: robot)
                Issue.record("accepted '\(text)'")
            } catch {
                #expect("\(error)".contains(part) && "\(error)".contains("s.txt"), "\(error)")
            }
        }
    }

    @Test func demoScriptsRunForEveryRobot() throws {
        for name in ["cf2x", "quad750", "jackal", "rccar"] {
            let robot = try RobotFiles.load(name)
            var session = FlightSession(vehicle: Vehicle(robot: robot, effects: .all), script: .demo(for: robot))
            let s = session.runToEnd()
            #expect(s.warnings.total == 0 && s.finalPose.position.x.isFinite)
            #expect(s.segments.count == FlightScript.demo(for: robot).segments.count)
            // the quadrotor demo ends with a 4 m full-speed return to (0, 0, 1)
            if robot.quadrotor != nil {
                #expect((s.finalPose.position - Vec3(0, 0, 1)).length < 0.15, "\(name): \(s.finalPose.position)")
                #expect(s.segments.allSatisfy { $0.maxAltitudeError < 0.35 })
            }
        }
    }
}
