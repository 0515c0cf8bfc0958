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

    // what each experiment computes first from its settings (progress units, world lists, the
    // networks, step counts, buffer sizes), with plain arithmetic that traps on overflow

    static func derive(_ c: HIntExperimentConfig) {
        _ = c.evalSpecs
        for limit in c.yawLimitsDegrees { _ = c.evaluationEnv(yawLimitDegrees: limit) }
        _ = c.imageWidth * c.imageHeight * c.stepsPerSource * c.trainWorlds
        _ = c.samples * c.episodeSteps
    }

    static func derive(_ c: GtSExperimentConfig) {
        let m = c.modelConfig
        guard m.validationProblem == nil, let weights = m.parameterCount else { fatalError("loaded GtS config has an invalid model") }
        _ = weights * c.lanes
        _ = c.policySettings
        for h in c.allRealHours { _ = c.realSteps(h) * m.observationSize }
        _ = c.simSteps * m.observationSize
        _ = m.sequenceSize * max(c.cemInitialSamples, c.cemSamples)
    }

    static func derive(_ c: CollisionPipelineConfig) {
        let m = c.modelConfig
        guard m.validationProblem == nil, m.parameterCount != nil else { fatalError("loaded pipeline config has an invalid model") }
        _ = c.training
        _ = (c.initialSteps + c.rounds * c.roundSteps) * m.observationSize
    }

    static func derive(_ s: OCSSettings) {
        _ = OCSExperiment.workUnits(s)
        _ = OCSExperiment.specs(s)
        images(s.network, s.data, splits: [(s.trainWorlds, s.trainSamplesPerWorld), (s.validationWorlds, s.validationSamplesPerWorld),
                                           (s.testWorlds, s.testSamplesPerWorld)])
        _ = s.bootstrapResamples * s.testWorlds * s.testSamplesPerWorld
    }

    static func derive(_ s: HedgingSettings) {
        _ = HedgingExperiment.workUnits(s)
        _ = HedgingExperiment.specs(s)
        images(s.network, s.data, splits: [(s.pretrainWorlds, s.pretrainSamplesPerWorld), (s.finetuneWorlds, s.finetuneSamplesPerWorld),
                                           (s.testWorlds + s.heldOutTestWorlds, s.testSamplesPerWorld)])
    }

    /// The OCS / hedging network (primitives + hover outputs) and the image bytes of each split
    /// (worlds, samples per world).
    static func images(_ network: OCSNetworkConfig, _ data: OCSDataSettings, splits: [(worlds: Int, perWorld: Int)]) {
        _ = OCSNetwork(config: network, outputs: data.yawRatesDegrees.count + 1)
        let pixels = data.imageWidth * data.imageHeight
        for split in splits { _ = split.worlds * split.perWorld * pixels }
    }

    static func derive(_ s: ImitationSettings) {
        _ = ImitationExperiment.workUnits(s)
        for sweep in [s.targetSweep, s.sourcesSweep, s.sharedSweep, s.rankSweep] {
            let most = sweep.values.max() ?? 0
            _ = (sweep.sources + most) * (sweep.sharedSamples + sweep.targetSamples + most) * s.stateDim
        }
    }

    static func derive(_ s: PreMemSettings) {
        _ = PreMemExperiment.workUnits(s)
        _ = s.grid
        _ = s.curationBase + (s.curationAdded.max() ?? 0)
    }

    static func derive(_ s: LDMFlightSettings) {
        _ = s.controlPeriod
        _ = max(1, Int((s.physicsRate / s.controlRate).rounded()))  // LDMFlightPlant's substeps
        _ = s.episodes * s.steps
        _ = s.samples * s.horizon
        _ = s.validationFirstEpisode + s.validationEpisodes
    }
}

/// Scratch files for the readers that take a path, in a per-process folder of the temporary directory.
enum FuzzScratch {
    static let folder: String = {
        let base = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        let dir = base + "/swiftlet-fuzz-\(ProcessInfo.processInfo.processIdentifier)"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        // removed when the process exits normally (a crash leaves it, next to its artifact)
        atexit { try? FileManager.default.removeItem(atPath: FuzzScratch.folder) }
        return dir
    }()

    static func path(_ name: String) -> String { folder + "/" + name }
}
