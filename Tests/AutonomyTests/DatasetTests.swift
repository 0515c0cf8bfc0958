import Diagnostics
import Foundation
import Geometry
import Runtime
import Testing
import World
import TestSupport
@testable import Autonomy

@Suite struct DatasetTests {
    func collect(_ worlds: [String], steps: Int, seed: UInt64 = 3, shard: ShardSpec = .single, threads: Int = 2,
                 exploration: ExplorationKind = .uniformSequences) throws -> CollisionDataset {
        let robot = try Fixtures.cf2x()
        let models = try worlds.map { try EnvModel(scene: try SceneLoader.resolve($0), robot: robot, settings: Fixtures.settings()) }
        var s = CollectionSettings(worlds: worlds, env: Fixtures.settings(), steps: steps, seed: seed, shard: shard,
                                   exploration: exploration, lanes: 4)
        s.threads = threads
        return try Collector.run(s, models: models)
    }

    @Test func roundTripAndCorruption() throws {
        let ds = try collect(["forest:2", "hallway:1"], steps: 120)
        #expect(ds.sampleCount == 120 && ds.frameCount == 120)
        let dir = TempDir("swcd")
        defer { dir.remove() }
        let path = dir.file("a.swcd")
        try ds.write(to: path)
        let back = try CollisionDataset.read(path: path)
        #expect(back == ds)
        #expect(back.stack(17) == ds.stack(17))

        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        func expectError(_ data: Data, _ location: String) {
            do {
                _ = try CollisionDataset.decode(data, source: "x.swcd")
                Issue.record("decoded a corrupt file (\(location))")
            } catch let e as InputError {
                #expect(e.location == location, "\(e)")
            } catch { Issue.record("unexpected \(error)") }
        }
        var flipped = bytes
        flipped[bytes.count / 2] ^= 0x40
        expectError(flipped, "checksum")
        expectError(bytes.prefix(bytes.count - 100), "checksum")
        var magic = bytes
        magic[0] = UInt8(ascii: "X")
        expectError(magic, "header")
        // a re-hashed file with bytes the metadata does not account for
        var padded = Data(bytes.prefix(bytes.count - 8))
        padded.append(contentsOf: [0, 0, 0, 0])
        CollisionDataset.put(&padded, FNV1a.hash(padded))
        expectError(padded, "size")
        // a consistent file whose stacks point past the frames
        var dangling = ds
        dangling.frames.removeLast(ds.width * ds.height)
        let bad = ds.stacks.firstIndex(of: UInt32(ds.frameCount - 1))!
        expectError(try dangling.encoded(), "stacks[\(bad)]")
        expectError(Data([1, 2, 3]), "header")
    }

    @Test func collectedLabelsMatchEpisodes() throws {
        // straight flight into a wall: every episode ends in a collision at its last step
        let ds = try collect(["forest:2"], steps: 0) // empty shard is valid
        #expect(ds.sampleCount == 0)
        let robot = try Fixtures.cf2x()
        let model = try EnvModel(scene: Fixtures.wall(at: 2), robot: robot, settings: Fixtures.settings { $0.spawnYawJitter = 0 })
        let s = CollectionSettings(worlds: ["wall"], env: Fixtures.settings(), steps: 60, seed: 1,
                                   exploration: .epsilonGreedy(base: "straight", epsilon: LinearSchedule(start: 0, end: 0, steps: 0)),
                                   lanes: 1)
        let d = try Collector.run(s, models: [model])
        // the wall is 2 m - 0.06 m away at 0.4 m/s: the collision happens during step 20 (index 19)
        let length = d.episodes.firstIndex { $0 == 1 }!
        #expect(length == 20)
        #expect(d.info["collisions"].map { Int($0)! >= 2 } == true)
        for t in 0..<length {
            for h in 0..<12 {
                #expect(d.labels[t * 12 + h] == (t + h >= length - 1 ? 1 : 0))
                #expect(d.masks[t * 12 + h] == 1)
            }
            // stacks point at this episode's frames, oldest first, clamped at the start
            #expect(d.stacks[t * 4 + 3] == UInt32(t) && d.stacks[t * 4] == UInt32(max(0, t - 3)))
        }
        #expect(d.actions.allSatisfy { $0 == 0 })
        // the last episode is cut by the budget: its tail is masked
        let lastStart = d.episodes.firstIndex { $0 == d.episodes.last! }!
        let lastLength = d.sampleCount - lastStart
        if lastLength < 20 {
            #expect(d.masks[(d.sampleCount - 1) * 12 + 1] == 0 && d.labels[(d.sampleCount - 1) * 12] == 0)
        }
    }

    @Test func shardsAndThreadsDeterminism() throws {
        // shard seeds: distinct across indices and counts, stable across calls
        var seen = Set<UInt64>()
        for n in 1...8 { for i in 0..<n { seen.insert(ShardSpec(index: i, count: n).seed(from: 42)) } }
        #expect(seen.count == 36)
        #expect(ShardSpec(index: 2, count: 5).seed(from: 42) == ShardSpec(index: 2, count: 5).seed(from: 42))
        #expect(ShardSpec(index: 2, count: 5).seed(from: 42) != ShardSpec(index: 2, count: 5).seed(from: 43))
        #expect(try ShardSpec.parse("3/8") == ShardSpec(index: 3, count: 8))
        #expect(throws: InputError.self) { try ShardSpec.parse("8/8") }
        #expect(throws: InputError.self) { try ShardSpec.parse("1-4") }

        let one = try collect(["forest:4", "office:2"], steps: 90, threads: 1)
        let two = try collect(["forest:4", "office:2"], steps: 90, threads: 2)
        #expect(try one.encoded() == two.encoded())
        let other = try collect(["forest:4", "office:2"], steps: 90, shard: ShardSpec(index: 1, count: 2))
        #expect(other.frames != one.frames)
    }

    @Test func collectRefusesHeldOutWorldsAndExpandsRanges() throws {
        #expect(try WorldSet.specs("forest:3-5,hallway:1", count: 0) == ["forest:3", "forest:4", "forest:5", "hallway:1"])
        #expect(try WorldSet.specs("train", count: 3) == ["forest:0", "hallway:0", "office:0"])
        #expect(throws: InputError("--worlds", at: "forest:0-99999999", "seed range of 100000000 worlds (at most 100000)")) {
            _ = try WorldSet.specs("forest:0-99999999", count: 0)
        }
        #expect(throws: InputError("--worlds", at: "forest:5-2", "bad seed range (expected FAMILY:A-B with A <= B)")) {
            _ = try WorldSet.specs("forest:5-2", count: 0)
        }
        // a named set needs a count it can hand out (0 used to trap in the catalogue)
        for n in [0, -1, WorldSet.maxCount + 1] {
            #expect { _ = try WorldSet.specs("held-out", count: n) } throws: { ($0 as? InputError)?.source == "--world-count" }
        }
        var job = CollectJob()
        job.worlds = "boulders:1"
        job.robot = Fixtures.root + "/Robots/cf2x.urdf"
        job.steps = 10
        #expect(throws: InputError.self) { try job.run(progress: .silent) }
        job.worlds = "forest:1000001"
        #expect(throws: InputError.self) { try job.run(progress: .silent) }
    }
}
