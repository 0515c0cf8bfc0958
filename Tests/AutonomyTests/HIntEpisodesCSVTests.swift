import Diagnostics
import Foundation
import Geometry
import Testing
import TestSupport
@testable import Autonomy

/// `experiment hint --report-from`: a finished run's report rebuilt from its episodes CSV.
@Suite struct HIntEpisodesCSVTests {
    static func run() -> HIntExperimentResult {
        var config = HIntExperimentConfig()
        config.seed = 7
        config.yawLimitsDegrees = [180, 60]
        config.methods = [.hint, .hierarchy]
        config.episodes = 4
        var rng = RNG(seed: 3)
        var episodes: [HIntEpisodeResult] = []
        for limit in config.yawLimitsDegrees {
            for m in config.methods {
                for e in 0..<config.episodes {
                    let success = rng.uniform() < 0.6
                    // a world name that needs quoting, and distances with long shortest forms
                    episodes.append(HIntEpisodeResult(method: m, yawLimitDegrees: limit, world: e == 1 ? "forest, \"7\"" : "boulders-\(e)", episode: e,
                                                      success: success, collided: !success && rng.uniform() < 0.7, distance: rng.uniform(0, 6),
                                                      ticks: 10 + rng.int(below: 30), goalDistanceLeft: success ? 0 : rng.uniform(0, 3),
                                                      saturatedTicks: rng.int(below: 5)))
                }
            }
        }
        return HIntExperimentResult(config: config, episodes: episodes, notes: ["data: test"], seconds: ["evaluate": 1])
    }

    @Test func aWrittenRunRebuildsToTheSameEpisodesSummaryAndTables() throws {
        let r = Self.run()
        let dir = TempDir(), again = TempDir()
        defer { dir.remove(); again.remove() }
        try HIntReport.write(r, to: dir.path)
        let rebuilt = try HIntEpisodesCSV.result(dir.file("hint-episodes.csv"), config: r.config)
        #expect(rebuilt.episodes == r.episodes)
        try HIntReport.write(rebuilt, to: again.path)
        for name in ["hint-episodes.csv", "hint-summary.csv", "hint-success.svg", "hint-distance.svg"] {
            #expect(FileManager.default.contents(atPath: dir.file(name)) == FileManager.default.contents(atPath: again.file(name)), "\(name)")
        }
        // the tables and verdicts match; only the notes and wall times differ
        func tables(_ s: String) -> Substring { s[..<s.range(of: "## Data and models")!.lowerBound] }
        #expect(tables(HIntReport.markdown(rebuilt)) == tables(HIntReport.markdown(r)))
        #expect(HIntReport.markdown(rebuilt).contains("rebuilt from"))
        #expect(!HIntReport.markdown(rebuilt).contains("Wall time"))
    }

    @Test func episodesThatAreNotTheConfigsAreRefused() throws {
        let r = Self.run()
        let dir = TempDir()
        defer { dir.remove() }
        try HIntReport.write(r, to: dir.path)
        let text = try String(contentsOfFile: dir.file("hint-episodes.csv"), encoding: .utf8)
        // a config without one of the run's methods
        var fewer = r.config
        fewer.methods = [.hint]
        do {
            _ = try HIntEpisodesCSV.parse(text, source: "e.csv", config: fewer)
            Issue.record("a run of hint and hierarchy accepted for a config of hint alone")
        } catch let e as InputError {
            #expect(e.description.contains("hierarchy at 180.0 deg/s is not in the config's methods"))
        }
        // a config asking for more episodes than the run flew
        var more = r.config
        more.episodes = 5
        do {
            _ = try HIntEpisodesCSV.parse(text, source: "e.csv", config: more)
            Issue.record("five episodes per cell accepted from a run of four")
        } catch let e as InputError {
            #expect(e.description.contains("has episodes 4 (0-3), the config asks for 0-4"))
        }
        // a duplicated row
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let doubled = (lines[..<2] + lines[1...]).joined(separator: "\n")
        #expect(throws: InputError.self) { try HIntEpisodesCSV.parse(doubled, source: "e.csv", config: r.config) }
    }

    @Test func badFieldsNameTheLineAndColumn() throws {
        let header = HIntEpisodesCSV.header.joined(separator: ",")
        let cases: [(row: String, says: String)] = [
            ("180.0,hint,0,w,1,0,far,10,0,0", "line 2, distance_m: expected a number, got \"far\""),
            ("180.0,hint,0,w,2,0,1,10,0,0", "line 2, success: expected 0 or 1, got \"2\""),
            ("180.0,hint,-1,w,1,0,1,10,0,0", "line 2, episode: expected a non-negative integer, got \"-1\""),
            ("180.0,walk,0,w,1,0,1,10,0,0", "line 2, method: unknown method \"walk\""),
            ("180.0,hint,0,w,1,0,1,10,0", "line 2: expected 10 fields, got 9"),
        ]
        for c in cases {
            do {
                _ = try HIntEpisodesCSV.parse(header + "\n" + c.row + "\n", source: "e.csv", config: HIntExperimentConfig())
                Issue.record("accepted \(c.row)")
            } catch let e as InputError {
                #expect(e.description.contains(c.says), "\(e.description)")
            }
        }
        #expect(throws: InputError.self) { try HIntEpisodesCSV.parse("a,b\n1,2\n", source: "e.csv", config: HIntExperimentConfig()) }
    }

    @Test func aCSVFromBeforeTheSaturationColumnLoadsWithANote() throws {
        let r = Self.run()
        var csv = CSVWriter(header: Array(HIntEpisodesCSV.header.dropLast()))
        for e in r.episodes {
            csv.addRow(["\(e.yawLimitDegrees)", e.method.rawValue, "\(e.episode)", e.world, e.success ? "1" : "0", e.collided ? "1" : "0",
                        CSVWriter.field(e.distance), "\(e.ticks)", CSVWriter.field(e.goalDistanceLeft)])
        }
        let dir = TempDir()
        defer { dir.remove() }
        try csv.write(to: dir.file("old.csv"))
        let rebuilt = try HIntEpisodesCSV.result(dir.file("old.csv"), config: r.config)
        #expect(rebuilt.episodes.map(\.distance) == r.episodes.map(\.distance))
        #expect(rebuilt.episodes.allSatisfy { $0.saturatedTicks == 0 })
        #expect(rebuilt.notes.contains { $0.contains("predates the saturated_ticks column") })
    }
}
