import Diagnostics
import Foundation
import Geometry
import Runtime
import Testing
import World
import TestSupport
@testable import Autonomy

/// Steers every vehicle at the line y = 0 a short way ahead: two vehicles abreast of it meet there.
private struct ConvergePolicy: Policy {
    var name: String { "converge" }
    var isPrivileged: Bool { true }
    mutating func reset(seed: UInt64) {}
    mutating func act(_ observation: Observation, model: EnvModel) -> Double {
        let r = observation.robot
        let wanted = atan2(-r.position.y, 0.3)
        let m = model.settings.maxYawRate
        return min(m, max(-m, 4 * (wanted - r.yaw)))
    }
}

/// An exploration that acts with 1e-3 rad/s per schedule step: its actions show the step each
/// was drawn at.
private struct StepProbe: ScheduledExploration {
    var globalStep: Int
    var name: String { "step-probe" }
    var isPrivileged: Bool { false }
    mutating func reset(seed: UInt64) {}
    mutating func act(_ observation: Observation, model: EnvModel) -> Double {
        defer { globalStep += 1 }
        return Double(globalStep) * 1e-3
    }
}

/// Ticks a collection reports (lanes run on worker threads).
private final class TickLog: @unchecked Sendable {
    private let lock = NSLock()
    private var records: [TickRecord] = []
    func add(_ r: TickRecord) { lock.lock(); records.append(r); lock.unlock() }
    var all: [TickRecord] { lock.lock(); defer { lock.unlock() }; return records }
}

@Suite struct SwarmCollectionTests {
    static let openWorld = "field:4:objects=8"

    func settings(steps: Int, swarm: CollectionSwarm?, threads: Int, lanes: Int = 2,
                  exploration: ExplorationKind = .uniformSequences) -> CollectionSettings {
        var s = CollectionSettings(worlds: [Self.openWorld], env: Fixtures.settings(), steps: steps, seed: 5,
                                   exploration: exploration, lanes: lanes, swarm: swarm)
        s.threads = threads
        return s
    }

    func models(_ worlds: [String] = [openWorld], env: EnvSettings = Fixtures.settings()) throws -> [EnvModel] {
        let robot = try Fixtures.cf2x()
        return try worlds.map { try EnvModel(scene: try SceneLoader.resolve($0), robot: robot, settings: env) }
    }

    @Test func swarmLanesGiveTheSameBitsOnAnyThreadCount() throws {
        let swarm = CollectionSwarm(count: 3, spacing: 1.5, lanes: 1)
        let m = try models()
        let one = try Collector.run(settings(steps: 48, swarm: swarm, threads: 1), models: m)
        let two = try Collector.run(settings(steps: 48, swarm: swarm, threads: 2), models: m)
        #expect(one.sampleCount == 48)
        #expect(try one.encoded() == two.encoded())
        #expect(one.info["swarm"] == swarm.summary)
        // the swarm lane's 24 steps are split over vehicles: more episodes than its flights
        let laneEpisodes = Set(one.episodes[24...]).count
        #expect(laneEpisodes >= 3)
    }

    @Test func singleVehicleLanesAreUnchangedBySwarmLanes() throws {
        let m = try models()
        let plain = try Collector.run(settings(steps: 40, swarm: nil, threads: 2), models: m)
        let mixed = try Collector.run(settings(steps: 40, swarm: CollectionSwarm(count: 2, lanes: 1), threads: 2), models: m)
        #expect(plain.info["swarm"] == nil)
        // lane 0 (the first 20 samples, one frame per sample) is the same; lane 1 differs
        let n = plain.width * plain.height, h = plain.horizon
        #expect(Array(plain.frames[..<(20 * n)]) == Array(mixed.frames[..<(20 * n)]))
        #expect(Array(plain.labels[..<(20 * h)]) == Array(mixed.labels[..<(20 * h)]))
        #expect(Array(plain.actions[..<(20 * h)]) == Array(mixed.actions[..<(20 * h)]))
        #expect(Array(plain.episodes[..<20]) == Array(mixed.episodes[..<20]))
        #expect(Array(plain.frames[(20 * n)...]) != Array(mixed.frames[(20 * n)...]))
    }

    @Test func aVehicleContactIsAPositiveLabelAtItsStep() throws {
        // two vehicles steered at each other in an empty world: each episode ends touching the other
        var registry = PolicyRegistry.standard
        registry.register(PolicySpec(name: "converge", isPrivileged: true) { ConvergePolicy() })
        let env = Fixtures.settings { $0.spawnYawJitter = 0 }
        let robot = try Fixtures.cf2x()
        let model = try EnvModel(scene: Fixtures.wall(at: 25), robot: robot, settings: env)
        var s = CollectionSettings(worlds: ["wall"], env: env, steps: 80, seed: 2,
                                   exploration: .epsilonGreedy(base: "converge", epsilon: LinearSchedule(start: 0, end: 0, steps: 0)),
                                   lanes: 1, swarm: CollectionSwarm(count: 2, spacing: 0.6, lanes: 1))
        s.threads = 1
        let log = TickLog()
        let d = try Collector.run(s, models: [model], registry: registry, observer: { log.add($0) })
        let ticks = log.all
        for episode in 0..<2 {
            let mine = ticks.filter { $0.episode == episode }
            // the tick that ended it: terminated, but by no world event (obstacle, ground, tilt)
            let end = try #require(mine.firstIndex { $0.result.terminated })
            #expect(!mine[end].result.collided)
            #expect(end > 0)
            let samples = d.episodes.indices.filter { d.episodes[$0] == UInt32(episode) }
            #expect(samples.count == end + 1)
            let (labels, masks) = CollisionLabels.compute(length: end + 1, collisionStep: end, horizon: d.horizon)
            let first = samples[0] * d.horizon
            #expect(Array(d.labels[first..<(first + labels.count)]) == labels)
            #expect(Array(d.masks[first..<(first + masks.count)]) == masks)
            #expect(d.labels[first] == 0 && d.labels[(end) * d.horizon + first] == 1)
        }
        #expect(d.info["collisions"].flatMap(Int.init) ?? 0 >= 2)
        // in the empty world every collision was a vehicle contact, and the info says so
        #expect(d.info["vehicleContacts"] == d.info["collisions"])
        #expect(CollectJob.contactsNote(d) == " (\(d.info["collisions"]!) of them vehicle contacts)")
    }

    @Test func worldCollisionsAreNotCountedAsVehicleContacts() throws {
        // two vehicles 1.5 m apart flying straight into a wall 2 m ahead: world collisions only
        let env = Fixtures.settings { $0.spawnYawJitter = 0 }
        let model = try EnvModel(scene: Fixtures.wall(at: 2), robot: try Fixtures.cf2x(), settings: env)
        let straight = ExplorationKind.epsilonGreedy(base: "straight", epsilon: LinearSchedule(start: 0, end: 0, steps: 0))
        var s = CollectionSettings(worlds: ["wall"], env: env, steps: 80, seed: 2, exploration: straight, lanes: 1,
                                   swarm: CollectionSwarm(count: 2, spacing: 1.5, lanes: 1))
        s.threads = 1
        let d = try Collector.run(s, models: [model])
        #expect(d.info["collisions"].flatMap(Int.init) ?? 0 >= 2)
        #expect(d.info["vehicleContacts"] == "0")
        #expect(CollectJob.contactsNote(d) == " (0 of them vehicle contacts)")
        // without swarm lanes the info has no such key (single-vehicle datasets are unchanged)
        s.swarm = nil
        let alone = try Collector.run(s, models: [model])
        #expect(alone.info["vehicleContacts"] == nil && CollectJob.contactsNote(alone).isEmpty)
        #expect(alone.info["collisions"].flatMap(Int.init) ?? 0 >= 2)
    }

    @Test func aSwarmLaneDrawsItsScheduleAtTheLanesVehicleStepCountAsASingleVehicleLaneDoes() throws {
        // lane 1 of 2 starts at global step 24: in either kind of lane the action of the lane's
        // s-th vehicle step (in the order taken) is drawn at schedule step 24 + s
        let m = try models()
        let probe: @Sendable (Int) -> any Policy = { StepProbe(globalStep: $0) }
        for swarm in [nil, CollectionSwarm(count: 3, spacing: 1.5, lanes: 1)] {
            let s = settings(steps: 48, swarm: swarm, threads: 1)
            let laneSeed = RNG.mix(s.shard.seed(from: s.seed), 1)
            let log = TickLog()
            if swarm == nil {
                _ = Collector.runLane(s, models: m, lane: 1, laneSeed: laneSeed, budget: 24, exploration: probe,
                                      progress: nil, observer: { log.add($0) })
            } else {
                _ = try Collector.runSwarmLane(s, swarms: try Collector.swarmModels(s, models: m), lane: 1, laneSeed: laneSeed,
                                               budget: 24, exploration: probe, progress: nil, observer: { log.add($0) })
            }
            let ticks = log.all
            #expect(ticks.map { Float($0.action) } == (0..<24).map { Float(Double(24 + $0) * 1e-3) }, "swarm \(swarm != nil)")
            // the swarm lane's steps were shared by its vehicles (each vehicle is one episode)
            if swarm != nil { #expect(Set(ticks.map(\.episode)).count >= 3) }
        }
    }

    @Test func epsilonReachesItsEndAtTheSameLaneStepInASwarmLaneAsAlone() throws {
        // epsilon 1 -> 0 over the first 6 steps: the lane's first step is a uniform random yaw
        // rate, and from its 6th vehicle step on every action is the base policy's (straight: 0),
        // whichever vehicle takes it
        let m = try models()
        let schedule = ExplorationKind.epsilonGreedy(base: "straight", epsilon: LinearSchedule(start: 1, end: 0, steps: 6))
        for swarm in [nil, CollectionSwarm(count: 3, spacing: 1.5, lanes: 1)] {
            let log = TickLog()
            _ = try Collector.run(settings(steps: 24, swarm: swarm, threads: 1, lanes: 1, exploration: schedule), models: m,
                                  observer: { log.add($0) })
            let actions = log.all.map(\.action)
            #expect(actions.count == 24)
            #expect(actions[0] != 0)
            #expect(actions[6...].allSatisfy { $0 == 0 }, "swarm \(swarm != nil): \(actions)")
        }
    }

    @Test func badSwarmSettingsAreOneLineErrors() throws {
        let dir = TempDir("swarm-config")
        defer { dir.remove() }
        let path = dir.file("c.json")
        func refused(_ json: String, _ needle: String) {
            try? json.write(toFile: path, atomically: true, encoding: .utf8)
            #expect { _ = try CollisionPipelineConfig.load(path) } throws: { e in
                guard let e = e as? InputError else { return false }
                return e.description.contains(needle) && !e.description.contains("\n")
            }
        }
        refused(#"{"collectionSwarm": {"count": 1}}"#, "collectionSwarm.count")
        refused(#"{"collectionSwarm": {"count": 17}}"#, "collectionSwarm.count")
        refused(#"{"collectionSwarm": {"spacing": 0}}"#, "collectionSwarm.spacing")
        refused(#"{"collectionSwarm": {"spacing": -1}}"#, "collectionSwarm.spacing")
        refused(#"{"lanes": 4, "collectionSwarm": {"lanes": 5}}"#, "collectionSwarm.lanes")
        refused(#"{"collectionSwarm": {"clearAhead": -1}}"#, "collectionSwarm.clearAhead")
        refused(#"{"collectionSwarm": {"cout": 4}}"#, "cout")
        // accepted, and absent is nil (nothing new in the checkpoint's recorded config)
        try #"{"collectionSwarm": {"count": 3, "lanes": 2}}"#.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try CollisionPipelineConfig.load(path).collectionSwarm == CollectionSwarm(count: 3, spacing: 1.5, lanes: 2))
        try #"{"epochs": 3}"#.write(toFile: path, atomically: true, encoding: .utf8)
        let plain = try CollisionPipelineConfig.load(path)
        #expect(plain.collectionSwarm == nil)
        #expect(!String(decoding: try JSONEncoder().encode(plain), as: UTF8.self).contains("collectionSwarm"))
        // a spacing the robot cannot fly abreast is refused when the swarm is built
        let tight = settings(steps: 8, swarm: CollectionSwarm(count: 2, spacing: 0.05, lanes: 1), threads: 1)
        #expect { _ = try Collector.run(tight, models: try models()) } throws: { e in
            (e as? InputError).map { $0.description.contains("collectionSwarm") && $0.description.contains("spacing") } ?? false
        }
    }
}
