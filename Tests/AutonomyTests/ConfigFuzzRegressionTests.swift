import Diagnostics
import Foundation
import Testing
import TestSupport
@testable import Autonomy

/// Config files that trapped (arithmetic overflow, a non-finite Double made an Int, a negative
/// array count) while loading or in the first derivations of the experiment they configure
/// (docs/fuzzing.md, findings 7-12). Each must now be refused with an `InputError` naming the
/// file and the setting.
@Suite struct ConfigFuzzRegressionTests {
    /// `json` written to a temporary file, loaded by `load`; the error it throws.
    static func error<T>(_ json: String, _ load: (String) throws -> T) throws -> InputError? {
        let dir = TempDir("config-fuzz")
        defer { dir.remove() }
        let path = dir.file("c.json")
        try json.write(toFile: path, atomically: true, encoding: .utf8)
        do {
            _ = try load(path)
            return nil
        } catch let e as InputError {
            #expect(e.source == path)
            return e
        }
    }

    /// Finding 7: an infinite or huge real budget passed the positivity check and trapped
    /// converting hours to an Int step count (`RealDataBudget.steps`).
    @Test func gtsRealHoursThatDoNotFitAStepCountAreRefused() throws {
        for json in [#"{"realHours": "inf"}"#, #"{"realHours": 1e300}"#, #"{"sweepHours": [0.5, 1e300]}"#] {
            let e = try #require(try Self.error(json, GtSExperimentConfig.load))
            #expect(e.message.contains("hours"), "\(json): \(e)")
        }
        // the limit leaves every sensible budget alone
        #expect(try Self.error(#"{"realHours": 2, "sweepHours": [0.25, 4]}"#, GtSExperimentConfig.load) == nil)
    }

    /// Finding 8: OCS and hedging seeds near 2^64 overflowed the seed-range additions in
    /// `validate`; world and sample counts near 2^63 overflowed `(count + 4) / 5` and the
    /// progress sums.
    @Test func ocsAndHedgingCountsAndSeedsThatOverflowAreRefused() throws {
        let ocs = { (path: String) in try OCSSettings.load(configPath: path, base: .smoke) }
        let hedging = { (path: String) in try HedgingSettings.load(configPath: path, base: .smoke) }
        let cases: [(String, (String) throws -> Any, String)] = [
            (#"{"testFirstSeed": 18446744073709551615}"#, ocs, "$.testFirstSeed"),
            (#"{"validationFirstSeed": 18446744073709551615}"#, ocs, "$.testFirstSeed"),
            (#"{"trainWorlds": 9223372036854775807}"#, ocs, "$.trainWorlds"),
            (#"{"training": {"epochs": 9223372036854775807}}"#, ocs, "$.training.epochs"),
            (#"{"closedLoop": {"worlds": 4611686018427387904, "episodesPerWorld": 4}}"#, ocs, "$.closedLoop.worlds"),
            (#"{"trainSamplesPerWorld": 1000000, "trainWorlds": 1000000}"#, ocs, "$.trainSamplesPerWorld"),
            (#"{"finetuneFirstSeed": 18446744073709551615}"#, hedging, "$.testFirstSeed"),
            (#"{"heldOutTestWorlds": 9223372036854775807}"#, hedging, "$.heldOutTestWorlds"),
            (#"{"pretraining": {"epochs": 9223372036854775807}}"#, hedging, "$.pretraining.epochs"),
        ]
        for (json, load, location) in cases {
            let e = try #require(try Self.error(json, load), "\(json) loaded")
            #expect(e.location == location, "\(json): \(e)")
        }
    }

    /// Finding 9: an OCS network side near 2^63 overflowed `OCSNetworkConfig.trunkOutput`
    /// inside `isValid`.
    @Test func ocsNetworkSizesThatOverflowAreRefused() throws {
        let json = #"{"network": {"height": 9223372036854775807}, "data": {"imageHeight": 9223372036854775807}}"#
        let e = try #require(try Self.error(json) { try OCSSettings.load(configPath: $0, base: .smoke) })
        #expect(e.location.hasPrefix("$.network") || e.location.hasPrefix("$.data"), "\(e)")
    }

    /// Finding 10: a GtS model with a negative actionDim trapped building its default action
    /// scale (`[Float](repeating:count: -1)`) and a split initial state with hidden near 2^62
    /// overflowed `2 * hidden`, both while decoding the config.
    @Test func gtsModelSizesThatTrapWhileDecodingAreRefused() throws {
        for json in [#"{"model": {"actionDim": -1}}"#, #"{"model": {"initialState": "split", "hidden": 4611686018427387904}}"#,
                     #"{"model": {"dense": [256, 4611686018427387904]}}"#] {
            let e = try #require(try Self.error(json, GtSExperimentConfig.load), "\(json) loaded")
            #expect(e.location.hasPrefix("$.model"), "\(json): \(e)")
        }
    }

    /// Finding 11: LDM settings with validationEpisodes near 2^63 overflowed the episode range
    /// check (`validationFirstEpisode + validationEpisodes`); a physics rate of 1e300 Hz trapped
    /// making the physics steps per control step an Int (`LDMFlightPlant`).
    @Test func ldmEpisodeRangeAndRatesThatOverflowAreRefused() throws {
        let load = { (path: String) in try LDMFlightSettings.load(configPath: path, base: .smoke) }
        for (json, location) in [(#"{"validationFirstEpisode": 1, "validationEpisodes": 9223372036854775807}"#, "validationEpisodes"),
                                 (#"{"validationFirstEpisode": 9223372036854775807}"#, "validationFirstEpisode"),
                                 (#"{"physicsRate": 1e300}"#, "physicsRate")] {
            let e = try #require(try Self.error(json, load), "\(json) loaded")
            #expect(e.location == location, "\(json): \(e)")
        }
    }

    /// Finding 12: imitation sweeps with sources near 2^62 overflowed `h * inputDim` in `validate`.
    @Test func imitationSweepSizesThatOverflowAreRefused() throws {
        let json = #"{"targetSweep": {"values": [20, 40], "sources": 4611686018427387904, "sharedSamples": 1000, "targetSamples": 0}}"#
        let e = try #require(try Self.error(json) { try ImitationSettings.load(configPath: $0, base: .smoke) })
        #expect(e.location == "$.targetSweep.sources", "\(e)")
    }

    /// The limits leave the shipped presets and the default configs alone.
    @Test func presetsAndDefaultsStayValid() throws {
        for s in [OCSSettings.standard, .smoke] { try s.validate() }
        for s in [HedgingSettings.standard, .smoke] { try s.validate() }
        for s in [ImitationSettings.standard, .smoke] { try s.validate() }
        for s in [PreMemSettings.standard, .smoke] { try s.validate() }
        for name in LDMFlightSettings.presetNames { try #require(LDMFlightSettings.preset(named: name)).validate() }
        #expect(GtSExperimentConfig().problem == nil)
        #expect(HIntExperimentConfig().validationProblem == nil)
        #expect(CollisionPipelineConfig().validationProblem == nil)
    }
}
