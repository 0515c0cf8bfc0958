import Diagnostics
import Foundation
import Geometry
import Models
import Planning
import Runtime

/// Settings of `swiftlet experiment gts` (docs/gts.md). Every key is optional in a JSON config
/// file; missing keys keep the default (the full experiment sized for a shared 2-core machine).
public struct GtSExperimentConfig: Codable, Sendable, Equatable {
    /// Master seed: collection, initialisation, minibatch order and evaluation draws derive from it.
    public var seed: UInt64 = 0
    public var robot = "Robots/cf2x.urdf"
    /// Camera image size (the model's input follows it). GtS: 96 x 72.
    public var imageWidth = 96
    public var imageHeight = 72
    /// Training worlds (`WorldCatalog.trainingSpecs`), shared by the sim and the real collection.
    public var trainWorlds = 20
    /// Held-out test worlds (`WorldCatalog.heldOutSpecs`: unseen seeds, the `boulders` family,
    /// held-out textures), flown in the real profile only.
    public var testWorlds = 10
    /// Simulation control steps collected for the sim phase ("plentiful").
    public var simSteps = 96_000
    public var simEpochs = 3
    /// Real budget of the main comparison, hours of flight at the control rate (1 h = 14,400 steps).
    public var realHours = 1.0
    /// Real budgets of the sweep (GtS and real-only), hours.
    public var sweepHours: [Double] = [0.25, 0.5, 1, 2]
    /// Passes over the real data in every real-data training (GtS, real-only, finetune-all),
    /// used when `realUpdates` is 0.
    public var realEpochs = 3
    /// Optimiser steps of every real-data training (every method and budget gets the same
    /// number, so the sweep compares data, not compute); 0 = `realEpochs` passes instead.
    public var realUpdates = 1000
    /// Episodes per test world and method (10 worlds x 5 = 50 per method).
    public var episodesPerWorld = 5
    /// Episodes per test world in the sweep (the first ones of the main evaluation's draws: a
    /// model in both reuses its main episodes); 0 = no sweep evaluation.
    public var sweepEpisodesPerWorld = 2
    /// Which set of evaluation episodes (spawns, wind, perturbations, lighting) the methods meet:
    /// 0 = the original set (runs 2-4); k > 0 = a fresh set whose episode seeds derive from the
    /// seed and k, checked to share no episode seed with set 0 (`freshEpisodesProblem`). The
    /// held-out worlds and the per-episode draw rules are the same for every set.
    public var evaluationSet = 0
    /// Route length of an evaluation episode, m (success = flying it without a collision); also
    /// the env's distance limit. 50 m: at 15 m the learned policies saturated the route.
    public var routeLength = 50.0
    /// CEM budget of the learned MPC, identical for every method (12x smaller than METHODS.md's
    /// 4096 + 2 x 1024 / 128 elites so that hundreds of evaluation episodes fit on 2 cores).
    public var cemInitialSamples = 256
    public var cemSamples = 128
    public var cemElites = 16
    public var cemIterations = 3
    /// Steps of each transfer-diagnostic set (sim and real profile, training worlds, fresh seeds):
    /// every model's held-out loss on both is reported. Never trained on and not charged to the
    /// real budget; 0 = skip.
    public var diagnosticSteps = 3_000
    /// Collection lanes (the data depend on it, not on the thread count).
    public var lanes = 8
    /// Network (image size, stack and horizon are taken from the env settings). The default
    /// experiment narrows the first convolution from 64 to 16 filters (3.4x cheaper training
    /// on the shared 2-core machine); everything else is the METHODS.md architecture.
    public var model: CollisionPredictorConfig = {
        var m = CollisionPredictorConfig()
        m.convs[0].filters = 16
        return m
    }()
    /// Optimiser settings of every training (the GtS real phase adds the trunk freeze).
    public var training = CollisionTrainingConfig()
    /// A sim-phase checkpoint used instead of training the sim phase here (nil: train it). It
    /// must record the sim domain, non-held-out training worlds and no real data, and have the
    /// config's `model` network (`GtSSimModel.load`); `simSteps`/`simEpochs` are then unused and
    /// there is no step-matched sim-only baseline (its sim data are not in the run).
    public var simModel: String? = nil
    /// The profile that stands in for the real world: real collection, the real transfer
    /// diagnostic and the held-out evaluation (`DomainProfile.named`). "real" is the experiment;
    /// "real-dynamics" (the real profile with the sim camera look) and "real-appearance" (the
    /// sim dynamics with the real look) split the gap into its two halves for diagnosis
    /// (docs/gts.md, "Which part of the gap"). Never "sim": the real budget counts non-sim data.
    public var realProfile = DomainProfile.real.name

    public init() {}

    /// `realProfile` resolved (`.real` when the name is unknown; `problem` reports that).
    public var realDomain: DomainProfile { DomainProfile.named(realProfile) ?? .real }

    /// A run that finishes in a couple of minutes: a handful of worlds, small budgets, short
    /// routes, a tiny CEM. It checks the plumbing, not the claim.
    public static var smoke: GtSExperimentConfig {
        var c = GtSExperimentConfig()
        c.trainWorlds = 4
        c.testWorlds = 2
        c.simSteps = 2_000
        c.simEpochs = 1
        c.realHours = 0.05
        c.sweepHours = [0.025, 0.05]
        c.realEpochs = 1
        c.realUpdates = 0
        c.episodesPerWorld = 2
        c.sweepEpisodesPerWorld = 1
        c.routeLength = 4
        c.cemInitialSamples = 64
        c.cemSamples = 32
        c.cemElites = 8
        c.cemIterations = 2
        c.diagnosticSteps = 200
        return c
    }

    /// Env settings of every environment in the experiment.
    public var env: EnvSettings {
        var s = EnvSettings()
        s.imageWidth = imageWidth
        s.imageHeight = imageHeight
        return s
    }

    /// The network configuration fitted to the env (image size, stack, horizon 12, yaw-rate scale).
    public var modelConfig: CollisionPredictorConfig {
        var m = model
        m.height = imageHeight
        m.width = imageWidth
        m.frames = env.frameStack
        m.actionDim = 1
        m.actionScale = [Float(1 / env.maxYawRate)]
        return m
    }

    /// The learned-MPC settings shared by every method (stored in every saved model, so
    /// `swiftlet eval --policy FILE` flies it the same way): CEM with the budget above, the
    /// centred full covariance, the shifted previous plan as a candidate, one worker per
    /// episode (the evaluator already runs episodes on both cores).
    public var policySettings: LearnedPolicySettings {
        var p = LearnedPolicySettings()
        p.cem.initialSamples = cemInitialSamples
        p.cem.samples = cemSamples
        p.cem.elites = cemElites
        p.cem.iterations = cemIterations
        p.cem.covariance = .full
        p.workers = 1
        p.blockRows = min(256, max(16, cemSamples))
        return p
    }

    /// Real control steps of `hours` at the env's control rate.
    public func realSteps(_ hours: Double) -> Int { RealDataBudget.steps(hours: hours, controlRate: env.controlRate) }

    /// Every real budget trained (the sweep plus the main one), ascending.
    public var allRealHours: [Double] { Array(Set(sweepHours + [realHours])).sorted() }

    /// Seed of the main evaluation's episodes (`EvaluationSettings.seed`); set 0 is the seed runs
    /// 2-4 used.
    public var evaluationSeed: UInt64 {
        let original = RNG.mix(seed, 0x4556_414C)
        return evaluationSet == 0 ? original : RNG.mix(original, 0x5345_5400 &+ UInt64(evaluationSet))
    }

    /// Why a fresh evaluation set (`evaluationSet` > 0) could meet an episode of the original
    /// set: any of its episode seeds equal to one of set 0's first 1,000 episodes of any test
    /// world. Nil when the sets are disjoint (or this is set 0).
    public var freshEpisodesProblem: String? {
        guard evaluationSet > 0 else { return nil }
        var original = GtSExperimentConfig()
        original.seed = seed
        let old = EvaluationSettings(worlds: [], episodes: 0, seed: original.evaluationSeed)
        let new = EvaluationSettings(worlds: [], episodes: 0, seed: evaluationSeed)
        var used = Set<UInt64>()
        for w in 0..<testWorlds { for e in 0..<1_000 { used.insert(old.episodeSeed(world: w, episode: e)) } }
        for w in 0..<testWorlds { for e in 0..<episodesPerWorld where used.contains(new.episodeSeed(world: w, episode: e)) {
            return "episode \(e) of test world \(w) in set \(evaluationSet) has the seed of an episode of set 0"
        } }
        return nil
    }

    /// Why the settings cannot run, or nil.
    public var problem: String? {
        if let (key, value) = SettingsRangeCheck.excessCount(["trainWorlds": trainWorlds, "testWorlds": testWorlds, "simSteps": simSteps,
                                                              "simEpochs": simEpochs, "realEpochs": realEpochs, "realUpdates": realUpdates,
                                                              "episodesPerWorld": episodesPerWorld, "sweepEpisodesPerWorld": sweepEpisodesPerWorld,
                                                              "evaluationSet": evaluationSet, "cemInitialSamples": cemInitialSamples,
                                                              "cemSamples": cemSamples, "cemIterations": cemIterations, "lanes": lanes,
                                                              "diagnosticSteps": diagnosticSteps]) {
            return "\(key) \(value) is more than \(SettingsRangeCheck.maxCount)"
        }
        if trainWorlds < 1 || testWorlds < 1 { return "trainWorlds \(trainWorlds) and testWorlds \(testWorlds) must be >= 1" }
        if simSteps < 1 || simEpochs < 1 || realEpochs < 1 || realUpdates < 0 {
            return "simSteps, simEpochs and realEpochs must be >= 1, realUpdates >= 0"
        }
        if !(realHours > 0) || sweepHours.contains(where: { !($0 > 0) || !$0.isFinite }) { return "real budgets must be positive hours" }
        // hours become Int step counts: finite and bounded first
        if (sweepHours + [realHours]).contains(where: { $0 > Self.maxRealHours }) {
            return "real budgets must be at most \(Int(Self.maxRealHours)) hours"
        }
        if allRealHours.contains(where: { realSteps($0) < 1 }) { return "a real budget rounds to 0 control steps" }
        if episodesPerWorld < 1 || sweepEpisodesPerWorld < 0 { return "episodesPerWorld must be >= 1, sweepEpisodesPerWorld >= 0" }
        if evaluationSet < 0 { return "evaluationSet must be >= 0, got \(evaluationSet)" }
        if !(routeLength > 0) { return "routeLength must be positive, got \(routeLength)" }
        if cemElites < 1 || cemElites > cemSamples || cemElites > cemInitialSamples || cemIterations < 1 {
            return "CEM: elites (\(cemElites)) must be in 1...min(samples, initialSamples) and iterations >= 1"
        }
        if lanes < 1 { return "lanes must be >= 1" }
        if diagnosticSteps < 0 { return "diagnosticSteps must be >= 0" }
        if let why = modelConfig.validationProblem { return "model: \(why)" }
        if simModel?.isEmpty == true { return "simModel must name a checkpoint file" }
        if DomainProfile.named(realProfile) == nil || realProfile == DomainProfile.sim.name {
            return "realProfile must be one of \(DomainProfile.all.filter { $0 != .sim }.map(\.name).joined(separator: ", ")), got \"\(realProfile)\""
        }
        // buffers sized by the settings: transitions x observation, CEM samples x action sequence
        let m = modelConfig, most = allRealHours.map(realSteps).max() ?? 0
        for (name, factors) in [("simSteps", [simSteps, m.observationSize]), ("real budget", [most, m.observationSize]),
                                ("lanes", [lanes, m.observationSize]),
                                ("cemInitialSamples", [max(cemInitialSamples, cemSamples), m.sequenceSize])]
        where SettingsRangeCheck.product(factors) == nil {
            return "\(name): \(factors.map(String.init).joined(separator: " x ")) values is more than 2^40"
        }
        return nil
    }

    /// Largest real budget (hours; 14,400 steps an hour at 4 Hz).
    static let maxRealHours = 1_000_000.0

    /// Reads a JSON config (any subset of the keys).
    public static func load(_ path: String) throws -> GtSExperimentConfig {
        let c = try ConfigFile.decode(GtSExperimentConfig.self, from: ConfigFile.read(path), source: path, defaults: GtSExperimentConfig(),
                                      optionalKeys: ["simModel"])
        if let why = c.problem { throw InputError(path, why) }
        return c
    }

    private enum CodingKeys: String, CodingKey {
        case seed, robot, imageWidth, imageHeight, trainWorlds, testWorlds, simSteps, simEpochs, realHours, sweepHours, realEpochs
        case realUpdates, episodesPerWorld, sweepEpisodesPerWorld, routeLength, cemInitialSamples, cemSamples, cemElites, cemIterations, lanes
        case diagnosticSteps, model, training, evaluationSet, simModel, realProfile
    }

    public init(from decoder: any Decoder) throws {
        let k = try decoder.container(keyedBy: CodingKeys.self)
        let d = GtSExperimentConfig()
        func v<T: Decodable>(_ key: CodingKeys, _ def: T) throws -> T { try k.decodeIfPresent(T.self, forKey: key) ?? def }
        seed = try v(.seed, d.seed); robot = try v(.robot, d.robot)
        imageWidth = try v(.imageWidth, d.imageWidth); imageHeight = try v(.imageHeight, d.imageHeight)
        trainWorlds = try v(.trainWorlds, d.trainWorlds); testWorlds = try v(.testWorlds, d.testWorlds)
        simSteps = try v(.simSteps, d.simSteps); simEpochs = try v(.simEpochs, d.simEpochs)
        realHours = try v(.realHours, d.realHours); sweepHours = try v(.sweepHours, d.sweepHours)
        realEpochs = try v(.realEpochs, d.realEpochs); realUpdates = try v(.realUpdates, d.realUpdates)
        episodesPerWorld = try v(.episodesPerWorld, d.episodesPerWorld)
        sweepEpisodesPerWorld = try v(.sweepEpisodesPerWorld, d.sweepEpisodesPerWorld)
        routeLength = try v(.routeLength, d.routeLength)
        cemInitialSamples = try v(.cemInitialSamples, d.cemInitialSamples); cemSamples = try v(.cemSamples, d.cemSamples)
        cemElites = try v(.cemElites, d.cemElites); cemIterations = try v(.cemIterations, d.cemIterations)
        lanes = try v(.lanes, d.lanes)
        diagnosticSteps = try v(.diagnosticSteps, d.diagnosticSteps)
        evaluationSet = try v(.evaluationSet, d.evaluationSet)
        model = try v(.model, d.model); training = try v(.training, d.training)
        simModel = try k.decodeIfPresent(String.self, forKey: .simModel)
        realProfile = try v(.realProfile, d.realProfile)
    }
}
