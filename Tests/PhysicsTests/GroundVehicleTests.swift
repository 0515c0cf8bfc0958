import Foundation
import Geometry
import Testing
import TestSupport
@testable import Physics

@Suite struct GroundVehicleTests {
    @Test func differentialDriveRespectsLimitsAndSlip() throws {
        let robot = try RobotFiles.load("jackal")
        let m = GroundVehicleModel(robot: robot, rate: 500)
        let p = try #require(robot.ground)
        var s = m.initialState()
        // acceleration limit: after 0.5 s the speed is at most maxAccel * 0.5
        for _ in 0..<250 { GroundVehicleDynamics.step(m, &s, GroundCommand(speed: 10, turn: 0)) }
        #expect(isClose(s.speed, p.maxAcceleration * 0.5, abs: 1e-9))
        for _ in 0..<1000 { GroundVehicleDynamics.step(m, &s, GroundCommand(speed: 10, turn: 0)) }
        #expect(s.speed == p.maxSpeed)
        #expect(isClose(s.groundSpeed, p.maxSpeed * (1 - p.slip), abs: 1e-12))
        // steady turn: radius v / omega
        for _ in 0..<1000 { GroundVehicleDynamics.step(m, &s, GroundCommand(speed: 1, turn: 1)) }
        #expect(isClose(s.yawRate, 1, abs: 1e-12))
        var pts: [Vec3] = []
        for _ in 0..<3142 {
            GroundVehicleDynamics.step(m, &s, GroundCommand(speed: 1, turn: 1))
            pts.append(s.pose.position)
        }
        let center = (pts.min { $0.x < $1.x }! + pts.max { $0.x < $1.x }!) / 2
        let radius = (pts[0] - Vec3(center.x, center.y, 0)).length
        #expect(abs(radius - 1) < 0.02, "radius \(radius)")
    }

    @Test func ackermannSteeringRateAndYawRate() throws {
        let robot = try RobotFiles.load("rccar")
        let m = GroundVehicleModel(robot: robot, rate: 500)
        let p = try #require(robot.ground)
        var s = m.initialState()
        for _ in 0..<50 { GroundVehicleDynamics.step(m, &s, GroundCommand(speed: 2, turn: 1)) }
        #expect(isClose(s.steering, p.maxSteeringRate * 0.1, abs: 1e-9))
        for _ in 0..<1000 { GroundVehicleDynamics.step(m, &s, GroundCommand(speed: 2, turn: 1)) }
        #expect(s.steering == p.maxSteering)
        let v = 2 * (1 - p.slip)
        #expect(isClose(s.yawRate, (1 - p.slip) * v * tan(p.maxSteering) / p.wheelBase, abs: 1e-12))
        let steer = GroundVehicleDynamics.steering(forYawRate: 0.5, speed: 2, params: p)
        #expect(isClose(2 * tan(steer) / p.wheelBase, 0.5, abs: 1e-12))
    }

    @Test func haltCrashAndBadInput() throws {
        let m = GroundVehicleModel(robot: try RobotFiles.load("jackal"))
        var s = m.initialState(position: Vec3(1, 2, 0))
        for _ in 0..<500 { GroundVehicleDynamics.step(m, &s, GroundCommand(speed: 1, turn: 0)) }
        s.halt()
        let x = s.x
        for _ in 0..<100 { GroundVehicleDynamics.step(m, &s, GroundCommand(speed: 1, turn: 0)) }
        #expect(s.x == x && s.speed == 0)
        s.resume()
        GroundVehicleDynamics.step(m, &s, GroundCommand(speed: 1, turn: 0))
        #expect(s.x > x)
        s.flagCrash()
        s.resume()
        #expect(s.halted && s.crashed)
        GroundVehicleDynamics.step(m, &s, GroundCommand(speed: .nan, turn: 0))
        #expect(s.warnings.badCommand == 1 && s.x == 1 && s.y == 2 && !s.crashed)
    }

    @Test func deterministicAndRestorable() throws {
        let m = GroundVehicleModel(robot: try RobotFiles.load("rccar"))
        var a = m.initialState()
        for i in 0..<700 { GroundVehicleDynamics.step(m, &a, GroundCommand(speed: 3, turn: sin(Double(i) * 0.01))) }
        let saved = a
        for i in 0..<300 { GroundVehicleDynamics.step(m, &a, GroundCommand(speed: 3, turn: cos(Double(i) * 0.02))) }
        var b = saved
        for i in 0..<300 { GroundVehicleDynamics.step(m, &b, GroundCommand(speed: 3, turn: cos(Double(i) * 0.02))) }
        #expect(a == b)
    }
}
