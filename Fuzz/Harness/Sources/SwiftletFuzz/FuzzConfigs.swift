import Diagnostics
import Foundation
@testable import Autonomy
import Models

/// The `config` target: one JSON text given to every experiment and pipeline config reader the
/// CLI has (`--config`, `--ldm-config`, `--ocs-config`, preset overlays). A config that loads
/// must be one the run can start on: the harness then computes what the experiment derives
/// first (data and image sizes, networks, step counts) with trapping arithmetic, so a setting
/// the range checks let through but the run would overflow on is a finding.
enum FuzzConfigs {
    /// Scratch file for the readers that take a path (one per fuzzing process).
    static let scratch = FuzzScratch.path("config.json")

    static func run(_ bytes: [UInt8]) {
        let data = Data(bytes)
        guard FileManager.default.createFile(atPath: scratch, contents: data) else { fatalError("cannot write \(scratch)") }
        if let c = try? HIntExperimentConfig.load(scratch) { derive(c) }
        if let c = try? GtSExperimentConfig.load(scratch) { derive(c) }
        if let c = try? CollisionPipelineConfig.load(scratch), c.validationProblem == nil { derive(c) }
        for base in [OCSSettings.standard, .smoke] { if let s = try? OCSSettings.overlay(base, json: data, source: "ocs.json") { derive(s) } }
        for base in [HedgingSettings.standard, .smoke] {
            if let s = try? HedgingSettings.overlay(base, json: data, source: "hedging.json") { derive(s) }
        }
        for base in [ImitationSettings.standard, .smoke] {
            if let s = try? ImitationSettings.overlay(base, json: data, source: "imitation.json") { derive(s) }
        }
        for base in [PreMemSettings.standard, .smoke] { if let s = try? PreMemSettings.overlay(base, json: data, source: "premem.json") { derive(s) } }
        for name in LDMFlightSettings.presetNames {
            guard let base = LDMFlightSettings.preset(named: name) else { continue }
            if let s = try? LDMFlightSettings.overlay(base, json: data, source: "ldm.json") { derive(s) }
        }
    }

    /// Every config file the seeds hold: each reader's defaults as `save` / the encoder writes them.
    static func seeds() throws -> [(String, Data)] {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys]
        e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        var out: [(String, Data)] = [
            ("hint.json", try e.encode(HIntExperimentConfig())),
            ("gts.json", try e.encode(GtSExperimentConfig())),
            ("collision.json", try e.encode(CollisionPipelineConfig())),
            ("ocs-smoke.json", try e.encode(OCSSettings.smoke)),
            ("hedging-smoke.json", try e.encode(HedgingSettings.smoke)),
            ("imitation-smoke.json", try e.encode(ImitationSettings.smoke)),
            ("premem-smoke.json", try e.encode(PreMemSettings.smoke)),
            ("ldm-smoke.json", try e.encode(LDMFlightSettings.smoke)),
            // partial overlays, as users write them
            ("ocs-partial.json", Data(#"{"trainWorlds": 5, "network": {"filters": [8, 8, 8]}, "data": {"horizon": 4}}"#.utf8)),
            ("ldm-partial.json", Data(#"{"episodes": 3, "horizon": 10, "learning": {"percentiles": [50, 90]}}"#.utf8)),
            ("gts-partial.json", Data(#"{"realHours": 0.25, "sweepHours": [0.5], "model": {"dense": [64, 32], "hidden": 32}}"#.utf8)),
        ]
        out.append(("hint-platform.json", Data(#"{"platforms": {"jackal": {"speed": 1.5, "maxYawRateDegrees": 90}}, "goalBearingDegrees": 30}"#.utf8)))
        return out
    }

    // what each experiment computes first from its settings; plain arithmetic traps on overflow

    static func derive(_ c: HIntExperimentConfig) {
        _ = c.imageWidth * c.imageHeight * c.stepsPerSource * max(1, c.trainWorlds)
        _ = c.episodes * c.evalWorlds * c.yawLimitsDegrees.count * c.methods.count
        _ = c.samples * c.episodeSteps
        for limit in c.yawLimitsDegrees { _ = c.evaluationEnv(yawLimitDegrees: limit) }
        _ = c.evalSpecs
    }

    static func derive(_ c: GtSExperimentConfig) {
        let m = c.modelConfig
        _ = m.observationSize * c.lanes
        _ = m.flattened
        _ = m.sequenceSize * c.cemInitialSamples
        _ = c.policySettings
        for h in c.allRealHours { _ = c.realSteps(h) }
        _ = c.simSteps * m.observationSize
        _ = c.trainWorlds * c.testWorlds * c.episodesPerWorld
    }

    static func derive(_ c: CollisionPipelineConfig) {
        let m = c.modelConfig
        _ = m.observationSize * c.lanes
        _ = m.flattened
        _ = c.initialSteps * m.observationSize
        _ = c.rounds * c.roundSteps
    }

    static func derive(_ s: OCSSettings) {
        _ = OCSNetwork(config: s.network, outputs: s.data.yawRatesDegrees.count)
        let pixels = s.data.imageWidth * s.data.imageHeight
        _ = s.trainWorlds * s.trainSamplesPerWorld * pixels
        _ = s.validationWorlds * s.validationSamplesPerWorld * pixels
        _ = s.testWorlds * s.testSamplesPerWorld * pixels * s.data.horizon * s.data.yawRatesDegrees.count
        _ = s.bootstrapResamples * s.testWorlds * s.testSamplesPerWorld
    }

    static func derive(_ s: HedgingSettings) {
        _ = OCSNetwork(config: s.network, outputs: s.data.yawRatesDegrees.count + 1)
        let pixels = s.data.imageWidth * s.data.imageHeight
        _ = s.pretrainWorlds * s.pretrainSamplesPerWorld * pixels
        _ = s.finetuneWorlds * s.finetuneSamplesPerWorld * pixels
        _ = (s.testWorlds + s.heldOutTestWorlds) * s.testSamplesPerWorld * pixels * s.data.horizon * s.data.yawRatesDegrees.count
    }

    static func derive(_ s: ImitationSettings) {
        _ = s.stateDim * s.stateDim * s.seeds
        for sweep in [s.targetSweep, s.sourcesSweep, s.sharedSweep, s.rankSweep] {
            for v in sweep.values { _ = (v + sweep.sources) * (sweep.sharedSamples + sweep.targetSamples) * s.stateDim }
        }
        _ = s.rollouts * s.horizon * s.stateDim
    }

    static func derive(_ s: PreMemSettings) {
        _ = s.grid.count * s.task.steps * s.task.tokens
        for c in s.grid { _ = c.examples * c.width * c.epochs }
        _ = s.curationBase + (s.curationAdded.max() ?? 0)
    }

    static func derive(_ s: LDMFlightSettings) {
        _ = s.controlPeriod
        _ = s.episodes * s.steps * s.horizon * s.samples
        _ = s.dataPairs * s.dataEpisodeSteps
        _ = s.validationFirstEpisode + s.validationEpisodes
    }
}

/// Scratch files for the readers that take a path, in a per-process folder of the temporary directory.
enum FuzzScratch {
    static let folder: String = {
        let base = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        let dir = base + "/swiftlet-fuzz-\(ProcessInfo.processInfo.processIdentifier)"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }()

    static func path(_ name: String) -> String { folder + "/" + name }
}
