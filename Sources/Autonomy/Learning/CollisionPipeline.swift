import Diagnostics
import Foundation
import Geometry
import Models
import Neural
import Physics
import Runtime
import World

/// `swiftlet train collision`: collect -> train -> evaluate, writing into one directory:
///
/// - `NAME.safetensors` (+ `.json` sidecar; NAME defaults to `gts-collision`): the model, its
///   planner settings, the training record (config, data set hash, transitions, steps, the
///   command);
/// - `NAME-curves.csv`, `NAME-curves.svg`: training and validation loss per epoch;
/// - `eval.md`, `eval.csv`, `eval-episodes.csv`: the held-out evaluation with the baselines;
/// - `NAME-report.md`: data, training and evaluation summary.
///
/// Round 0 collects `initialSteps` of uniformly random yaw-rate sequences in the training worlds
/// and trains `epochs` epochs; each further round collects `roundSteps` with epsilon-greedy (or
/// Gaussian) exploration around the current model and trains `roundEpochs` more on all data.
/// Validation episodes (a fixed hashed subset) drive early stopping; the best weights are kept.
public enum CollisionPipeline {
    public static let defaultName = "gts-collision"

    /// One row of the training curves.
    public struct EpochRecord: Sendable, Equatable {
        public var round: Int
        public var epoch: Int
        public var steps: Int
        public var samples: Int
        public var trainLoss: Double
        public var validationLoss: Double
    }

    public struct Result: Sendable {
        public var modelPath: String
        public var curves: [EpochRecord]
        public var bestValidationLoss: Double
        public var datasetHash: String
        public var samples: Int
        public var evaluation: EvaluationReport?
        public var files: [String]
        /// Vehicle contacts collected in each round, round 0 first (nil without swarm collection).
        public var vehicleContactsByRound: [Int]?
    }

    /// Runs the pipeline. `command` is stored in the metadata and the report (how to reproduce).
    /// With `data` (`.swcd` files from `swiftlet collect`, see `CollisionShards`) round 0 trains
    /// on those shards instead of collecting `initialSteps`; later rounds collect as configured.
    public static func run(_ config: CollisionPipelineConfig, out: String, name: String = defaultName, command: String = "",
                           data dataFiles: [String] = [],
                           progress sink: Diagnostics.Progress.Sink = .standardError) throws -> Result {
        if let p = config.validationProblem { throw InputError("config", p) }
        let profile = try DomainProfile.named(config.domain, source: "config", at: "domain")
        try OutputPath.prepareDirectory(out, source: "--out")
        let log: (String) -> Void = { sink.write($0 + "\n") }
        let clock = Diagnostics.Progress.monotonicSeconds
        let t0 = clock()

        // worlds (never held-out ones)
        let (specs, env, models) = try collectionWorlds(config, profile: profile)

        // round 0: uniform random sequences, or the shards given
        var data: CollisionDataset
        var dataWorlds = specs
        if dataFiles.isEmpty {
            data = try collect(config, models: models, specs: specs, env: env, profile: profile, round: 0, predictor: nil, sink: sink)
            log("round 0: \(summary(data))")
        } else {
            (data, dataWorlds) = try CollisionShards.load(dataFiles, config: config)
            log("round 0: \(dataFiles.count) collected shard(s): \(summary(data))")
            // later rounds collect in the config's worlds
            if config.rounds > 0 { dataWorlds += specs.filter { !dataWorlds.contains($0) } }
        }
        // each round's vehicle contacts (swarm lanes only), kept apart: the merged data's info is round 0's
        var roundContacts = [vehicleContacts(data)]
        recordContacts(roundContacts, in: &data)

        var rng = RNG(seed: config.seed, stream: 0x5452_4149)
        let trainer = CollisionTrainer(CollisionPredictor(config: config.modelConfig, rng: &rng), config: config.training)
        log("model: \(trainer.predictor.parameterCount) parameters")
        var curves: [EpochRecord] = []
        var best = try train(config, trainer: trainer, data: data, round: 0, epochs: config.epochs, rng: &rng, curves: &curves, sink: sink)

        for round in 1...max(1, config.rounds) where round <= config.rounds {
            let more = try collect(config, models: models, specs: specs, env: env, profile: profile, round: round,
                                   predictor: trainer.predictor, sink: sink)
            log("round \(round): \(summary(more))")
            data.append(more)
            roundContacts.append(vehicleContacts(more))
            recordContacts(roundContacts, in: &data)
            if config.roundEpochs > 0 {
                best = try train(config, trainer: trainer, data: data, round: round, epochs: config.roundEpochs, rng: &rng,
                                 curves: &curves, sink: sink)
            }
        }
        let tTrain = clock()

        // model + metadata
        let hash = String(format: "%016llx", FNV1a.hash(try data.encoded()))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let configJSON = String(decoding: try encoder.encode(config), as: UTF8.self)
        var notes = ["pipeline_config": configJSON, "best_validation_loss": String(best), "rounds": String(config.rounds),
                     "domain": profile.name, "train_worlds": dataWorlds.joined(separator: ",")]
        if !dataFiles.isEmpty { notes["data_files"] = dataFiles.joined(separator: ",") }
        if !command.isEmpty { notes["command"] = command }
        let contacts = contactsByRound(roundContacts)
        if let contacts { notes["vehicle_contacts_by_round"] = contacts.map(String.init).joined(separator: ",") }
        let record = CollisionTrainingRecord(training: config.training, datasetHash: hash,
                                             realTransitions: profile != .sim ? data.sampleCount : 0,
                                             simTransitions: profile != .sim ? 0 : data.sampleCount,
                                             steps: trainer.steps, notes: notes)
        let modelPath = out + "/" + name + ".safetensors"
        try LearnedPolicy.save(trainer.predictor, settings: config.policy, record: record, to: modelPath)
        var files = [modelPath, modelPath + ".json"]

        // curves
        var csv = CSVWriter(header: ["round", "epoch", "steps", "samples", "train_loss", "validation_loss"])
        for r in curves {
            csv.addRow([String(r.round), String(r.epoch), String(r.steps), String(r.samples), CSVWriter.field(r.trainLoss),
                        CSVWriter.field(r.validationLoss)])
        }
        try csv.write(to: out + "/\(name)-curves.csv")
        var plot = SVGPlot(title: "Collision predictor: weighted sigmoid cross-entropy", xLabel: "epoch (all rounds)", yLabel: "loss")
        let xs = curves.indices.map { Double($0 + 1) }
        plot.add(.init(name: "train", x: xs, y: curves.map(\.trainLoss), style: .lineAndPoints))
        plot.add(.init(name: "validation", x: xs, y: curves.map(\.validationLoss), style: .lineAndPoints))
        try plot.write(to: out + "/\(name)-curves.svg")
        files += [out + "/\(name)-curves.csv", out + "/\(name)-curves.svg"]

        // evaluation on held-out worlds, the saved file against the baselines
        var evaluation: EvaluationReport? = nil
        if config.evalEpisodes > 0 {
            var job = EvalJob()
            job.policies = [modelPath]
            job.baselines = config.evalBaselines
            job.worlds = config.evalWorlds
            job.worldCount = config.evalWorldCount
            job.episodes = config.evalEpisodes
            job.robot = config.robot
            job.domain = config.domain
            job.routeLength = config.evalRoute
            job.seed = config.seed
            job.env = config.env
            job.out = out
            evaluation = try job.run(registry: .standard, progress: sink)
            files += [out + "/eval.md", out + "/eval.csv", out + "/eval-episodes.csv"]
        }
        let tEnd = clock()

        let report = reportMarkdown(config, data: data, curves: curves, best: best, hash: hash, steps: trainer.steps,
                                    parameters: trainer.predictor.parameterCount, specs: dataWorlds, dataFiles: dataFiles, contacts: contacts,
                                    evaluation: evaluation, name: name, command: command, trainSeconds: tTrain - t0, evalSeconds: tEnd - tTrain)
        try AtomicFile.write(report, to: out + "/\(name)-report.md")
        files.append(out + "/\(name)-report.md")
        return Result(modelPath: modelPath, curves: curves, bestValidationLoss: best, datasetHash: hash, samples: data.sampleCount,
                      evaluation: evaluation, files: files, vehicleContactsByRound: contacts)
    }

    /// The training worlds' specs, the collection env (the config's, with the collection episode
    /// time) and one model per world; a held-out world is refused.
    static func collectionWorlds(_ config: CollisionPipelineConfig,
                                 profile: DomainProfile) throws -> (specs: [String], env: EnvSettings, models: [EnvModel]) {
        let specs = try WorldSet.specs(config.trainWorlds, count: config.trainWorldCount, source: "trainWorlds", countSource: "trainWorldCount")
        let scenes = try WorldSet.scenes(specs)
        if let bad = scenes.firstIndex(where: WorldCatalog.isHeldOut) {
            throw InputError("trainWorlds", at: specs[bad], "is a held-out evaluation world; training on it would leak test data")
        }
        let robot = try URDFLoader.load(path: config.robot)
        var env = config.env
        env.maxEpisodeTime = config.collectionEpisodeTime
        return (specs, env, try scenes.map { try EnvModel(scene: $0, robot: robot, settings: env, domain: profile) })
    }

    /// One round of collection: uniform sequences (round 0) or exploration around `predictor`.
    static func collect(_ config: CollisionPipelineConfig, models: [EnvModel], specs: [String], env: EnvSettings,
                        profile: DomainProfile, round: Int, predictor: CollisionPredictor?,
                        sink: Diagnostics.Progress.Sink) throws -> CollisionDataset {
        let steps = round == 0 ? config.initialSteps : config.roundSteps
        var registry = PolicyRegistry.standard
        let kind: ExplorationKind
        if let predictor {
            let name = "learned-round-\(round)"
            registry.register(LearnedPolicy.spec(predictor: predictor, settings: config.collectionPolicy, name: name))
            kind = config.roundExploration == "gaussian" ? .gaussianDefault(base: name, steps: steps) : .epsilonDefault(base: name, steps: steps)
        } else {
            kind = .uniformSequences
        }
        let settings = CollectionSettings(worlds: specs, env: env, domain: profile, steps: steps,
                                          seed: RNG.mix(config.seed, UInt64(round)), exploration: kind,
                                          horizon: config.horizon, lanes: config.lanes, swarm: config.collectionSwarm)
        let progress = Diagnostics.Progress(label: "collect round \(round)", total: steps, unit: "steps", sink: sink)
        return try Collector.run(settings, models: models, registry: registry, progress: progress)
    }

    static func summary(_ d: CollisionDataset) -> String {
        let known = d.masks.reduce(0) { $0 + Int($1) }
        var positive = 0
        for i in d.labels.indices where d.masks[i] == 1 && d.labels[i] == 1 { positive += 1 }
        return "\(d.sampleCount) samples, \(Set(d.episodes).count) episodes, \(Collector.collisionCount(d)) collisions\(CollectJob.contactsNote(d)), "
            + "positive labels \(positive)/\(known)"
    }

    /// The vehicle contacts a round's data set counted (`Collector`'s `info["vehicleContacts"]`;
    /// nil: no swarm lanes).
    static func vehicleContacts(_ d: CollisionDataset) -> Int? { d.info["vehicleContacts"].flatMap { Int($0) } }

    /// Every round's contacts, a round without swarm lanes as 0; nil when no round had swarm lanes.
    static func contactsByRound(_ rounds: [Int?]) -> [Int]? {
        rounds.contains { $0 != nil } ? rounds.map { $0 ?? 0 } : nil
    }

    /// Writes the contacts of the rounds merged so far into the merged data's info, which
    /// `CollisionDataset.append` leaves as round 0's: `vehicleContacts` the total and
    /// `vehicleContactsByRound` each round's count, comma-separated. Without swarm lanes the
    /// info is left alone (single-vehicle data sets, and their hash, are unchanged).
    static func recordContacts(_ rounds: [Int?], in data: inout CollisionDataset) {
        guard let counts = contactsByRound(rounds) else { return }
        data.info["vehicleContacts"] = String(counts.reduce(0, +))
        data.info["vehicleContactsByRound"] = counts.map(String.init).joined(separator: ",")
    }

    /// Trains up to `epochs` epochs with early stopping on the validation loss; leaves the best
    /// weights in the trainer and returns the best validation loss.
    static func train(_ config: CollisionPipelineConfig, trainer: CollisionTrainer, data: CollisionDataset, round: Int,
                      epochs: Int, rng: inout RNG, curves: inout [EpochRecord], sink: Diagnostics.Progress.Sink) throws -> Double {
        let split = DatasetBatches.splitByEpisode(data, validationFraction: config.validationFraction, seed: config.seed)
        guard !split.train.isEmpty, !split.validation.isEmpty else {
            throw InputError("config", at: "validationFraction", "the \(Set(data.episodes).count) collected episodes cannot be split into training and validation (collect more steps)")
        }
        let mc = trainer.predictor.config
        var bestLoss = validationLoss(trainer, data: data, indices: split.validation, config: mc)
        var bestParams = trainer.predictor.parameters
        var stale = 0
        let classes = config.rebalance ? split.train.map { DatasetBatches.hasPositive(data, $0) ? 1 : 0 } : []
        for epoch in 0..<epochs {
            let order: [[Int]] = config.rebalance
                ? Minibatches.rebalanced(classes: classes, count: split.train.count, size: config.batchSize, rng: &rng)
                : Minibatches.shuffled(count: split.train.count, size: config.batchSize, rng: &rng)
            let progress = Diagnostics.Progress(label: "train round \(round) epoch \(epoch + 1)/\(epochs)", total: split.train.count,
                                                unit: "samples", sink: sink)
            var total = 0.0, window = 0.0, count = 0
            for (b, idx) in order.enumerated() {
                let r = trainer.step(DatasetBatches.batch(data, idx.map { split.train[$0] }, config: mc))
                total += Double(r.loss); window += Double(r.loss); count += 1
                if (b + 1) % 20 == 0 || b == order.count - 1 {
                    progress.advance(by: 0, note: "loss \(Statistics.format(window / Double((b % 20) + 1), digits: 3))")
                    window = 0
                }
                progress.advance(by: idx.count)
            }
            progress.finish()
            let trainLoss = total / Double(max(1, count))
            let vl = validationLoss(trainer, data: data, indices: split.validation, config: mc)
            curves.append(EpochRecord(round: round, epoch: epoch + 1, steps: trainer.steps, samples: data.sampleCount,
                                      trainLoss: trainLoss, validationLoss: vl))
            sink.write("round \(round) epoch \(epoch + 1): train loss \(Statistics.format(trainLoss, digits: 4)), validation loss \(Statistics.format(vl, digits: 4))\(vl < bestLoss ? " (best)" : "")\n")
            if vl < bestLoss {
                bestLoss = vl
                bestParams = trainer.predictor.parameters
                stale = 0
            } else {
                stale += 1
                if stale >= config.patience { break }
            }
        }
        trainer.setParameters(bestParams)
        return bestLoss
    }

    /// Mask-weighted mean loss over `indices`.
    static func validationLoss(_ trainer: CollisionTrainer, data: CollisionDataset, indices: [Int], config: CollisionPredictorConfig) -> Double {
        var total = 0.0, weight = 0.0
        var start = 0
        while start < indices.count {
            let idx = Array(indices[start..<min(start + 256, indices.count)])
            let b = DatasetBatches.batch(data, idx, config: config)
            let w = Double(b.mask!.data.reduce(0, +))
            if w > 0 { total += Double(trainer.loss(b, chunk: 256)) * w; weight += w }
            start += 256
        }
        return weight > 0 ? total / weight : 0
    }

    static func reportMarkdown(_ c: CollisionPipelineConfig, data: CollisionDataset, curves: [EpochRecord], best: Double, hash: String,
                               steps: Int, parameters: Int, specs: [String], dataFiles: [String], contacts: [Int]?, evaluation: EvaluationReport?,
                               name: String, command: String,
                               trainSeconds: Double, evalSeconds: Double) -> String {
        var s = "# GtS collision predictor: training report\n\n"
        if !command.isEmpty { s += "Command: `\(command)`\n\n" }
        s += "- domain: \(c.domain); training worlds (\(specs.count)): \(specs.joined(separator: ", "))\n"
        let first = dataFiles.isEmpty ? "\(c.initialSteps) uniform-sequence steps" : "\(dataFiles.count) collected shard(s) (\(dataFiles.joined(separator: ", ")))"
        s += "- data: \(summary(data)); \(first) + \(c.rounds) x \(c.roundSteps) \(c.roundExploration) steps around the model; data set hash \(hash)\n"
        if let swarm = c.collectionSwarm { s += "- swarm collection: \(swarm.summary) of \(c.lanes) in every round\n" }
        if let contacts {
            s += "- vehicle contacts per round: \(contacts.map(String.init).joined(separator: ", ")) (total \(contacts.reduce(0, +)))\n"
        }
        s += "- model: \(parameters) parameters, \(c.imageHeight)x\(c.imageWidth)x\(c.frames) input, horizon \(c.horizon)\n"
        s += "- training: \(steps) Adam steps, batch \(c.batchSize), lr \(c.learningRate), positive weight \(c.positiveWeight), "
            + "weight decay \(c.weightDecay), clip \(c.gradientClip)\(c.rebalance ? ", class-rebalanced batches" : ""); best validation loss \(Statistics.format(best, digits: 4))\n"
        s += "- wall time: collect + train \(Statistics.format(trainSeconds / 60, digits: 3)) min, evaluation \(Statistics.format(evalSeconds / 60, digits: 3)) min\n\n"
        s += "## Training curves (\(name)-curves.csv, .svg)\n\n"
        var t = MarkdownTable(["round", "epoch", "steps", "samples", "train loss", "validation loss"],
                              alignments: [.right, .right, .right, .right, .right, .right])
        for r in curves {
            t.addRow([String(r.round), String(r.epoch), String(r.steps), String(r.samples), Statistics.format(r.trainLoss, digits: 4),
                      Statistics.format(r.validationLoss, digits: 4)])
        }
        s += t.render() + "\n"
        if let e = evaluation {
            s += "## Evaluation (\(c.evalWorlds), \(c.evalWorldCount) worlds, \(c.evalEpisodes) episodes each, \(c.domain) profile, route \(Statistics.format(c.evalRoute)) m)\n\n"
            s += e.markdown() + "\n" + e.comparisonMarkdown(policy: 0)
        }
        return s
    }
}
