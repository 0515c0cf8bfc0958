import Foundation
import Diagnostics
import Geometry
import Physics
import Runtime
import Testing
import TestSupport
import World

@Suite struct SwarmEnvTests {
    let cf2x: RobotDescription
    init() throws { cf2x = try Fixtures.robot("cf2x") }

    /// Holds altitude `z` at `speed` m/s forward, turning at `yawRate`.
    func hold(_ z: Double, speed: Double = 0, yawRate: Double = 0) -> EnvAction {
        .vehicle(.flight(.forward(speed: speed, yawRate: yawRate, altitude: z)))
    }

    /// The empty field with its one spawn moved to (x, y).
    func field(spawnAt x: Double, _ y: Double) -> Scene {
        let e = Fixtures.empty()
        return Scene(name: "field", groundMaterial: 0, materials: e.materials, obstacles: [],
                     spawns: [Spawn(position: Vec3(x, y, 1), yaw: 0)], goals: [], boundsMin: e.boundsMin, boundsMax: e.boundsMax)
    }

    @Test(arguments: ["sim", "real"])
    func loneVehicleStepsExactlyAsEnv(domain: String) throws {
        // the swarm's own per-vehicle model, so Env runs the same plant (its downwash is inert alone)
        let model = try SwarmModel(scene: Fixtures.wall(at: 3), robot: cf2x, settings: Fixtures.settings { $0.depth = true },
                                   domain: DomainProfile.named(domain)!, swarm: SwarmSettings(count: 1, cameras: true))
        var swarm = SwarmEnv(model: model, workers: 2)
        var env = Env(model: model.env)
        let o1 = try swarm.reset(seed: 9), o2 = env.reset(seed: 9)
        #expect(o1 == [o2])
        var collided = false
        for k in 0..<40 {
            // yaw-rate actions, then a vehicle command into the wall
            let action: EnvAction = k < 6 ? .yawRate(0.4 * sin(Double(k))) : hold(0.5, speed: 1)
            let a = swarm.step([action]).vehicles[0]!
            let b = env.step(action)
            #expect(a.result.observation == b.observation)
            #expect(a.result.reward.bitPattern == b.reward.bitPattern)
            #expect(a.contact == nil)
            #expect(a.events == b.events.map { .env($0) })
            #expect(swarm.state.vehicles[0].quadrotor == env.state.quadrotor)
            #expect(a.terminated == b.terminated && a.truncated == b.truncated)
            if b.done { collided = b.collided; break }
        }
        #expect(collided, "the run should end at the wall")
        #expect(swarm.state.done)
    }

    @Test func vehiclesOutOfRangeStepAsSeparateRuns() throws {
        // 12 m apart: beyond the 10 m downwash range; each matches an Env spawned where it starts
        let settings = Fixtures.settings { $0.altitude = 0.8 }
        let swarmSettings = SwarmSettings(count: 3, layout: .lineAbreast, spacing: 12)
        let model = try SwarmModel(scene: Fixtures.empty(), robot: cf2x, settings: settings, swarm: swarmSettings)
        var swarm = SwarmEnv(model: model, workers: 1)
        try swarm.reset(seed: 4)
        let actions = (0..<3).map { hold(0.8 + 0.3 * Double($0), speed: 0.5, yawRate: 0.2 * Double($0 - 1)) }
        var singles = try (0..<3).map { i -> Env in
            let p = swarm.state.vehicles[i].quadrotor.position
            var domain = DomainProfile.sim
            domain.effects.insert(.downwash)
            var env = Env(model: try EnvModel(scene: field(spawnAt: p.x, p.y), robot: cf2x, settings: settings, domain: domain))
            env.reset(seed: 4)
            return env
        }
        for _ in 0..<8 {
            let r = swarm.step(actions)
            for i in 0..<3 {
                let single = singles[i].step(actions[i])
                let q = swarm.state.vehicles[i].quadrotor, s = singles[i].state.quadrotor
                #expect(q.physicsVector.map(\.bitPattern) == s.physicsVector.map(\.bitPattern))
                #expect(q.time == s.time)
                #expect(r.vehicles[i]!.result.reward.bitPattern == single.reward.bitPattern)
            }
        }
        #expect((0..<3).allSatisfy { swarm.state.downwashForce($0) == 0 })
    }

    /// Flies a two-vehicle stack 1 m apart holding its altitudes for `steps` steps; returns the
    /// vehicles' lowest heights and their final states.
    func hoverStack(downwash: Bool, steps: Int) throws -> (low: [Double], states: [QuadrotorState], force: [Double]) {
        let model = try SwarmModel(scene: Fixtures.empty(), robot: cf2x, settings: Fixtures.settings { $0.altitude = 1 },
                                   swarm: SwarmSettings(count: 2, layout: .stack, spacing: 1, downwash: downwash))
        var env = SwarmEnv(model: model, workers: 1)
        try env.reset(seed: 2)
        var low = [Double](repeating: .infinity, count: 2)
        var force = [0.0, 0.0]
        for _ in 0..<steps {
            env.step([hold(1), hold(2)])
            for i in 0..<2 {
                low[i] = min(low[i], env.state.vehicles[i].quadrotor.position.z)
                force[i] = max(force[i], env.state.stepPeakDownwash[i])
            }
        }
        return (low, env.state.vehicles.map(\.quadrotor), force)
    }

    @Test func vehicleUnderAnotherDipsAndTheUpperDoesNot() throws {
        let with = try hoverStack(downwash: true, steps: 8), without = try hoverStack(downwash: false, steps: 8)
        // the lower vehicle sinks by centimetres under the wake (its weight is 0.26 N; the wake 0.076 N)
        #expect(with.low[0] < without.low[0] - 0.01, "lower vehicle: \(with.low[0]) vs \(without.low[0])")
        #expect(with.force[0] > 0.05 && with.force[1] == 0)
        // the upper vehicle feels nothing: bit for bit the run without downwash
        #expect(with.states[1].physicsVector.map(\.bitPattern) == without.states[1].physicsVector.map(\.bitPattern))
        #expect(with.states[0].physicsVector != without.states[0].physicsVector)
    }

    @Test func touchingVehiclesBothEndWithAContactWhileAThirdFliesOn() throws {
        // three abreast 0.3 m apart (y = -0.3, 0, 0.3): 0 and 1 close in sideways, 2 flies ahead
        let model = try SwarmModel(scene: Fixtures.empty(), robot: cf2x, settings: Fixtures.settings { $0.altitude = 1 },
                                   swarm: SwarmSettings(count: 3, layout: .lineAbreast, spacing: 0.3))
        var env = SwarmEnv(model: model, workers: 2)
        try env.reset(seed: 1)
        let actions: [EnvAction] = [.vehicle(.flight(.velocity(Vec3(0, 0.5, 0), yawRate: 0))),
                                    .vehicle(.flight(.velocity(Vec3(0, -0.5, 0), yawRate: 0))), hold(1, speed: 0.5)]
        var ended: [Int: SwarmVehicleStep] = [:]
        for _ in 0..<8 {
            let r = env.step(actions)
            for i in 0..<2 where r.vehicles[i]?.done == true { ended[i] = r.vehicles[i]! }
            #expect(r.vehicles[2] != nil)
            if ended.count == 2 { break }
        }
        #expect(ended.count == 2)
        for (i, other) in [(0, 1), (1, 0)] {
            let step = ended[i]!
            #expect(step.terminated && step.collided)
            guard case .vehicleContact(let k, _) = step.events.first else { Issue.record("no contact event for \(i)"); continue }
            #expect(k == other && step.contact?.other == other)
            #expect(step.result.events.isEmpty, "no obstacle, ground or tilt event besides the contact")
        }
        #expect(env.state.contactCount == 2)
        // frozen where they touched, less than two radii apart, while vehicle 2 keeps flying
        let frozen = env.state.vehicles[0...1].map(\.quadrotor.position)
        #expect(abs(frozen[0].y - frozen[1].y) < 0.12)
        let x2 = env.state.vehicles[2].quadrotor.position.x
        for _ in 0..<6 {
            let r = env.step(actions)
            #expect(r.vehicles[0] == nil && r.vehicles[1] == nil)
            #expect(r.vehicles[2]?.events.isEmpty == true)
        }
        #expect(env.state.vehicles[0...1].map(\.quadrotor.position) == frozen)
        #expect(env.state.vehicles[2].quadrotor.position.x > x2 + 0.4)
    }

    /// Runs `steps` steps of a swarm crossing over itself and returns its final state.
    func crossing(_ model: SwarmModel, workers: Int, steps: Int) throws -> SwarmState {
        var env = SwarmEnv(model: model, workers: workers)
        try env.reset(seed: 3)
        let n = model.count
        for k in 0..<steps where !env.state.done {
            // alternate vehicles climb and sink, all turning: wakes sweep over the ones below
            let actions = (0..<n).map { i in hold(0.8 + (i % 2 == k % 2 ? 0.6 : 0), speed: 0.6, yawRate: 0.3 * sin(Double(i + k))) }
            env.step(actions)
        }
        return env.state
    }

    @Test func workerCountsGiveIdenticalStates() throws {
        // 8 vehicles with cameras on the real domain (latencies, gusts, perturbed plant)
        let small = try SwarmModel(scene: Fixtures.wall(at: 5), robot: cf2x, settings: Fixtures.settings { $0.altitude = 0.8 },
                                   domain: .real, swarm: SwarmSettings(count: 8, layout: .column, spacing: 0.4, cameras: true))
        // and 150 vehicles, enough for the swarm's interaction passes to split
        let large = try SwarmModel(scene: Fixtures.empty(), robot: cf2x, settings: Fixtures.settings { $0.altitude = 0.8 },
                                   swarm: SwarmSettings(count: 150, layout: .lineAbreast, spacing: 0.3))
        for (model, steps) in [(small, 6), (large, 3)] {
            let reference = try crossing(model, workers: 1, steps: steps)
            #expect(reference.vehicles.contains { $0.quadrotor.position != $0.quadrotor.home.position })
            for workers in 2...4 {
                let other = try crossing(model, workers: workers, steps: steps)
                #expect(other.vehicles.map(\.quadrotor) == reference.vehicles.map(\.quadrotor))
                #expect(other.vehicles.map(\.observation) == reference.vehicles.map(\.observation))
                #expect(other.physics.downwashForce == reference.physics.downwashForce)
                #expect(other.stepPeakDownwash == reference.stepPeakDownwash)
            }
        }
    }

    @Test func layoutsPlaceNeighboursSpacingApart() {
        let anchor = Vec3(2, -1, 0.7), yaw = 0.6
        for layout in SwarmLayout.allCases {
            for n in [1, 2, 5, 12] {
                let p = (0..<n).map { layout.position($0, of: n, anchor: anchor, yaw: yaw, spacing: 0.8) }
                for i in 1..<max(1, n) { #expect(abs((p[i] - p[i - 1]).length - 0.8) < 1e-9, "\(layout) \(n) \(i)") }
                // every pair at least one spacing apart, all at the altitude but the stack
                for i in 0..<n { for j in 0..<i { #expect((p[i] - p[j]).length > 0.8 - 1e-9) } }
                if layout != .stack { #expect(p.allSatisfy { $0.z == anchor.z }) }
                if n == 1 { #expect(p[0] == anchor) }
            }
        }
        // the ring starts at the spawn and lies ahead of it
        let ring = (0..<6).map { SwarmLayout.ring.position($0, of: 6, anchor: anchor, yaw: yaw, spacing: 0.8) }
        #expect((ring[0] - anchor).length < 1e-12)
        let centre = SwarmLayout.ringCentre(anchor: anchor, yaw: yaw, radius: SwarmLayout.ringRadius(count: 6, spacing: 0.8))
        #expect(ring.allSatisfy { abs(($0 - centre).length - 0.8) < 1e-9 }, "a hexagon's radius is its side")
    }

    @Test func badSwarmsAndLayoutsAreRefused() throws {
        func refused(_ make: () throws -> Void, _ words: [String]) {
            do {
                try make()
                Issue.record("accepted: expected \(words)")
            } catch let e as InputError {
                for w in words { #expect(e.description.contains(w), "\(e)") }
            } catch { Issue.record("unexpected \(error)") }
        }
        let settings = Fixtures.settings()
        // neighbours touching at the start (cf2x: 0.12 m across, 0.025 m tall)
        refused({ _ = try SwarmModel(scene: Fixtures.empty(), robot: cf2x, settings: settings,
                                     swarm: SwarmSettings(count: 2, spacing: 0.1)) }, ["spacing", "0.1", "touch"])
        refused({ _ = try SwarmModel(scene: Fixtures.empty(), robot: cf2x, settings: settings,
                                     swarm: SwarmSettings(count: 2, layout: .stack, spacing: 0.02)) }, ["spacing", "stack"])
        refused({ _ = try SwarmModel(scene: Fixtures.empty(), robot: cf2x, settings: settings,
                                     swarm: SwarmSettings(count: 0)) }, ["count", "0"])
        refused({ _ = try SwarmModel(scene: Fixtures.empty(), robot: Fixtures.robot("jackal"), settings: settings) }, ["quadrotor"])
        // a column through the wall at x = 2 (vehicles at x = -4.5 ... 4.5)
        let column = try SwarmModel(scene: Fixtures.wall(at: 2), robot: cf2x, settings: settings,
                                    swarm: SwarmSettings(count: 10, layout: .column, spacing: 1))
        var env = SwarmEnv(model: column)
        refused({ try env.reset(seed: 1) }, ["swarm spawn", "vehicle 2", "obstacle 0", "column"])
        // the refused reset left the state as it was
        #expect(env.state.vehicles.map(\.quadrotor) == SwarmState(model: column).vehicles.map(\.quadrotor))
        // a stack out of the top of the world (bounds up to z = 20)
        let stack = try SwarmModel(scene: Fixtures.empty(), robot: cf2x, settings: settings,
                                   swarm: SwarmSettings(count: 30, layout: .stack, spacing: 1))
        var tall = SwarmEnv(model: stack)
        refused({ try tall.reset(seed: 1) }, ["vehicle 20", "outside"])
        // a line on the ground
        let low = try SwarmModel(scene: Fixtures.empty(), robot: cf2x, settings: Fixtures.settings { $0.altitude = 0.005 },
                                 swarm: SwarmSettings(count: 2))
        var grounded = SwarmEnv(model: low)
        refused({ try grounded.reset(seed: 1) }, ["vehicle 0", "the ground"])
    }

    @Test func clearStartSearchSkipsRefusedSeedsAndSaysWhy() throws {
        // a line abreast 0.6 m short of a wall across its heading
        let model = try SwarmModel(scene: Fixtures.wall(at: 0.6), robot: cf2x, settings: Fixtures.settings { $0.spawnYawJitter = 0 },
                                   swarm: SwarmSettings(count: 2, spacing: 0.5))
        var env = SwarmEnv(model: model, workers: 1)
        try env.reset(seed: 0)
        let starts = env.state.vehicles.map(\.observation.robot)
        #expect(SwarmEnv.obstructionAhead(model.env, starts: starts, distance: 0.3) == nil)
        let blocked = try #require(SwarmEnv.obstructionAhead(model.env, starts: starts, distance: 1))
        #expect(blocked.contains("vehicle 0") && blocked.contains("obstacle 0"))
        // the first seed the closure accepts, and the last refusal when it accepts none
        var why = ""
        #expect(env.resetToClearStart(from: 10, why: &why) { $0.seed < 12 ? "seed \($0.seed) refused" : nil } == 12)
        #expect(env.state.seed == 12 && why == "seed 11 refused")
        #expect(env.resetToClearStart(from: 20, tries: 3, why: &why) { _ in "never" } == nil)
        #expect(why == "never")
        // seeds whose reset fails are skipped with the reset's error
        let column = try SwarmModel(scene: Fixtures.wall(at: 2), robot: cf2x, settings: Fixtures.settings(),
                                    swarm: SwarmSettings(count: 10, layout: .column, spacing: 1))
        var through = SwarmEnv(model: column, workers: 1)
        #expect(through.resetToClearStart(from: 1, tries: 2, why: &why) { _ in nil } == nil)
        #expect(why.contains("swarm spawn") && why.contains("column"))
    }
}
