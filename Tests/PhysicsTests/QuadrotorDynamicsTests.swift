import Foundation
import Geometry
import Testing
import TestSupport
@testable import Physics

@Suite struct QuadrotorDynamicsTests {
    let robot: RobotDescription
    init() throws { robot = try RobotFiles.load("cf2x") }

    func run(_ m: QuadrotorModel, _ s: inout QuadrotorState, _ rpm: SIMD4<Double>, seconds: Double) {
        for _ in 0..<Int((seconds / m.dt).rounded()) { QuadrotorDynamics.step(m, &s, rpm) }
    }

    @Test func hoverAtAnalyticRPMDriftsLessThanOneMillimetre() {
        for rate in [500.0, 1000.0] {
            let m = QuadrotorModel(robot: robot, rate: rate, effects: .none)
            #expect(abs(m.hoverRPM - (0.027 * 9.8 / (4 * 3.16e-10)).squareRoot()) < 1e-9)
            var s = m.initialState()
            run(m, &s, SIMD4(repeating: m.hoverRPM), seconds: 1)
            #expect((s.position - Vec3(0, 0, 1)).length < 1e-3)
            #expect(s.attitude.angle(to: .identity) < 1e-9)
        }
    }

    @Test func freeFallMatchesHalfGTSquared() {
        for rate in [250.0, 500.0, 1000.0] {
            let m = QuadrotorModel(robot: robot, rate: rate, effects: .none)
            var s = m.initialState(position: Vec3(0, 0, 100))
            run(m, &s, .zero, seconds: 2)
            let t = s.time
            #expect(isClose(s.position.z, 100 - 0.5 * 9.8 * t * t, abs: 1e-9))
            #expect(isClose(s.velocity.z, -9.8 * t, abs: 1e-9))
            #expect(s.position.x == 0 && s.position.y == 0)
        }
    }

    @Test func pureYawTorqueGivesAnalyticYawAcceleration() {
        let m = QuadrotorModel(robot: robot, rate: 1000, effects: .none)
        let h2 = m.hoverRPM * m.hoverRPM
        let d = 0.05 * h2
        // rotors 1 and 3 faster, 0 and 2 slower: same thrust, yaw torque km * 4d
        let rpm = SIMD4((h2 - d).squareRoot(), (h2 + d).squareRoot(), (h2 - d).squareRoot(), (h2 + d).squareRoot())
        var s = m.initialState()
        let t = 0.2
        run(m, &s, rpm, seconds: t)
        let alpha = 7.94e-12 * 4 * d / 2.17e-5
        #expect(isClose(s.bodyRate.z, alpha * s.time, rel: 1e-9))
        #expect(isClose(s.attitude.yaw, 0.5 * alpha * s.time * s.time, rel: 1e-6))
        #expect(abs(s.bodyRate.x) < 1e-12 && abs(s.bodyRate.y) < 1e-12)
        #expect(abs(s.position.z - 1) < 1e-9)
    }

    @Test func symmetricInputsGiveNoRollOrPitch() {
        for effects in [Effects.none, [.drag, .groundEffect, .motorLag]] {
            let m = QuadrotorModel(robot: robot, effects: effects)
            for scale in [0.0, 0.5, 0.99, 1.2, 1.5] {
                var s = m.initialState(position: Vec3(0, 0, 0.05))
                run(m, &s, SIMD4(repeating: scale * m.hoverRPM), seconds: 0.5)
                let e = s.attitude.eulerAngles
                #expect(abs(e.roll) < 1e-12 && abs(e.pitch) < 1e-12 && abs(e.yaw) < 1e-12)
                #expect(abs(s.position.x) < 1e-12 && abs(s.position.y) < 1e-12)
            }
        }
    }

    @Test func energyIsConservedWithoutDrag() {
        // rotors off: gravity is the only force; tumbling about all axes exercises the gyroscopic term
        let m = QuadrotorModel(robot: robot, rate: 500, effects: .none)
        var s = m.initialState(position: Vec3(0, 0, 50))
        s.velocity = Vec3(1, -2, 3)
        s.bodyRate = Vec3(3, -5, 7)
        let e0 = QuadrotorDynamics.energy(m, s)
        run(m, &s, .zero, seconds: 2)
        let e1 = QuadrotorDynamics.energy(m, s)
        #expect(abs(e1 - e0) / e0 < 1e-9)
        // and drag removes energy
        let md = QuadrotorModel(robot: robot, rate: 500, effects: .drag)
        var sd = md.initialState(position: Vec3(0, 0, 50))
        sd.velocity = Vec3(3, 0, 0)
        let h = SIMD4(repeating: md.hoverRPM)
        let ed0 = 0.5 * md.mass * sd.velocity.lengthSquared
        run(md, &sd, h, seconds: 0.5)
        #expect(0.5 * md.mass * sd.velocity.lengthSquared < ed0 * 0.9)
    }

    /// Error of a tumbling, accelerating flight against a fine-step reference.
    func trajectoryError(rate: Double) -> Double {
        let rpm = SIMD4<Double>(16_000, 13_000, 15_500, 12_500)
        func simulate(_ r: Double) -> QuadrotorState {
            let m = QuadrotorModel(robot: robot, rate: r, effects: .none)
            var s = m.initialState()
            s.bodyRate = Vec3(2, -1, 0.5)
            run(m, &s, rpm, seconds: 0.4)
            return s
        }
        let ref = simulate(12_800)
        let s = simulate(rate)
        let dq = SIMD4(s.attitude.x - ref.attitude.x, s.attitude.y - ref.attitude.y, s.attitude.z - ref.attitude.z,
                       s.attitude.w - ref.attitude.w)
        return ((s.position - ref.position).lengthSquared + (s.velocity - ref.velocity).lengthSquared
                + (dq * dq).sum() + (s.bodyRate - ref.bodyRate).lengthSquared).squareRoot()
    }

    @Test func halvingDtShrinksErrorAtFourthOrder() {
        let e1 = trajectoryError(rate: 100), e2 = trajectoryError(rate: 200), e3 = trajectoryError(rate: 400)
        let order1 = log2(e1 / e2), order2 = log2(e2 / e3)
        #expect(order1 > 3.5 && order1 < 4.6, "observed order \(order1)")
        #expect(order2 > 3.5 && order2 < 4.6, "observed order \(order2)")
    }

    @Test func quaternionStaysNormalised() {
        let m = QuadrotorModel(robot: robot, rate: 200, effects: .none)
        var s = m.initialState(position: Vec3(0, 0, 1000))
        s.bodyRate = Vec3(20, -30, 40)
        for _ in 0..<2000 {
            QuadrotorDynamics.step(m, &s, .zero)
            #expect(abs(s.attitude.normSquared - 1) < 1e-14)
        }
    }

    @Test func motorLagFollowsFirstOrderResponse() {
        let m = QuadrotorModel(robot: robot, rate: 500, effects: .motorLag, motorTimeConstant: 0.05)
        var s = m.initialState()
        let target = SIMD4(repeating: m.hoverRPM * 1.2)
        let h = m.hoverRPM
        run(m, &s, target, seconds: 0.05)
        // after one time constant the speed covered 1 - 1/e of the step
        let expected = h + (target.x - h) * (1 - exp(-s.time / 0.05))
        #expect(isClose(s.rotorRPM.x, expected, rel: 1e-12))
        let ideal = QuadrotorModel(robot: robot, effects: .none)
        var si = ideal.initialState()
        QuadrotorDynamics.step(ideal, &si, target)
        #expect(si.rotorRPM == target)
    }

    @Test func groundEffectAddsLiftNearTheGround() {
        let ge = QuadrotorModel(robot: robot, effects: .groundEffect)
        var low = ge.initialState(position: Vec3(0, 0, 0.05))
        var high = ge.initialState(position: Vec3(0, 0, 2))
        QuadrotorDynamics.step(ge, &low, SIMD4(repeating: ge.hoverRPM))
        QuadrotorDynamics.step(ge, &high, SIMD4(repeating: ge.hoverRPM))
        #expect(low.velocity.z > 1e-4)
        #expect(abs(high.velocity.z) < 1e-4)
        // gym-pybullet-drones' formula at h = 0.05 m
        let r = 2.31348e-2, h = 0.05
        let factor = 11.36859 * (r / (4 * h)) * (r / (4 * h))
        #expect(isClose(low.velocity.z, 9.8 * factor * ge.dt, rel: 1e-6))
        // below the clip height the effect stops growing
        var a = ge.initialState(position: Vec3(0, 0, 0.005)), b = ge.initialState(position: Vec3(0, 0, 0.01))
        QuadrotorDynamics.step(ge, &a, SIMD4(repeating: ge.hoverRPM))
        QuadrotorDynamics.step(ge, &b, SIMD4(repeating: ge.hoverRPM))
        #expect(a.velocity.z == b.velocity.z && a.velocity.z.isFinite)
    }

    @Test func windAndGustsPushTheVehicleAndDependOnSeed() {
        let m = QuadrotorModel(robot: robot, effects: [.drag, .wind, .gusts],
                               wind: WindParameters(mean: Vec3(2, 0, 0), gustSigma: 1, gustTimeConstant: 0.5))
        var a = m.initialState(seed: 1), b = m.initialState(seed: 2)
        run(m, &a, SIMD4(repeating: m.hoverRPM), seconds: 2)
        run(m, &b, SIMD4(repeating: m.hoverRPM), seconds: 2)
        #expect(a.velocity.x > 0.01)
        #expect(a.position != b.position)
        // gust statistics: stationary standard deviation near sigma
        var s = m.initialState(seed: 3)
        var sum = 0.0, n = 0.0
        for i in 0..<200_000 {
            QuadrotorDynamics.step(m, &s, SIMD4(repeating: m.hoverRPM))
            if i > 2000 { sum += s.gust.x * s.gust.x; n += 1 }
            if i % 1000 == 0 { s.position = Vec3(0, 0, 1); s.velocity = .zero }
        }
        #expect(abs((sum / n).squareRoot() - 1) < 0.15)
    }

    @Test func sameSeedIsBitIdenticalAndSaveRestoreContinuesExactly() {
        let m = QuadrotorModel(robot: robot, effects: .all)
        let c = QuadrotorController(model: m)
        func fly(_ s: inout QuadrotorState, steps: Int) {
            for i in 0..<steps {
                let cmd = FlightCommand.forward(speed: 1, yawRate: i % 700 < 350 ? 1 : -1, altitude: 1.2)
                QuadrotorDynamics.step(m, &s, c.rotorSpeeds(for: cmd, state: &s))
            }
        }
        var a = m.initialState(seed: 9), b = m.initialState(seed: 9)
        fly(&a, steps: 1000)
        fly(&b, steps: 1000)
        #expect(a == b)
        let saved = a
        fly(&a, steps: 777)
        var restored = saved
        fly(&restored, steps: 777)
        #expect(restored == a)
        #expect(restored.position.x.bitPattern == a.position.x.bitPattern)
        var other = m.initialState(seed: 10)
        fly(&other, steps: 1777)
        #expect(other.position != a.position)
    }

    @Test func nanInputCountsAWarningAndResets() {
        let m = QuadrotorModel(robot: robot, effects: .all)
        var s = m.initialState(position: Vec3(1, 2, 3))
        run(m, &s, SIMD4(repeating: m.hoverRPM * 1.3), seconds: 0.3)
        #expect(s.position != Vec3(1, 2, 3))
        for bad in [Double.nan, .infinity, -.infinity] {
            QuadrotorDynamics.step(m, &s, SIMD4(m.hoverRPM, bad, m.hoverRPM, m.hoverRPM))
            #expect(s.position == Vec3(1, 2, 3) && s.velocity == .zero)
        }
        #expect(s.warnings.badCommand == 3)
        run(m, &s, SIMD4(repeating: m.hoverRPM), seconds: 0.1)
        #expect(s.position.x.isFinite && s.warnings.total == 3)
    }

    @Test func divergenceCountsAWarningAndResets() {
        let m = QuadrotorModel(robot: robot, effects: .none)
        var s = m.initialState()
        s.bodyRate = Vec3(.nan, 0, 0)
        QuadrotorDynamics.step(m, &s, SIMD4(repeating: m.hoverRPM))
        #expect(s.warnings.divergence == 1 && s.bodyRate == .zero && s.position == Vec3(0, 0, 1))
        s.velocity = Vec3(1e6, 0, 0)
        QuadrotorDynamics.step(m, &s, SIMD4(repeating: m.hoverRPM))
        #expect(s.warnings.divergence == 2 && s.velocity == .zero)
    }

    @Test func crashedVehicleStaysPut() {
        let m = QuadrotorModel(robot: robot, effects: .all)
        var s = m.initialState()
        run(m, &s, SIMD4(repeating: m.hoverRPM * 1.2), seconds: 0.2)
        s.flagCrash()
        let p = s.position
        run(m, &s, SIMD4(repeating: m.hoverRPM * 1.2), seconds: 0.2)
        #expect(s.position == p && s.crashed)
        s.reset()
        #expect(!s.crashed && s.position == Vec3(0, 0, 1))
    }

    @Test func scaleFactorsChangeTheTrueVehicle() {
        let heavy = QuadrotorModel(robot: robot, effects: .none, scales: DynamicsScales(mass: 1.1))
        var s = heavy.initialState()
        run(heavy, &s, SIMD4(repeating: heavy.hoverRPM), seconds: 0.5)
        // nominal hover speed no longer carries 10% more mass: it sinks at g * (1 - 1/1.1)
        #expect(isClose(s.velocity.z, -9.8 * (1 - 1 / 1.1) * s.time, rel: 1e-9))
    }

    @Test func effectListsParse() throws {
        #expect(try Effects.parse("none").get() == .none)
        #expect(try Effects.parse("all").get() == .all)
        #expect(try Effects.parse("drag,ground-effect").get() == [.drag, .groundEffect])
        #expect(try Effects.parse("motor_lag, gusts").get() == [.motorLag, .gusts])
        guard case .failure(let e) = Effects.parse("drag,magic") else { Issue.record("accepted 'magic'"); return }
        #expect(e.description.contains("magic"))
    }
}

@Suite struct QuadrotorBatchTests {
    @Test func batchIsBitIdenticalForAnyWorkerCount() throws {
        let robot = try RobotFiles.load("cf2x")
        let m = QuadrotorModel(robot: robot, effects: .all)
        let start = (0..<37).map { m.initialState(position: Vec3(Double($0), 0, 1), seed: UInt64($0)) }
        let commands = (0..<37).map { SIMD4(repeating: m.hoverRPM * (1 + 0.001 * Double($0 % 5))) }
        var results: [[QuadrotorState]] = []
        for workers in [1, 2, 3, 8] {
            var s = start
            QuadrotorBatch.step(m, &s, commands: commands, steps: 50, workers: workers)
            results.append(s)
        }
        #expect(results.allSatisfy { $0 == results[0] })
        // and equal to stepping each vehicle alone
        var alone = start[7]
        for _ in 0..<50 { QuadrotorDynamics.step(m, &alone, commands[7]) }
        #expect(alone == results[0][7])
    }
}

@Suite struct QuadrotorStateVectorTests {
    @Test func physicsVectorRoundTripsAndDrivesTheSameFuture() throws {
        let m = QuadrotorModel(robot: try RobotFiles.load("cf2x"), effects: [.drag, .motorLag])
        var a = m.initialState()
        for _ in 0..<100 { QuadrotorDynamics.step(m, &a, SIMD4(15_000, 14_000, 15_100, 13_900)) }
        let v = a.physicsVector
        #expect(v.count == QuadrotorState.physicsVectorCount && v[2] == a.position.z && v[9] == a.attitude.w)
        var b = m.initialState(position: Vec3(5, 5, 5))
        b.physicsVector = v
        b.time = a.time
        for _ in 0..<100 {
            QuadrotorDynamics.step(m, &a, SIMD4(15_000, 14_000, 15_100, 13_900))
            QuadrotorDynamics.step(m, &b, SIMD4(15_000, 14_000, 15_100, 13_900))
        }
        #expect(a.physicsVector == b.physicsVector)
    }

    @Test func vehicleTakesOpenLoopRotorCommands() throws {
        let robot = try RobotFiles.load("cf2x")
        var v = Vehicle(robot: robot, effects: .none)
        let hover = QuadrotorModel(robot: robot).hoverRPM
        for _ in 0..<500 { v.step(.rotors(SIMD4(repeating: hover))) }
        #expect(abs(v.pose.position.z - 1) < 1e-6)
        for _ in 0..<500 { v.step(.rotors(.zero)) }
        #expect(v.pose.position.z < 1 - 0.5 * 9.8 * 0.9)
    }
}
