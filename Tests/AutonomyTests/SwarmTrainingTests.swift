import Diagnostics
import Foundation
import Models
import Runtime
import Testing
import TestSupport
@testable import Autonomy

/// `train collision` with swarm lanes in every round: each round's vehicle contacts reach the
/// per-round log, the merged data set's info, the checkpoint's metadata and the report.
@Suite struct SwarmTrainingTests {
    /// Lines a pipeline writes (its progress sink).
    final class Lines: @unchecked Sendable {
        private let lock = NSLock()
        private var text = ""
        func add(_ s: String) { lock.lock(); text += s; lock.unlock() }
        var all: [String] { lock.lock(); defer { lock.unlock() }; return text.split(separator: "\n").map(String.init) }
    }

    /// The tiny pipeline of the shard tests (24 x 18 camera, horizon 4, 5 Hz, two lanes, no
    /// evaluation) with two epsilon-greedy rounds and no training after them (`roundEpochs`
    /// 0), so every round explores around the saved model; one of two lanes flies 3 vehicles
    /// 0.15 m apart (3 cm between their 12 cm discs), close enough that they touch.
    static func config() -> CollisionPipelineConfig {
        var c = CollisionShardsTests.config()
        c.initialSteps = 160
        c.rounds = 2
        c.roundSteps = 90
        c.roundEpochs = 0
        c.collectionPolicy = LearnedPolicySettings.budget(initial: 16)
        c.collectionSwarm = CollectionSwarm(count: 3, spacing: 0.15, lanes: 1, clearAhead: 0.5)
        return c
    }

    @Test func everyRoundsVehicleContactsAreLoggedRecordedAndSummed() throws {
        let dir = TempDir("swarm-train")
        defer { dir.remove() }
        let c = Self.config()
        let lines = Lines()
        let r = try CollisionPipeline.run(c, out: dir.path, name: "s", progress: Diagnostics.Progress.Sink(isTerminal: false) { lines.add($0) })

        // each round's data set collected again on its own: round 0 uniform, rounds 1 and 2 around
        // the saved model (no training after round 0, so it is the model those rounds explored with)
        let profile = try #require(DomainProfile.named(c.domain))
        let (specs, env, models) = try CollisionPipeline.collectionWorlds(c, profile: profile)
        let (predictor, _, record) = try LearnedPolicy.load(dir.file("s.safetensors"))
        var rounds: [CollisionDataset] = []
        for round in 0...c.rounds {
            rounds.append(try CollisionPipeline.collect(c, models: models, specs: specs, env: env, profile: profile, round: round,
                                                        predictor: round == 0 ? nil : predictor, sink: .silent))
        }
        #expect(rounds.map(\.sampleCount) == [160, 90, 90] && r.samples == 340)
        let counts = try rounds.map { try #require($0.info["vehicleContacts"].flatMap { Int($0) }) }
        // the swarm lanes touched in round 0 and in a later round (else this checks nothing)
        #expect(counts[0] > 0 && counts[1...].contains { $0 > 0 }, "contacts per round: \(counts)")

        // the per-round log line, the result, the metadata and the report carry each round's count
        for (round, d) in rounds.enumerated() {
            let line = try #require(lines.all.first { $0.hasPrefix("round \(round): ") })
            #expect(line.contains("\(Collector.collisionCount(d)) collisions (\(counts[round]) of them vehicle contacts)"), "\(line)")
        }
        #expect(r.vehicleContactsByRound == counts)
        #expect(record.notes["vehicle_contacts_by_round"] == counts.map(String.init).joined(separator: ","))
        let report = try String(contentsOfFile: dir.file("s-report.md"), encoding: .utf8)
        let total = counts.reduce(0, +)
        #expect(report.contains("- vehicle contacts per round: \(counts.map(String.init).joined(separator: ", ")) (total \(total))"))

        // the merged data set (the one hashed) counts the total, not round 0's alone
        var merged = rounds[0]
        merged.append(rounds[1])
        merged.append(rounds[2])
        #expect(merged.info["vehicleContacts"] == String(counts[0]))
        CollisionPipeline.recordContacts(counts, in: &merged)
        #expect(merged.info["vehicleContacts"] == String(total) && total > counts[0])
        #expect(r.datasetHash == String(format: "%016llx", FNV1a.hash(try merged.encoded())))
        #expect(report.contains("\(Collector.collisionCount(merged)) collisions (\(total) of them vehicle contacts)"))
    }

    @Test func singleVehicleTrainingRecordsNoContacts() throws {
        let dir = TempDir("solo-train")
        defer { dir.remove() }
        var c = Self.config()
        c.collectionSwarm = nil
        c.rounds = 1
        c.lanes = 4
        let lines = Lines()
        let r = try CollisionPipeline.run(c, out: dir.path, name: "s", progress: Diagnostics.Progress.Sink(isTerminal: false) { lines.add($0) })
        #expect(r.vehicleContactsByRound == nil)
        let (_, _, record) = try LearnedPolicy.load(dir.file("s.safetensors"))
        #expect(record.notes["vehicle_contacts_by_round"] == nil)
        #expect(!lines.all.contains { $0.contains("vehicle contacts") })
        let report = try String(contentsOfFile: dir.file("s-report.md"), encoding: .utf8)
        #expect(!report.contains("vehicle contacts"))
    }

    @Test func swarmShardsAddUpTheirContacts() throws {
        let dir = TempDir("swarm-shards")
        defer { dir.remove() }
        var c = CollisionShardsTests.config()
        c.collectionSwarm = CollectionSwarm(count: 3, spacing: 0.15, lanes: 1, clearAhead: 0.5)
        try CollisionShardsTests.collect(c, into: dir.file("data"), shard: 0, of: 2)
        try CollisionShardsTests.collect(c, into: dir.file("data"), shard: 1, of: 2)
        let files = try CollisionShards.files([dir.file("data")])
        let each = try files.map { try #require(CollisionDataset.read(path: $0).info["vehicleContacts"].flatMap { Int($0) }) }
        #expect(each.reduce(0, +) > 0, "contacts per shard: \(each)")
        let (loaded, _) = try CollisionShards.load(files, config: c)
        #expect(loaded.info["vehicleContacts"] == String(each.reduce(0, +)))
        let r = try CollisionPipeline.run(c, out: dir.file("out"), name: "s", data: files, progress: .silent)
        #expect(r.vehicleContactsByRound == [each.reduce(0, +)])
    }
}
