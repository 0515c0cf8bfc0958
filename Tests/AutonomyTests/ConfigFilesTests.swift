import Autonomy
import Diagnostics
import Foundation
import Testing
import TestSupport

/// Every config file the repository ships or cites loads under `ConfigFile`'s strict key check,
/// and a misspelt key in each kind of config is refused instead of silently left at its default.
@Suite struct ConfigFilesTests {
    static func files(_ dir: String, prefix: String = "") -> [String] {
        let all = (try? FileManager.default.contentsOfDirectory(atPath: Fixtures.root + "/" + dir)) ?? []
        return all.filter { $0.hasSuffix(".json") && $0.hasPrefix(prefix) }.sorted().map { Fixtures.root + "/\(dir)/\($0)" }
    }

    @Test func everyShippedConfigLoads() throws {
        let gts = Self.files("docs/gts") + Self.files("Experiments", prefix: "gts-")
        let hint = Self.files("docs/hint")
        let train = Self.files("Assets/configs")
        #expect(gts.count >= 7 && hint.count >= 14 && train.count >= 2)
        for f in gts { _ = try GtSExperimentConfig.load(f) }
        for f in hint { _ = try HIntExperimentConfig.load(f) }
        for f in train { _ = try CollisionPipelineConfig.load(f) }
    }

    @Test func aMisspeltKeyIsRefusedByEveryLoader() throws {
        let dir = TempDir("config-typo")
        defer { dir.remove() }
        let path = dir.file("c.json")
        try #"{"realUpdate": 500}"#.write(toFile: path, atomically: true, encoding: .utf8)
        #expect { _ = try GtSExperimentConfig.load(path) } throws: { ($0 as? InputError)?.location == "$.realUpdate" }
        try #"{"episodesPerCel": 5}"#.write(toFile: path, atomically: true, encoding: .utf8)
        #expect { _ = try HIntExperimentConfig.load(path) } throws: { ($0 as? InputError)?.location == "$.episodesPerCel" }
        try #"{"epoch": 5}"#.write(toFile: path, atomically: true, encoding: .utf8)
        #expect { _ = try CollisionPipelineConfig.load(path) } throws: { ($0 as? InputError)?.location == "$.epoch" }
        // optional keys stay accepted
        try #"{"goalBearingDegrees": 120, "reachableClearance": 0.3}"#.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try HIntExperimentConfig.load(path).goalBearingDegrees == 120)
    }
}
