import App
import Diagnostics
import Foundation
import Geometry
@testable import Autonomy
@testable import Models
import Neural
import Physics
import Runtime
import World

/// The model-directory targets (`ldm`, `hintmodels`, `ocsfly`) over a `FuzzModelDirectory`. A set
/// that loads must be usable: each target runs what the product does with it (the query the
/// loaders' callers make first, then what the user's command runs: `LDMFlySimulation`,
/// `OCSFlySimulation`, `HIntFly.setup` and the `FlySimulation` it configures, a few control
/// ticks each), with trapping arithmetic.
enum FuzzModels {
    // MARK: ldm

    /// A saved LDM flight model directory (`LDMFlightModelFiles`), then a flow density checkpoint.
    static let ldmNames = ["settings.json", "dynamics.safetensors", "density.json", "ldm.safetensors", "levels.json", "flow.safetensors"]
    static let flowIndex = 5

    /// `fly --ldm --ldm-preset P --ldm-models DIR` (`LDMFlySimulation.loadOrTrain`) and
    /// `experiment ldm --models DIR`, and a normalizing-flow density (`DensityModels.load`).
    /// Baselines: `tiny` (small networks saved for the smoke preset) and `momentum` (the
    /// bundled `Assets/ldm/momentum` models, flown with the momentum preset).
    static let ldm = FuzzModelDirectory("ldm", names: ldmNames) {
        let tiny = try ldmFiles()
        let bundled = try FuzzModelDirectory.read(BundledResource.resolve("Assets/ldm/momentum"), Array(ldmNames[..<flowIndex]))
        return [("tiny", tiny), ("momentum", bundled + [tiny[flowIndex]])]
    }

    /// The `--ldm-preset` of each baseline.
    static let ldmPresets = ["smoke", "momentum"]

    /// Settings the `tiny` files were saved with: the smoke preset at one stored percentile.
    static let ldmSettings: LDMFlightSettings = {
        var s = LDMFlightSettings.preset(named: "smoke")!
        s.learning.percentiles = [10]
        return s
    }()

    /// The presets' robots, read once (the settings file must match the preset, so the robot is the preset's).
    static let ldmRobots: [RobotDescription] = ldmPresets.map { name in
        do {
            return try URDFLoader.load(path: LDMFlightSettings.preset(named: name)!.robot)
        } catch {
            fatalError("fuzz: cannot read the \(name) preset's robot: \(error)")
        }
    }

    static func ldmFiles() throws -> [[UInt8]] {
        let sd = LDMFlightPlant.stateDim, ad = LDMFlightPlant.actionDim, d = sd + ad
        var rng = RNG(seed: 7)
        let n = 16
        let states = (0..<(n * sd)).map { _ in rng.uniformFloat() }, actions = (0..<(n * ad)).map { _ in rng.uniformFloat() - 0.5 }
        var dynSettings = LDMFlightDynamicsModel.Settings()
        dynSettings.hidden = [4]
        dynSettings.steps = 2
        let dynamics = try LDMFlightDynamicsModel.train(states: states, actions: actions, next: states.map { $0 * 0.9 },
                                                       stateDim: sd, actionDim: ad, settings: dynSettings, rng: &rng)
        var cov = [Double](repeating: 0, count: 2 * d * d)
        for c in 0..<2 { for i in 0..<d { cov[c * d * d + i * d + i] = 0.5 + Double(c) } }
        let density = try GaussianMixture(dimension: d, covarianceType: .full, weights: [0.25, 0.75],
                                          means: (0..<(2 * d)).map { Double($0 % 3) * 0.1 }, covariances: cov)
        var g = LearnedLDM.Settings()
        g.hidden = [3]
        g.steps = 2
        g.batchSize = 4
        g.candidateActions = 2
        let ldm = try LearnedLDM.train(density: density, dynamics: { s, _, count, out in for i in 0..<(count * sd) { out[i] = s[i] } },
                                       states: states, stateDim: sd, actionLower: [-1, -1], actionUpper: [1, 1], settings: g, rng: &rng)
        let logp = (0..<50).map { -Double($0) * 0.2 }
        let models = LDMExperimentModels(stateDim: sd, actionDim: ad, density: density, ldm: ldm,
                                         levels: DensityThresholds.levels(trainingLogDensities: logp, percentiles: [10]),
                                         oodLevel: DensityLevel(percentile: 0.5, logLevel: -9), trainingLogDensities: logp,
                                         densitySeconds: 0, ldmSeconds: 0)
        let prepared = LDMFlightExperiment.Prepared(dynamics: dynamics, models: models, trainingPairs: n, heldOutError: 0.1,
                                                    outOfDistributionError: 0.2, dynamicsSeconds: 0)
        let dir = FuzzScratch.path("ldm-seed")
        try LDMFlightModelFiles.save(prepared, settings: ldmSettings, to: dir)
        var flowSettings = RealNVPFlow.Settings()
        flowSettings.couplings = 2
        flowSettings.hidden = 3
        flowSettings.hiddenLayers = 1
        let flow = RealNVPFlow(dimension: 3, settings: flowSettings, mean: [0, 1, 2], std: [1, 2, 3], rng: &rng)
        try flow.save(to: dir + "/flow.safetensors")
        return try FuzzModelDirectory.read(dir, ldmNames)
    }

    static func runLDM(_ bytes: [UInt8]) {
        ldm.run(bytes) { dir, input in
            if input.replaced.contains(flowIndex) {
                // the density model alone: one batch of log-densities
                if let flow = FuzzModelDirectory.attempt({ try DensityModels.load(dir + "/flow.safetensors") }) {
                    _ = flow.logDensities([Float](repeating: 0.5, count: 2 * flow.dimension))
                }
            }
            if input.replaced != [flowIndex] { flyLDM(dir, baseline: input.baseline) }
        }
    }

    /// `fly --ldm --ldm-preset P --ldm-models DIR` at the default level: load as the viewer
    /// does, the first queries, then the simulation a few control ticks under each filter.
    static func flyLDM(_ dir: String, baseline: Int) {
        var config = LDMFlyConfig()
        config.settings = LDMFlightSettings.preset(named: ldmPresets[baseline])!
        config.percentile = 25
        config.modelsDirectory = dir
        let robot = ldmRobots[baseline]
        // the harness always writes settings.json, so this loads (it trains only without one)
        guard let prepared = FuzzModelDirectory.attempt({ try LDMFlySimulation.loadOrTrain(config, robot: robot) }) else { return }
        let m = prepared.models, d = m.stateDim + m.actionDim
        // one dynamics step, the density and G of two rows, and every filter's cost of one action sequence
        let next = prepared.dynamics.predict(states: [Float](repeating: 0.1, count: 2 * m.stateDim),
                                             actions: [Float](repeating: 0.2, count: 2 * m.actionDim))
        precondition(next.count == 2 * m.stateDim)
        let rows = [Float](repeating: 0.3, count: 2 * d)
        _ = m.density.logDensities(rows)
        _ = m.ldm.values(rows)
        for spec in m.filterSpecs {
            var filter = m.makeFilter(spec)
            let actions = [Float](repeating: 0.1, count: 2 * m.actionDim)
            var costs = [Float](repeating: 0, count: 2)
            actions.withUnsafeBufferPointer { a in
                costs.withUnsafeMutableBufferPointer { filter.cost(a, count: 2, horizon: 1, actionDim: m.actionDim, into: $0) }
            }
        }
        // the viewer's flight: LDM filter, then greedy on the next episode, with 16
        // planner samples instead of the preset's 256-1024 and 4 drawn candidates instead of 64
        // (the models see the same queries, fewer rows)
        config.settings.samples = min(config.settings.samples, 16)
        config.maxCandidates = 4
        guard var sim = FuzzModelDirectory.attempt({ try LDMFlySimulation(config: config, prepared: prepared, robot: robot) }) else { return }
        for _ in 0..<ticks where !sim.isDone { sim.tick(nil) }
        _ = sim.frame()
        sim.select(filter: .greedy, episode: 1)
        if !sim.isDone { sim.tick(nil) }
        _ = sim.frame()
    }

    /// Control ticks each simulation runs (FUZZ_TICKS, default 2; the LDM flight's greedy filter runs one more).
    static let ticks = Int(ProcessInfo.processInfo.environment["FUZZ_TICKS"] ?? "") ?? 2

    // MARK: hintmodels

    /// `HIntExperiment.load`'s files and the experiment config `experiment hint` writes next to
    /// them (`fly --hint DIR` reads it). The single-file format selects only the five model
    /// files (selector mod 5, as in session 11).
    static let hintNames = ["dynamics-jackal.safetensors", "dynamics-rccar.safetensors", "perception.safetensors", "single-source.safetensors",
                            "pooled.safetensors", HIntExperimentConfig.modelsFileName]

    /// `experiment hint --models DIR` and `fly --hint DIR`: small networks of the experiment's
    /// shapes at 16 x 16 images (the smallest camera the config allows), and the smoke config at
    /// that image size. (The networks `experiment hint --preset smoke` trains are 7.5 MB per image
    /// model: every input would write and read 22 MB, so they are not a baseline.)
    static let hint = FuzzModelDirectory("hintmodels", names: hintNames, selectable: 5) { [("tiny", try hintFiles())] }

    /// The experiment config saved with the models: the smoke preset's at the models' image size.
    static let hintConfig: HIntExperimentConfig = {
        var c = HIntExperimentConfig.smoke
        (c.imageWidth, c.imageHeight) = (16, 16)
        return c
    }()

    static func hintFiles() throws -> [[UInt8]] {
        var rng = RNG(seed: 3)
        let dir = FuzzScratch.path("hint-seed")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let h = HIntTraining.horizon
        for p in [HIntExperiment.deploying, .rccar] {
            let config = PoseDynamicsConfig(stateDim: 2, actionDim: 1, horizon: h, hidden: [3], stateScale: [2, 1], actionScale: [0.5])
            try PoseDynamics(config: config, rng: &rng).save(to: "\(dir)/dynamics-\(p.rawValue).safetensors")
        }
        func small(_ c: CollisionPredictorConfig) -> CollisionPredictorConfig {
            var c = c
            c.convs = [CollisionPredictorConfig.Conv(filters: 2, kernel: 4, stride: 4)]
            c.dense = [4, 4]
            c.hidden = 2
            c.actionEmbedding = 2
            c.headHidden = 2
            return c
        }
        let (height, width) = (hintConfig.imageHeight, hintConfig.imageWidth)
        let perception = small(.hintPerception(height: height, width: width, horizon: h))
        let action = small(HIntTraining.actionModelConfig(height: height, width: width))
        for (name, config) in [("perception", perception), ("single-source", action), ("pooled", action)] {
            try CollisionPredictor(config: config, rng: &rng).save(to: "\(dir)/\(name).safetensors")
        }
        try hintConfig.save(to: dir + "/" + HIntExperimentConfig.modelsFileName)
        return try FuzzModelDirectory.read(dir, hintNames)
    }

    /// The held-out worlds of the saved config, built once: `HIntFly.setup` gets these instead
    /// of generating worlds per input (a config naming other worlds is skipped).
    static let hintWorlds: (specs: [String], scenes: [Scene]) = {
        do {
            return (hintConfig.evalSpecs, try WorldSet.scenes(hintConfig.evalSpecs))
        } catch {
            fatalError("fuzz: cannot build the worlds \(hintConfig.evalSpecs): \(error)")
        }
    }()

    struct OtherWorlds: Error, CustomStringConvertible {
        let specs: [String]
        var description: String { "fuzz: the harness builds only the saved config's worlds, not \(specs)" }
    }

    static func runHInt(_ bytes: [UInt8]) {
        hint.run(bytes) { dir, _ in
            guard let models = FuzzModelDirectory.attempt({ try HIntExperiment.load(dir) }) else { return }
            // every method's driver plans one tick on a frame of the perception model's size
            let c = models.perception.config
            let frame = [UInt8](repeating: 90, count: c.height * c.width)
            for method in HIntMethod.allCases {
                let driver = HIntDriver(method: method, models: models, deploying: HIntExperiment.deploying, yawRateLimit: 1,
                                        assumedYawRate: 1, speed: 1, dt: 0.25, samples: 4)
                var rng = RNG(seed: 1)
                let robot = RobotObservation(time: 0, position: Vec3(0, 0, 0.1), attitude: .identity, velocity: .zero, bodyRate: .zero)
                _ = frame.withUnsafeBufferPointer { driver.act(frame: $0, robot: robot, goal: SIMD2(3, 1), rng: &rng) }
            }
            flyHInt(dir)
        }
    }

    /// `fly --hint DIR` as FlyCommand runs it (the config DIR/experiment.json, `HIntFly.setup`,
    /// the fly simulation without a window) for a few control ticks, with 16 MPPI samples
    /// (`--hint-samples 16`) to keep inputs fast.
    static func flyHInt(_ dir: String) {
        guard let experiment = FuzzModelDirectory.attempt({ try HIntExperimentConfig.load(dir + "/" + HIntExperimentConfig.modelsFileName) }),
              let fly = FuzzModelDirectory.attempt({
                  try HIntFly.setup(modelsDirectory: dir, method: .hint, yawLimitDegrees: 180, samples: 16, experiment: experiment) { specs in
                      guard specs == hintWorlds.specs else { throw OtherWorlds(specs: specs) }
                      return hintWorlds.scenes
                  }
              }),
              var sim = FuzzModelDirectory.attempt({ try FlySimulation(config: fly.config, registry: fly.registry, viewSize: nil) }) else { return }
        sim.prefetch = false
        for _ in 0..<ticks where !sim.isDone {
            guard FuzzModelDirectory.attempt({ try sim.tick(nil) }) != nil else { return }
        }
    }

    // MARK: ocsfly

    static let ocsPolicies: [OCSFlyPolicyName] = [.regression, .threshold, .hedge]

    /// `OCSFlyModels.load` (`fly --ocs DIR`): the OCS regression and classifier checkpoints and a
    /// hedging arm as the experiments save them. Baselines: `smoke` (the smoke preset's network,
    /// 48 x 64 images) and `default` (the default presets' networks, what `fly --ocs DIR` flies
    /// without --ocs-preset), with random weights.
    static let ocs = FuzzModelDirectory("ocsfly", names: ocsPolicies.map(\.fileName)) {
        [("smoke", try ocsFiles("smoke", ocsPresets[0])), ("default", try ocsFiles("default", ocsPresets[1]))]
    }

    /// The presets' settings (`--ocs-preset smoke|default`); the smoke hedging arm is saved with
    /// the OCS smoke network, as in session 11.
    static let ocsPresets: [(ocs: OCSSettings, hedging: HedgingSettings)] = {
        var smoke = HedgingSettings.smoke
        smoke.network = OCSSettings.smoke.network
        return [(.smoke, smoke), (.standard, .standard)]
    }()

    /// The network old checkpoints without one are read as (the smoke preset's).
    static let ocsNetwork = OCSSettings.smoke.network

    static let ocsRobot: RobotDescription = {
        do {
            return try URDFLoader.load(path: OCSFlyConfig().robot)
        } catch {
            fatalError("fuzz: cannot read the OCS robot: \(error)")
        }
    }()

    static func ocsFiles(_ name: String, _ preset: (ocs: OCSSettings, hedging: HedgingSettings)) throws -> [[UInt8]] {
        var rng = RNG(seed: 5)
        let dir = FuzzScratch.path("ocs-seed-" + name)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let data = preset.ocs.data, network = preset.ocs.network
        for kind in [OCSModelKind.rewardRegression, .safetyClassifier] {
            // the metadata `OCSReport.write` stores with each model
            let model = OCSModel(kind: kind, actions: data.yawRatesDegrees.count, config: network, positiveWeight: 10, rng: &rng)
            let meta = CheckpointMetadata(architecture: OCSReport.architecture(kind),
                                          trainingConfig: ["epochs": "2", "batch": "32", "lr": "0.001", "positive_weight": "\(model.positiveWeight)"],
                                          extra: ["network": network.metadataValue, "actions": "\(model.actions)", "ocs": "0.5,0.25",
                                                  "threshold": kind == .safetyClassifier ? "0.6" : "", "command": "fuzz seed"])
            try Checkpoint.save(model.parameters, metadata: meta, to: "\(dir)/\(kind.rawValue).safetensors")
        }
        let s = preset.hedging
        let policy = HedgingPolicy(actions: s.data.yawRatesDegrees.count, config: s.network, rng: &rng)
        try HedgingCheckpoint.save(policy, arm: .hedge, settings: s, command: "fuzz seed", to: dir + "/" + OCSFlyPolicyName.hedge.fileName)
        return try FuzzModelDirectory.read(dir, ocsPolicies.map(\.fileName))
    }

    static func runOCS(_ bytes: [UInt8]) {
        ocs.run(bytes) { dir, input in
            // the policies of the replaced files (every policy for a baseline named alone)
            for k in ocsPolicies.indices where input.replaced.isEmpty || input.replaced.contains(k) {
                flyOCS(dir, policy: ocsPolicies[k], preset: ocsPresets[input.baseline])
            }
        }
    }

    /// `fly --ocs DIR --ocs-policy P [--ocs-preset smoke]`: load as the viewer does, one
    /// decision on a frame of the network's size, then the simulation (one held-out world, no
    /// renderer) a few control ticks and a corruption change.
    static func flyOCS(_ dir: String, policy name: OCSFlyPolicyName, preset: (ocs: OCSSettings, hedging: HedgingSettings)) {
        var config = OCSFlyConfig()
        config.policy = name
        config.models = dir
        (config.ocs, config.hedging) = preset
        config.worlds = 1
        guard let policy = FuzzModelDirectory.attempt({ try OCSFlyModels.load(dir, policy: name, network: config.ocs.network, data: config.data) }) else { return }
        let (h, w) = policy.imageSize
        let p = policy.predict(images: [UInt8](repeating: 120, count: h * w), count: 1)
        _ = policy.decide(p, 0)
        _ = policy.risk(p, 0)
        guard var sim = FuzzModelDirectory.attempt({ try OCSFlySimulation(config: config, policy: policy, robot: ocsRobot, viewSize: nil) }) else { return }
        for _ in 0..<ticks where !sim.isDone { sim.tick(nil) }
        _ = sim.hudLines
        _ = sim.candidatePaths
        sim.setCorruption(rung: .blur, severity: 3)
        _ = sim.hudLines
    }
}
