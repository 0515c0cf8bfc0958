import Foundation
import Models
import Testing
@testable import Autonomy

/// Session 6: visits from chosen levels, validation flights, and the OOD-entry diagnosis.
struct LDMFlightValidationTests {
    static func settings() -> LDMFlightSettings {
        var s = LDMFlightTests.tiny()
        s.actionMode = .tiltRate
        s.learning.percentiles = [5, 25]
        s.ldmVisitEpisodes = 2
        s.validationEpisodes = 3
        s.validationPercentile = 25
        return s
    }

    @Test func visitsComeOnlyFromTheChosenLevels() throws {
        let robot = try Fixtures.cf2x()
        let s = Self.settings()
        let base = try LDMFlightExperiment.prepare(robot: robot, settings: s)
        var only = s
        only.ldmVisitPercentiles = [25]
        let visited = LDMFlightExperiment.visitedStates(prepared: base, robot: robot, settings: only, round: 0)
        var expected: [Float] = []
        let level = base.models.levels.first { $0.percentile == 25 }!
        for e in 0..<2 {
            _ = LDMFlightExperiment.episode(spec: LDMFilterSpec(kind: .ldm, level: level), prepared: base, robot: robot,
                                            settings: only, index: 100_000 + e) { expected += $0.state }
        }
        #expect(visited == expected && !visited.isEmpty)
        // every level (the default) visits more
        let all = LDMFlightExperiment.visitedStates(prepared: base, robot: robot, settings: s, round: 0)
        #expect(all.count > visited.count)
        // a level that is not a filter level is rejected
        var bad = s
        bad.ldmVisitPercentiles = [10]
        #expect(throws: (any Error).self) { try bad.validate() }
    }

    @Test func validationFliesItsOwnEpisodesAtItsLevel() throws {
        let robot = try Fixtures.cf2x()
        var s = Self.settings()
        let prepared = try LDMFlightExperiment.prepare(robot: robot, settings: s)
        let r = try LDMFlightValidation.fly(prepared: prepared, robot: robot, settings: s)
        #expect(r.spec.kind == .ldm && r.spec.level?.percentile == 25)
        let level = prepared.models.levels.first { $0.percentile == 25 }!
        let expected = (0..<3).map {
            LDMFlightExperiment.episode(spec: LDMFilterSpec(kind: .ldm, level: level), prepared: prepared, robot: robot,
                                        settings: s, index: 200_000 + $0).metrics
        }
        #expect(r.episodes == expected)
        // one thread gives the same
        s.threads = 1
        #expect(try LDMFlightValidation.fly(prepared: prepared, robot: robot, settings: s).episodes == expected)
        // other first episode and level: other flights
        var moved = s
        moved.validationFirstEpisode = 300_000
        let other = (0..<3).map {
            LDMFlightExperiment.episode(spec: LDMFilterSpec(kind: .ldm, level: level), prepared: prepared, robot: robot,
                                        settings: s, index: 300_000 + $0).metrics
        }
        #expect(try LDMFlightValidation.fly(prepared: prepared, robot: robot, settings: moved).episodes == other)
        var p5 = s
        p5.validationPercentile = 5
        #expect(try LDMFlightValidation.fly(prepared: prepared, robot: robot, settings: p5).spec.level?.percentile == 5)
        var p10 = s
        p10.validationPercentile = 10   // not a filter level of these pieces
        #expect(throws: (any Error).self) { try LDMFlightValidation.fly(prepared: prepared, robot: robot, settings: p10) }
    }

    @Test func validationEpisodesMustBeDisjointFromTheSweepAndTheVisits() throws {
        var s = Self.settings()
        try s.validate()
        s.validationFirstEpisode = 1   // overlaps the sweep's 0..<2
        #expect(throws: (any Error).self) { try s.validate() }
        s.validationFirstEpisode = 100_000 + 10_000 * 2   // a visit round's episodes
        #expect(throws: (any Error).self) { try s.validate() }
        s.validationFirstEpisode = 200_000
        s.validationPercentile = 100
        #expect(throws: (any Error).self) { try s.validate() }
        // and through a config overlay
        #expect(throws: (any Error).self) {
            try LDMFlightSettings.overlay(Self.settings(), json: Data(#"{"validationEpisodes": 0}"#.utf8), source: "test")
        }
        let o = try LDMFlightSettings.overlay(Self.settings(), json: Data(#"{"ldmVisitPercentiles": [5], "validationFirstEpisode": 250000}"#.utf8),
                                              source: "test")
        #expect(o.ldmVisitPercentiles == [5] && o.validationFirstEpisode == 250_000)
    }

    @Test func validationCandidatesBuildTheSweepsGAndFlyEveryRound() throws {
        let robot = try Fixtures.cf2x()
        let s = Self.settings()
        var one = s
        one.ldmVisitRounds = 1
        one.ldmVisitPercentiles = [25]
        var two = s
        two.ldmVisitRounds = 2
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ldm-validation-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let results = try LDMFlightValidation.run(s, candidates: [.init(name: "one", settings: one), .init(name: "two", settings: two)],
                                                  robot: robot, saveModels: dir)
        // round 0 on the pieces without visits, then each candidate's rounds
        #expect(results[0].candidate == "no visits" && results[0].round == 0)
        let base = try LDMFlightExperiment.prepare(robot: robot, settings: s)
        #expect(results[0].result.episodes == (try LDMFlightValidation.fly(prepared: base, robot: robot, settings: s)).episodes)
        // the candidate's G is the one a run with its settings flies
        let oneRows = results.filter { $0.candidate == "one" }
        #expect(oneRows.map(\.round) == [1])
        let swept = try LDMFlightExperiment.prepare(robot: robot, settings: one)
        #expect(oneRows[0].backupLoss == swept.models.ldm.finalLoss)
        #expect(oneRows[0].result.episodes == (try LDMFlightValidation.fly(prepared: swept, robot: robot, settings: one)).episodes)
        // every round is flown, the last one on the pieces a two-round run flies
        let twoRows = results.filter { $0.candidate == "two" }
        #expect(twoRows.map(\.round) == [1, 2])
        let sweptTwo = try LDMFlightExperiment.prepare(robot: robot, settings: two)
        #expect(twoRows[1].backupLoss == sweptTwo.models.ldm.finalLoss && twoRows[0].backupLoss != twoRows[1].backupLoss)
        #expect(results.count == 4)
        // the saved pieces of a row fly that row's episodes under the settings of a run with that many rounds
        var oneRound = two
        oneRound.ldmVisitRounds = 1
        let loaded = try LDMFlightModelFiles.load(from: dir + "/two-r1", settings: oneRound)
        #expect(try LDMFlightValidation.fly(prepared: loaded, robot: robot, settings: oneRound).episodes == twoRows[0].result.episodes)
        #expect(throws: (any Error).self) { try LDMFlightModelFiles.load(from: dir + "/two-r1", settings: two) }
        // the validation flights do not change the models: other validation episodes load the same pieces
        var elsewhere = oneRound
        elsewhere.validationFirstEpisode = 300_000
        elsewhere.validationEpisodes = 2
        let again = try LDMFlightModelFiles.load(from: dir + "/two-r1", settings: elsewhere)
        #expect(try LDMFlightValidation.fly(prepared: again, robot: robot, settings: oneRound).episodes == twoRows[0].result.episodes)
        #expect(LDMFlightModelFiles.exists(in: dir + "/no-visits-r0") && LDMFlightModelFiles.exists(in: dir + "/one-r1"))
        // a candidate may not change anything but G's training
        var other = s
        other.samples = 32
        #expect(throws: (any Error).self) {
            try LDMFlightValidation.run(s, candidates: [.init(name: "other", settings: other)], robot: robot)
        }
    }

    @Test func diagnosisAccountsForEveryOODEntry() throws {
        let robot = try Fixtures.cf2x()
        var s = LDMFlightTests.tiny()
        s.actionMode = .tiltRate
        s.steps = 20
        s.episodes = 3
        let prepared = try LDMFlightExperiment.prepare(robot: robot, settings: s)
        let rows = try LDMFlightDiagnosis.run(s, prepared: prepared, robot: robot, points: 5, conditions: ["ldm p10"], progress: .silent)
        #expect(rows.map(\.name) == ["ldm p10.0"])
        #expect(throws: (any Error).self) {
            try LDMFlightDiagnosis.run(s, prepared: prepared, robot: robot, points: 5, conditions: ["ldm p7"], progress: .silent)
        }
        let r = rows[0]
        // an independent recount of the OOD ticks and the entries
        let models = prepared.models
        let spec = LDMFilterSpec(kind: .ldm, level: models.levels[0])
        var perEpisode: [Int] = [], entries = 0, atStart = 0, entryFallback = 0, beforeFallback = 0
        var exits = 0, exitsToOOD = 0, exitToEntry = 0
        for e in 0..<3 {
            var ticks: [LDMFlightExperiment.Tick] = []
            let o = LDMFlightExperiment.episode(spec: spec, prepared: prepared, robot: robot, settings: s, index: e) { ticks.append($0) }
            let ood = ticks.map { t in
                models.isOutOfDistribution(logDensity: Double(models.density.logDensities(t.state + t.action)[0]))
            }
            #expect(ood == ticks.map(\.outOfDistribution))
            #expect(ood.filter { $0 }.count == o.metrics.oodSteps)
            perEpisode.append(o.metrics.oodSteps)
            for (i, t) in ticks.enumerated() where ood[i] && (i == 0 || !ood[i - 1]) {
                entries += 1
                if t.fallback { entryFallback += 1 }
                if i == 0 { atStart += 1 } else if ticks[i - 1].fallback { beforeFallback += 1 }
            }
            // fallback runs after a planned tick, and the first OOD entry within each
            var i = 1
            while i < ticks.count {
                guard ticks[i].fallback && !ticks[i - 1].fallback else { i += 1; continue }
                exits += 1
                var j = i
                while j < ticks.count && ticks[j].fallback {
                    if ood[j] && !ood[j - 1] { exitsToOOD += 1; exitToEntry += j - (i - 1); break }
                    j += 1
                }
                while j < ticks.count && ticks[j].fallback { j += 1 }
                i = j + 1
            }
        }
        #expect(r.episodeOOD == perEpisode && r.oodSteps == perEpisode.reduce(0, +))
        #expect(r.oodSteps > 0 && r.entries > 0 && r.exits > 0)
        #expect(r.entries == entries && r.entriesAtStart == atStart && r.entryFallback == entryFallback && r.beforeFallback == beforeFallback)
        #expect(r.exits == exits && r.exitsToOOD == exitsToOOD && r.exitToEntryTicks == exitToEntry)
        // the exit ticks split into broken at f, broken at the truth, held at both; they were planned, so admissible
        #expect(r.exitBrokenPredicted <= r.exitsToOOD && r.exitBrokenTrue <= r.exitsToOOD)
        #expect(r.exitHeldBoth + max(r.exitBrokenPredicted, r.exitBrokenTrue) <= r.exitsToOOD)
        #expect(r.exitMargin >= -1e-3 && r.modelErrorAll > 0)
        #expect(LDMFlightDiagnosis.entryTable(rows).contains("| ldm p10.0 | \(r.oodSteps) / \(r.ticks) |"))
    }
}

/// The experiment's config files stay loadable on the preset they overlay.
struct LDMFlightConfigFileTests {
    @Test func everyLDMConfigLoadsOntoTheMomentumPreset() throws {
        let dir = Fixtures.root + "/Experiments"
        let files = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix("ldm-") && $0.hasSuffix(".json") }
        #expect(files.count >= 9)
        for f in files {
            let s = try LDMFlightSettings.load(configPath: dir + "/" + f, base: .momentum)
            #expect(s != .momentum, "\(f) changes nothing")
        }
    }
}
