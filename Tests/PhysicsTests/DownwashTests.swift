import Diagnostics
import Foundation
import Geometry
import Testing
import TestSupport
@testable import Physics

@Suite struct DownwashTests {
    let robot: RobotDescription
    init() throws { robot = try RobotFiles.load("cf2x") }

    /// The physical state's bit patterns (so -0 and +0 differ).
    func bits(_ s: QuadrotorState) -> [UInt64] { s.physicsVector.map(\.bitPattern) + [s.crashed ? 1 : 0] }

    @Test func forceMatchesHandComputedValues() {
        let dw = QuadrotorModel(robot: robot).downwash
        #expect(dw.coefficients == SIMD3(2267.18, 0.16, -0.11))
        // alpha(1 m) = 2267.18 (0.0231348 / 4)^2 = 0.0758399 N; beta(1 m) = 0.05 m
        let alpha1 = 2267.18 * (0.0231348 / 4) * (0.0231348 / 4)
        #expect(isClose(dw.force(deltaZ: 1, distance: 0), 0.07583985917265419, rel: 1e-12))
        #expect(isClose(dw.force(deltaZ: 1, distance: 0), alpha1, rel: 1e-12))
        // one width off axis: exp(-1/2)
        #expect(isClose(dw.force(deltaZ: 1, distance: 0.05), 0.04599919981650316, rel: 1e-12))
        // 0.5 m below: alpha x4, beta = -0.03 m (width |beta|, as the reference squares it)
        #expect(isClose(dw.force(deltaZ: 0.5, distance: 0.03), 0.18399679926601265, rel: 1e-12))
        // 2 m below, 0.2 m off: alpha / 4, beta = 0.21 m
        #expect(isClose(dw.force(deltaZ: 2, distance: 0.2), 0.012046990776949889, rel: 1e-12))
        // below the clip (alpha = max thrust 2.25 m g = 0.59535 N at 0.357 m) the force is the clip's
        #expect(isClose(dw.minDeltaZ, 0.0231348 / 4 * (2267.18 / (2.25 * 0.027 * 9.8)).squareRoot(), rel: 1e-12))
        #expect(isClose(dw.force(deltaZ: dw.minDeltaZ, distance: 0), 2.25 * 0.027 * 9.8, rel: 1e-12))
        #expect(dw.force(deltaZ: 0.001, distance: 0.02) == dw.force(deltaZ: dw.minDeltaZ, distance: 0.02))
        #expect(dw.force(deltaZ: 0.36, distance: 0.02) < dw.force(deltaZ: 0.35, distance: 0.02))
        // the squared-distance entry (early exit) gives the same bits
        for dz in stride(from: 0.05, through: 30, by: 0.37) {
            for d in stride(from: 0.0, through: 12, by: 0.013) {
                let d2 = d * d
                #expect(dw.force(deltaZ: dz, distanceSquared: d2).bitPattern == dw.force(deltaZ: dz, distance: d2.squareRoot()).bitPattern)
            }
        }
        // beta = 0 exactly: the limit (alpha straight below, 0 beside), never NaN
        let flat = DownwashModel(coefficients: SIMD3(1, 1, -1), propRadius: 4)
        #expect(flat.force(deltaZ: 1, distance: 0) == 1)
        #expect(flat.force(deltaZ: 1, distance: 0.01) == 0)
    }

    @Test func zeroForVehiclesBelowLevelOrOutOfRange() {
        let dw = QuadrotorModel(robot: robot).downwash
        for d in [0.0, 0.01, 0.1] {
            #expect(dw.force(deltaZ: 0, distance: d) == 0)
            #expect(dw.force(deltaZ: -0.5, distance: d) == 0)
            #expect(dw.force(deltaZ: -3, distance: d) == 0)
        }
        #expect(dw.force(deltaZ: 60, distance: 10) == 0)
        #expect(dw.force(deltaZ: 60, distance: 9.99) > 0)
        // a swarm: the upper vehicle feels nothing, the lower one the model's force
        let m = QuadrotorModel(robot: robot, effects: .downwash)
        var swarm = QuadrotorSwarm(model: m, states: [m.initialState(position: Vec3(0, 0, 2)),
                                                      m.initialState(position: Vec3(0.05, 0, 1))])
        swarm.updateInteractions()
        #expect(swarm.downwashForce[0] == 0)
        #expect(swarm.downwashForce[1] == dw.force(deltaZ: 1, distance: 0.05))
        // effect off: no force
        var off = QuadrotorSwarm(model: m.with(effects: .none), states: swarm.states)
        off.updateInteractions()
        #expect(off.downwashForce == [0, 0])
    }

    @Test func symmetricInTheHorizontalOffsetsDirection() {
        let m = QuadrotorModel(robot: robot, effects: .downwash)
        let (a, b) = (0.0123, 0.0371)
        var forces: [Double] = []
        for (x, y) in [(a, b), (-a, b), (a, -b), (-a, -b), (b, a), (-b, a), (b, -a), (-b, -a)] {
            var swarm = QuadrotorSwarm(model: m, states: [m.initialState(position: Vec3(0, 0, 0.5)),
                                                          m.initialState(position: Vec3(x, y, 1.4))])
            swarm.updateInteractions()
            forces.append(swarm.downwashForce[0])
        }
        #expect(forces[0] > 0.01)
        #expect(Set(forces).count == 1)
    }

    @Test func gridSumsEqualAllPairs() {
        // 300 vehicles over 60 m (several grid cells, hash collisions) against an all-pairs sum
        let m = QuadrotorModel(robot: robot, effects: .downwash)
        var rng = RNG(seed: 5, stream: 1)
        let states = (0..<300).map { i -> QuadrotorState in
            let cluster = Vec3(Double(i % 5) * 12 - 24, Double(i % 3) * 9.5, 2)
            return m.initialState(position: cluster + Vec3(rng.uniform(-1, 1), rng.uniform(-1, 1), rng.uniform(-1.5, 1.5)))
        }
        var swarm = QuadrotorSwarm(model: m, states: states, contacts: false)
        swarm.updateInteractions(workers: 3)
        var nonZero = 0
        for i in states.indices {
            var f = 0.0
            for j in states.indices where j != i {
                let d = states[j].position - states[i].position
                f += m.downwash.force(deltaZ: d.z, distance: (d.x * d.x + d.y * d.y).squareRoot())
            }
            #expect(isClose(swarm.downwashForce[i], f, abs: 1e-300, rel: 1e-12))
            if f > 1e-6 { nonZero += 1 }
        }
        #expect(nonZero > 20)
    }

    @Test func stackedHoverDipsAndRecoversOnceTheUpperLeaves() {
        let m = QuadrotorModel(robot: robot, effects: .downwash)
        let ctrl = QuadrotorController(model: m)
        let low = Vec3(0, 0, 0.5)
        var swarm = QuadrotorSwarm(model: m, states: [m.initialState(position: low), m.initialState(position: Vec3(0, 0, 1.3))])
        func fly(_ seconds: Double, upper: Vec3) -> (minError: Double, lastError: Double) {
            var minError = 0.0, last = 0.0
            for _ in 0..<Int(seconds / m.dt) {
                let c = [ctrl.rotorSpeeds(for: .position(low, yaw: 0), state: &swarm.states[0]),
                         ctrl.rotorSpeeds(for: .position(upper, yaw: 0), state: &swarm.states[1])]
                swarm.step(commands: c)
                last = swarm.states[0].position.z - low.z
                minError = min(minError, last)
            }
            return (minError, last)
        }
        // stacked 0.8 m apart: the lower loses altitude, the integrator then holds it near
        let stacked = fly(2, upper: Vec3(0, 0, 1.3))
        #expect(swarm.downwashForce[0] > 0.05)
        #expect(stacked.minError < -0.005)
        // the upper leaves sideways: force gone, the lower returns to within 1 mm
        let after = fly(4, upper: Vec3(2, 0, 1.3))
        #expect(swarm.downwashForce[0] == 0)
        #expect(abs(after.lastError) < 1e-3)
        #expect(swarm.contactCount == 0)
    }

    @Test func scenarioShowsTheDipWhileTheUpperPassesOver() throws {
        let (csv, s) = try DownwashScenario.run(robot: robot, options: DownwashScenario.Options())
        let rows = csv.split(separator: "\n")
        #expect(rows[0] == Substring(DownwashScenario.header))
        #expect(rows.count == 3002)
        // the pass happens after the setpoint crosses at 3 s; the dip follows the force
        #expect(s.peakForce > 0.1 && s.peakForceTime > 3 && s.peakForceTime < 4)
        #expect(s.dip < -0.01 && s.dipTime > s.peakForceTime)
        #expect(s.recoveredTime > s.dipTime && s.recoveredTime < 6)
        #expect(s.contacts == 0)
        // every row's force is the model's at that row's geometry
        let dw = QuadrotorModel(robot: robot).downwash
        for row in rows.dropFirst() {
            let v = row.split(separator: ",").map { Double($0)! }
            let dx = v[1] - v[4], dy = v[2] - v[5]
            #expect(v[8] == dw.force(deltaZ: v[3] - v[6], distance: (dx * dx + dy * dy).squareRoot()))
            #expect(v[9] == (dx * dx + dy * dy).squareRoot())
        }
        // above the lateral reach of the wake the lower vehicle is untouched
        var far = DownwashScenario.Options()
        far.lateral = 0.5
        let (_, s2) = try DownwashScenario.run(robot: robot, options: far)
        #expect(s2.peakForce < 1e-9 && abs(s2.dip) < 1e-6)
        // a robot file without coefficients is refused (nothing to simulate)
        let plain = try URDFLoader.parse(RobotFiles.quadrotor(), source: "tiny.urdf")
        #expect(throws: InputError.self) { try DownwashScenario.run(robot: plain, options: DownwashScenario.Options()) }
    }

    @Test func bitIdenticalWhateverTheWorkerCount() {
        let m = QuadrotorModel(robot: robot, effects: .all)
        var rng = RNG(seed: 9, stream: 2)
        // 300 vehicles: the swarm uses at most one partition per 64, so up to 4 here
        let states = (0..<300).map { i -> QuadrotorState in
            let base = Vec3(Double(i % 4) * 11, 0, 1)
            return m.initialState(position: base + Vec3(rng.uniform(-1, 1), rng.uniform(-1, 1), rng.uniform(0, 3)),
                                  seed: UInt64(i))
        }
        let commands = (0..<300).map { i in SIMD4(repeating: m.hoverRPM * (1 + 0.002 * Double(i % 7))) }
        var reference: [[UInt64]] = []
        for workers in [1, 2, 3, 7] {
            var swarm = QuadrotorSwarm(model: m, states: states)
            swarm.step(commands: commands, steps: 150, workers: workers)
            let out = swarm.states.map(bits)
            if reference.isEmpty {
                reference = out
                #expect(swarm.downwashForce.filter { $0 > 1e-4 }.count > 5)
            } else {
                #expect(out == reference)
            }
        }
    }

    @Test func vehiclesOutOfReachStepLikeTheBatch() {
        // a lone vehicle, and vehicles 20 m apart, step bit-identically with downwash on or off
        // and like QuadrotorBatch
        let m = QuadrotorModel(robot: robot, effects: .all)
        let states = (0..<3).map { i in m.initialState(position: Vec3(20 * Double(i), 0, 1 + Double(i)), seed: UInt64(i)) }
        let commands = (0..<3).map { i in SIMD4(m.hoverRPM * 1.01, m.hoverRPM, m.hoverRPM * 0.99, m.hoverRPM + Double(i)) }
        var batch = states
        QuadrotorBatch.step(m.with(effects: Effects.all.subtracting(.downwash)), &batch, commands: commands, steps: 300)
        for n in [1, 3] {
            for effects in [Effects.all, Effects.all.subtracting(.downwash)] {
                var swarm = QuadrotorSwarm(model: m.with(effects: effects), states: Array(states.prefix(n)))
                swarm.step(commands: Array(commands.prefix(n)), steps: 300)
                #expect(swarm.states.map(bits) == batch.prefix(n).map(bits))
            }
        }
    }

    @Test func touchingCylindersFlagBothCrashed() {
        let m = QuadrotorModel(robot: robot, effects: .none)
        func run(_ a: Vec3, _ b: Vec3, contacts: Bool = true) -> QuadrotorSwarm {
            var swarm = QuadrotorSwarm(model: m, states: [m.initialState(position: a), m.initialState(position: b), m.initialState(position: Vec3(5, 5, 1))],
                                       contacts: contacts)
            swarm.step(commands: [SIMD4<Double>](repeating: SIMD4(repeating: m.hoverRPM), count: 3), steps: 2)
            return swarm
        }
        // cylinders of radius 0.06 m, length 0.025 m
        let side = run(Vec3(0, 0, 1), Vec3(0.11, 0, 1))
        #expect(side.states.map(\.crashed) == [true, true, false])
        #expect(side.touching == [true, true, false] && side.contactCount == 2)
        #expect(run(Vec3(0, 0, 1), Vec3(0, 0, 1.02)).states.map(\.crashed) == [true, true, false])
        #expect(run(Vec3(0, 0, 1), Vec3(0.13, 0, 1)).states.map(\.crashed) == [false, false, false])
        #expect(run(Vec3(0, 0, 1), Vec3(0, 0, 1.03)).states.map(\.crashed) == [false, false, false])
        #expect(run(Vec3(0, 0, 1), Vec3(0.11, 0, 1), contacts: false).states.map(\.crashed) == [false, false, false])
        // a vehicle added between steps starts with no force and then joins in
        var grown = QuadrotorSwarm(model: m.with(effects: .downwash), states: [m.initialState(position: Vec3(0, 0, 1))])
        grown.states.append(m.initialState(position: Vec3(0, 0, 2)))
        grown.advance(commands: [SIMD4<Double>](repeating: SIMD4(repeating: m.hoverRPM), count: 2))
        #expect(grown.downwashForce == [0, 0])
        grown.updateInteractions()
        #expect(grown.downwashForce[0] > 0.07 && grown.downwashForce[1] == 0)
    }
}
