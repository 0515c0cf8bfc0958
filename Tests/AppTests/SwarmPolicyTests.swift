import Foundation
import Autonomy
import Diagnostics
import Geometry
import Physics
@testable import Recording
import Runtime
import Testing
import TestSupport
import Viewer
import World
@testable import App

/// `fly --swarm N --policy SPEC`: every vehicle flying its own instance of a policy from a line
/// abreast, its determinism over worker counts, the lone-vehicle equivalence, recording and
/// verification, and the errors.
@Suite struct SwarmPolicyTests {
    /// The learned policy `make demo` flies (tests run from the package root).
    static let learned = DemoCommandPolicy.path

    /// A policy-mode swarm of `count` flown `ticks` control ticks (fewer if every vehicle ends).
    static func fly(_ policy: String, count: Int, ticks: Int, workers: Int = 2, seed: UInt64 = 0,
                    edit: (inout SwarmFlyConfig) -> Void = { _ in }) throws -> SwarmFlySimulation {
        var config = SwarmFlyConfig.policyMode(policy)
        config.count = count
        config.workers = workers
        config.seed = seed
        edit(&config)
        var sim = try SwarmFlySimulation(config: config, viewSize: nil)
        for _ in 0..<ticks where !sim.isDone { sim.tick() }
        try sim.finish()
        return sim
    }

    /// Every vehicle's physics state as bit patterns.
    static func bits(_ sim: SwarmFlySimulation) -> [[UInt64]] {
        sim.env.state.vehicles.map { $0.quadrotor.physicsVector.map(\.bitPattern) + [$0.quadrotor.time.bitPattern] }
    }

    @Test func theLearnedSwarmIsBitIdenticalForTheSameSeedAndAnyWorkerCount() throws {
        let one = try Self.fly(Self.learned, count: 3, ticks: 8, workers: 1)
        let two = try Self.fly(Self.learned, count: 3, ticks: 8, workers: 2)
        let again = try Self.fly(Self.learned, count: 3, ticks: 8, workers: 2)
        #expect(Self.bits(one) == Self.bits(two))
        #expect(Self.bits(two) == Self.bits(again))
        #expect(one.totalTicks == 8 && one.distance.bitPattern == two.distance.bitPattern)
        // the vehicles flew forward (the env's speed), side by side, each on its own decisions
        for v in two.env.state.vehicles {
            let moved = v.quadrotor.position - v.quadrotor.home.position
            #expect(hypot(moved.x, moved.y) > 0.3, "moved \(moved)")
        }
        let yaws = two.env.state.vehicles.map(\.quadrotor.pose.orientation.yaw)
        #expect(Set(yaws.map(\.bitPattern)).count == 3, "three vehicles, three different headings: \(yaws)")
        // another seed is another flight
        let other = try Self.fly(Self.learned, count: 3, ticks: 8, seed: 5)
        #expect(Self.bits(other) != Self.bits(two))
    }

    @Test(arguments: ["learned", "privileged"])
    func aSwarmOfOneFliesExactlyAsTheSingleVehicleFlight(policy: String) throws {
        // FlySimulation with the same world, env settings, policy and seed: the swarm's lone
        // vehicle spawns where Env does, gets the lone vehicle's policy seed, and its downwash
        // has no one to act on
        let spec = policy == "learned" ? Self.learned : policy
        var sim = try Self.fly(spec, count: 1, ticks: 0)
        var config = FlyConfig()
        config.worlds = [sim.config.world]
        config.policy = spec
        config.seed = sim.seed
        var lone = try FlySimulation(config: config, viewSize: nil)
        lone.prefetch = false
        for k in 0..<16 {
            sim.tick()
            try lone.tick(nil)
            #expect(sim.env.state.vehicles[0].quadrotor == lone.env.state.quadrotor, "tick \(k)")
            #expect(sim.env.state.vehicles[0].observation == lone.env.state.observation, "tick \(k)")
            if lone.isDone { break }
        }
        #expect(sim.distance.bitPattern == lone.totalDistance.bitPattern)
        // the followed vehicle's planner candidates are the single flight's
        #expect(sim.frame().candidates == lone.frame().candidates)
        #expect(!sim.frame().candidates.isEmpty)
    }

    @Test func vehiclePolicySeedsDifferAndVehicleZeroGetsTheLoneSeed() {
        for seed: UInt64 in [0, 1, 77] {
            let seeds = (0..<16).map { SwarmPolicyPilot.policySeed(episode: seed, vehicle: $0) }
            #expect(seeds[0] == RNG.mix(seed, 0x504F))
            #expect(Set(seeds).count == 16)
        }
    }

    @Test func aPolicyFlightRecordsThePolicyAndVerifiesAndATamperedPoseFails() throws {
        let dir = TempDir("app-swarm-policy")
        defer { dir.remove() }
        let path = dir.file("p.mcap")
        let sim = try Self.fly("privileged", count: 3, ticks: 6) { $0.record = path }
        #expect(sim.logPaths == [path])
        let log = try SwarmLog.load(path: path)
        let meta = try #require(log.metadata)
        #expect(meta.extra["policy"] == "privileged")
        #expect(meta.extra["command"] == "fly --swarm --policy")
        #expect(meta.seed == sim.seed)
        // yaw-rate commands (mode 0) with the yaw rates the vehicles flew
        #expect(log.vehicles.allSatisfy { $0.commands.count == 6 && $0.commands.allSatisfy { $0.values[0] == 0 } })
        let result = try SwarmReplay.verify(log, source: path)
        #expect(result.vehicles == 3 && result.poses == 21)
        var moved = log
        moved.vehicles[1].poses[4].pose.position.y = moved.vehicles[1].poses[4].pose.position.y.nextUp
        let e = #expect(throws: InputError.self) { try SwarmReplay.verify(moved, source: path) }
        #expect("\(e!)".contains("vehicle 1, step 4"), "\(e!)")
        // a different yaw rate changes that vehicle's next pose
        var steered = log
        steered.vehicles[2].commands[2].values[1] += 0.1
        let e2 = #expect(throws: InputError.self) { try SwarmReplay.verify(steered, source: path) }
        #expect("\(e2!)".contains("vehicle 2, step 3"), "\(e2!)")
    }

    @Test func aBadPolicyOrOneThatDoesNotFitTheEnvIsAOneLineError() throws {
        let unknown = #expect(throws: InputError.self) { _ = try Self.fly("nonsense", count: 2, ticks: 0) }
        #expect("\(unknown!)".hasPrefix("--policy: unknown policy \"nonsense\""), "\(unknown!)")
        let missing = #expect(throws: InputError.self) { _ = try Self.fly("nowhere.safetensors", count: 2, ticks: 0) }
        #expect("\(missing!)" == "nowhere.safetensors: policy file not found")
        // the bundled model sees 96x72 frames; a 64-pixel-wide camera does not fit it
        let misfit = #expect(throws: InputError.self) {
            _ = try Self.fly(Self.learned, count: 2, ticks: 0) { $0.env.imageWidth = 64 }
        }
        #expect("\(misfit!)".hasPrefix("--policy: gts-sim-default: the model expects 4 frames of 96x72"), "\(misfit!)")
        for e in [unknown, missing, misfit] { #expect(!"\(e!)".contains("\n")) }
        // a line abreast wider than the world has no clear start
        let crowded = #expect(throws: InputError.self) { _ = try Self.fly("straight", count: 40, ticks: 0) }
        #expect("\(crowded!)".contains("no clear start for 40 vehicles") && "\(crowded!)".hasSuffix("try fewer vehicles or a sparser world"),
                "\(crowded!)")
    }

    /// Three pillars, one straight ahead of each vehicle of a 3-vehicle line abreast (1.5 m apart)
    /// spawned at (1, 0) heading +x without jitter, written as a scene file.
    static func pillars(_ dir: TempDir) throws -> String {
        let scene = Scene(name: "pillars", groundMaterial: 0,
                          materials: [Material(name: "ground", albedo: SIMD3(0.4, 0.5, 0.3)), Material(name: "bark", albedo: SIMD3(0.4, 0.3, 0.2))],
                          obstacles: [-1.5, 0, 1.5].map { y in Obstacle(.cylinder(Cylinder(x: 4, y: y, radius: 0.3, zMin: 0, zMax: 4)), material: 1) },
                          spawns: [Spawn(position: Vec3(1, 0, 1), yaw: 0)], goals: [],
                          boundsMin: Vec3(0, -10, -1), boundsMax: Vec3(30, 10, 10))
        let path = dir.file("pillars.json")
        try SceneWriter.json(scene).write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func thePrivilegedPlannerAvoidsPillarsThatStraightFliesInto() throws {
        let dir = TempDir("app-swarm-pillars")
        defer { dir.remove() }
        let world = try Self.pillars(dir)
        let setup: (inout SwarmFlyConfig) -> Void = { c in
            c.world = world
            c.env.spawnYawJitter = 0
        }
        // straight on: every vehicle meets its pillar 2.6 m ahead (6.5 s at 0.4 m/s)
        let straight = try Self.fly("straight", count: 3, ticks: 40, edit: setup)
        #expect(straight.isDone && straight.worldCollisions == 3 && straight.contacts == 0)
        // the planner sees the pillars (it turns away from them): 10 s later nobody has hit the
        // world, and every vehicle still flying has flown further than its pillar was
        let planned = try Self.fly("privileged", count: 3, ticks: 40, edit: setup)
        #expect(planned.worldCollisions == 0)
        for v in planned.env.state.vehicles where !v.terminated {
            #expect(!v.done && v.distance > 3.5, "flew \(v.distance) m")
        }
    }

    @Test func theNextEpisodeStartsOnceEveryVehicleEndedWithFreshPoliciesOnTheNextSeed() throws {
        let dir = TempDir("app-swarm-restart")
        defer { dir.remove() }
        let world = try Self.pillars(dir)
        var config = SwarmFlyConfig.policyMode("random")
        config.count = 3
        config.world = world
        config.env.spawnYawJitter = 0
        config.env.maxEpisodeTime = 2   // 8 ticks, nobody reaches a pillar
        var sim = try SwarmFlySimulation(config: config, viewSize: nil)
        var first: [[UInt64]] = []
        for _ in 0..<40 {
            try sim.advance(by: 0.25, pilot: nil)
            if sim.episodes == 1 && sim.isDone { first = Self.bits(sim) }
            if sim.episodes == 2 { break }
        }
        // every vehicle ended at the time limit, the pause passed, the next seed started
        #expect(!first.isEmpty && sim.episodes == 2 && sim.seed == 1)
        #expect(sim.env.state.vehicles.allSatisfy { $0.controlSteps == 0 })
        // the random policies were reset from the new seed: its episode is the one a fresh
        // simulation started at seed 1 flies
        config.seed = 1
        var fresh = try SwarmFlySimulation(config: config, viewSize: nil)
        for _ in 0..<8 {
            sim.tick()
            fresh.tick()
        }
        #expect(Self.bits(sim) == Self.bits(fresh))
        #expect(Self.bits(sim) != first)
    }

    @Test func aHandFlownVehicleAmongPolicyVehiclesIsLoggedAsAVelocityCommandAndVerifies() throws {
        let dir = TempDir("app-swarm-policy-manual")
        defer { dir.remove() }
        let path = dir.file("m.mcap")
        var config = SwarmFlyConfig.policyMode("straight")
        config.count = 3
        config.record = path
        var sim = try SwarmFlySimulation(config: config, viewSize: nil)
        sim.handle(keys: [.v])
        for _ in 0..<6 { sim.tick(PilotInput(forward: 0.2, left: 0.3)) }
        try sim.finish()
        let log = try SwarmLog.load(path: path)
        #expect(log.vehicles[1].commands.allSatisfy { $0.values[0] == 1 })
        #expect(log.vehicles[0].commands.allSatisfy { $0.values[0] == 0 && $0.values[1] == 0 })
        #expect(try SwarmReplay.verify(log, source: path).poses == 21)
        // the hand-flown vehicle slid left of its heading; the straight ones kept theirs
        let v = sim.env.state.vehicles
        let yaw = v[1].quadrotor.home.orientation.yaw
        let moved = v[1].quadrotor.position - v[1].quadrotor.home.position
        #expect(-moved.x * sin(yaw) + moved.y * cos(yaw) > 0.1, "moved \(moved)")
    }

    @MainActor @Test func theWindowNamesThePolicyAndTheSummaryCountsWorldAndVehicleCollisionsApart() throws {
        let options = ViewerOptions.dummyWindow(width: 480, height: 270, frames: 4)
        var config = SwarmFlyConfig.policyMode("straight")
        config.count = 3
        let outcome = try FlyApp.flySwarm(config, options: options)
        #expect(outcome.summary.contains("3 vehicles flying straight"), "\(outcome.summary)")
        #expect(outcome.summary.contains("0 world collision(s) (obstacle, ground or tilt), 0 vehicle contact(s)"), "\(outcome.summary)")
        #expect(outcome.summary.contains("m flown per vehicle per episode (mean)"))
        // the seed the episode flew (the start search may move past the one asked for)
        let flown = try SwarmFlySimulation(config: config, viewSize: nil).seed
        #expect(outcome.seeds == [flown] && outcome.summary.contains(", seed \(flown)"), "\(outcome.summary)")
        #expect(FlyApp.SwarmOutcome.seedList([4, 5, 6]) == "seeds 4, 5, 6")
        #expect(FlyApp.SwarmOutcome.seedList(Array(1...10)) == "seeds 1, 2, 3, 4, 5, 6, 7, 8, ... (10 episodes)")
        let sim = try SwarmFlySimulation(config: config, viewSize: nil)
        let frame = sim.frame()
        #expect(frame.modeLabel == "swarm: straight")
        #expect(frame.hudExtra.first?.text == "VEHICLE 1/3 POLICY straight")
        // the inset is the followed vehicle's newest camera frame, the one its policy reads
        let obs = sim.env.state.vehicles[0].observation, n = 96 * 72
        #expect(frame.monocular?.pixels == Array(obs.frames[3 * n ..< 4 * n]))
    }
}

/// Where the bundled learned policy lives (`DemoCommand.bundledPolicy`, which the App tests
/// cannot import from the executable target).
enum DemoCommandPolicy {
    static let path = "Assets/policies/gts-sim-default.safetensors"
}
