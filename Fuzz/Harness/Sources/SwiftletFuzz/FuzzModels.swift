import App
import Foundation
import Geometry
@testable import Autonomy
@testable import Models
import Neural
import Runtime

/// The model-directory targets (`ldm`, `hintmodels`, `ocsfly`): loaders that read several files
/// of one directory. A scratch directory holds a complete set as the product's writers save it;
/// the input's first byte picks the file it replaces (modulo the file count), the rest are that
/// file's bytes, so every mutation meets the other files intact. A set that loads must be usable:
/// each target runs what the product does first with it (one forward pass, one filter query,
/// one dynamics rollout of the stored shape), with trapping arithmetic.
struct FuzzModelDirectory {
    /// The directory's files (name, valid bytes), in selector order.
    let files: [(name: String, bytes: [UInt8])]
    let folder: String

    /// A directory of the files `build` writes (a writer that fails stops the fuzzer: the seeds are part of the harness).
    init(_ target: String, build: () throws -> [(String, [UInt8])]) {
        do {
            files = try build().map { (name: $0.0, bytes: $0.1) }
        } catch {
            fatalError("fuzz: cannot write the \(target) seed models: \(error)")
        }
        folder = FuzzScratch.path(target)
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for f in self.files { write(f.name, f.bytes) }
    }

    func write(_ name: String, _ bytes: [UInt8]) {
        guard FileManager.default.createFile(atPath: folder + "/" + name, contents: Data(bytes)) else { fatalError("cannot write \(folder)/\(name)") }
    }

    /// Replaces the file the first byte picks, runs `body` on the directory, restores the file.
    func run(_ bytes: [UInt8], _ body: (String, Int) -> Void) {
        guard let selector = bytes.first else { return }
        let k = Int(selector) % files.count
        write(files[k].name, Array(bytes.dropFirst()))
        body(folder, k)
        write(files[k].name, files[k].bytes)
    }

    /// Seeds: each file as valid, behind its selector byte.
    var seeds: [(String, [UInt8])] {
        files.enumerated().map { k, f in ("\(k)-\(f.name)", [UInt8(k)] + f.bytes) }
    }

    /// `load()`, or nil when it throws; with FUZZ_EXPLAIN set the error is printed (to see why a
    /// replayed input is refused, e.g. that the seeds load).
    static func attempt<T>(_ load: () throws -> T) -> T? {
        do {
            return try load()
        } catch {
            if explain { FileHandle.standardError.write(Data("refused: \(error)\n".utf8)) }
            return nil
        }
    }

    static let explain = ProcessInfo.processInfo.environment["FUZZ_EXPLAIN"] != nil

    /// The files of a directory the product's writer filled.
    static func read(_ dir: String, _ names: [String]) throws -> [(String, [UInt8])] {
        try names.map { ($0, [UInt8](try Data(contentsOf: URL(fileURLWithPath: dir + "/" + $0)))) }
    }
}

enum FuzzModels {
    // MARK: ldm

    /// Settings the `ldm` seeds were saved with (and are loaded for): the smoke preset at one
    /// stored percentile.
    static let ldmSettings: LDMFlightSettings = {
        var s = LDMFlightSettings.preset(named: "smoke")!
        s.learning.percentiles = [10]
        return s
    }()

    /// `LDMFlightModelFiles` (`fly --ldm-models DIR`, `experiment ldm --models DIR`) and, as a
    /// sixth file, a normalizing-flow density (`DensityModels.load`).
    static let ldm = FuzzModelDirectory("ldm", build: ldmFiles)

    static func ldmFiles() throws -> [(String, [UInt8])] {
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
        return try FuzzModelDirectory.read(dir, ["settings.json", "dynamics.safetensors", "density.json", "ldm.safetensors", "levels.json",
                                                 "flow.safetensors"])
    }

    static func runLDM(_ bytes: [UInt8]) {
        ldm.run(bytes) { dir, k in
            if k == 5 {
                // the density model alone: one batch of log-densities
                guard let flow = FuzzModelDirectory.attempt({ try DensityModels.load(dir + "/flow.safetensors") }) else { return }
                _ = flow.logDensities([Float](repeating: 0.5, count: 2 * flow.dimension))
                return
            }
            guard let prepared = FuzzModelDirectory.attempt({ try LDMFlightModelFiles.load(from: dir, settings: ldmSettings) }) else { return }
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
        }
    }

    // MARK: hintmodels

    /// `HIntExperiment.load` (`experiment hint --models DIR`, `fly --hint DIR`): the deploying
    /// robot's dynamics, another robot's, and the three image models, small networks of the
    /// experiment's shapes.
    static let hint = FuzzModelDirectory("hintmodels", build: hintFiles)

    static func hintFiles() throws -> [(String, [UInt8])] {
        var rng = RNG(seed: 3)
        let dir = FuzzScratch.path("hint-seed")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let h = HIntTraining.horizon
        var names: [String] = []
        for p in [HIntExperiment.deploying, .rccar] {
            let config = PoseDynamicsConfig(stateDim: 2, actionDim: 1, horizon: h, hidden: [3], stateScale: [2, 1], actionScale: [0.5])
            try PoseDynamics(config: config, rng: &rng).save(to: "\(dir)/dynamics-\(p.rawValue).safetensors")
            names.append("dynamics-\(p.rawValue).safetensors")
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
        let perception = small(.hintPerception(height: 8, width: 12, horizon: h))
        let action = small(HIntTraining.actionModelConfig(height: 8, width: 12))
        for (name, config) in [("perception", perception), ("single-source", action), ("pooled", action)] {
            try CollisionPredictor(config: config, rng: &rng).save(to: "\(dir)/\(name).safetensors")
            names.append("\(name).safetensors")
        }
        return try FuzzModelDirectory.read(dir, names)
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
        }
    }

    // MARK: ocsfly

    /// `OCSFlyModels.load` (`fly --ocs --ocs-models DIR`): the OCS regression and classifier
    /// checkpoints and a hedging arm, small networks as the experiments save them.
    static let ocs = FuzzModelDirectory("ocsfly", build: ocsFiles)
    static let ocsPolicies: [OCSFlyPolicyName] = [.regression, .threshold, .hedge]

    /// The network the seeds are built with (and old checkpoints without one are read as): the
    /// OCS smoke preset's (48 x 64 images, 8 k weights).
    static let ocsNetwork = OCSSettings.smoke.network

    static func ocsFiles() throws -> [(String, [UInt8])] {
        var rng = RNG(seed: 5)
        let dir = FuzzScratch.path("ocs-seed")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let data = OCSDataSettings()
        for kind in [OCSModelKind.rewardRegression, .safetyClassifier] {
            // the metadata `OCSReport.write` stores with each model
            let model = OCSModel(kind: kind, actions: data.yawRatesDegrees.count, config: ocsNetwork, positiveWeight: 10, rng: &rng)
            let meta = CheckpointMetadata(architecture: OCSReport.architecture(kind),
                                          trainingConfig: ["epochs": "2", "batch": "32", "lr": "0.001", "positive_weight": "\(model.positiveWeight)"],
                                          extra: ["network": ocsNetwork.metadataValue, "actions": "\(model.actions)", "ocs": "0.5,0.25",
                                                  "threshold": kind == .safetyClassifier ? "0.6" : "", "command": "fuzz seed"])
            try Checkpoint.save(model.parameters, metadata: meta, to: "\(dir)/\(kind.rawValue).safetensors")
        }
        var s = HedgingSettings.smoke
        s.network = ocsNetwork
        let policy = HedgingPolicy(actions: data.yawRatesDegrees.count, config: s.network, rng: &rng)
        try HedgingCheckpoint.save(policy, arm: .hedge, settings: s, command: "fuzz seed", to: dir + "/" + OCSFlyPolicyName.hedge.fileName)
        return try FuzzModelDirectory.read(dir, ocsPolicies.map(\.fileName))
    }

    static func runOCS(_ bytes: [UInt8]) {
        ocs.run(bytes) { dir, k in
            let data = OCSSettings.smoke.data
            guard let policy = FuzzModelDirectory.attempt({ try OCSFlyModels.load(dir, policy: ocsPolicies[k], network: ocsNetwork, data: data) }) else { return }
            // one decision on one camera frame of the network's size, as the viewer's first step
            let (h, w) = policy.imageSize
            let p = policy.predict(images: [UInt8](repeating: 120, count: h * w), count: 1)
            _ = policy.decide(p, 0)
            _ = policy.risk(p, 0)
        }
    }
}
