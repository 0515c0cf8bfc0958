import Diagnostics
import Foundation
import Models
import Runtime

/// The checkpoint files of a GtS experiment (`swiftlet experiment gts --models DIR`): their
/// names, and loading a trained run's models back with a check that each one is what the
/// config would have trained (architecture, planner settings, optimiser, data counts, steps).
public enum GtSCheckpoints {
    /// File stem of a real-budget model: "gts-1.00h", "real-only-0.250h", "sim-finetune-all-1.00h".
    public static func stem(method: String, hours: Double) -> String {
        "\(method.lowercased().replacingOccurrences(of: "+", with: "-"))-\(GtSExperiment.fmtHours(hours))"
    }

    /// File stem of the step-matched sim-only baseline: "sim-only-plus-1000-sim-steps".
    public static func stepMatchedStem(_ extraSteps: Int) -> String { "sim-only-plus-\(extraSteps)-sim-steps" }

    /// "1,000", "12,345".
    public static func grouped(_ n: Int) -> String {
        let digits = Array(String(abs(n)))
        var out = ""
        for (i, d) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
            out.append(d)
        }
        return (n < 0 ? "-" : "") + out
    }

    /// Every model the config trains (sim-only first, then GtS and real-only per budget and
    /// finetune-all at the main budget, in the order `GtSExperiment.run` trains them), loaded
    /// from `dir` and checked against `c`. The sweep's models are only required when the sweep
    /// is evaluated (`sweepEpisodesPerWorld` > 0). Throws an `InputError` naming the file for a
    /// missing checkpoint or one whose metadata does not match.
    public static func load(_ c: GtSExperimentConfig, dir: String) throws -> [GtSExperiment.TrainedModel] {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue else {
            throw InputError("--models", "'\(dir)' is not a directory")
        }
        let source = try c.simModel.map { try GtSSimModel.load(c, file: $0).1 }
        let sim = try checked(c, file: dir + "/sim-only.safetensors", method: GtSExperiment.simOnly, hours: 0, simSource: source)
        var models = [sim]
        let hours = c.sweepEpisodesPerWorld > 0 ? c.allRealHours : [c.realHours]
        for h in hours {
            var methods = [GtSExperiment.gts, GtSExperiment.realOnly]
            if h == c.realHours { methods.append(GtSExperiment.finetuneAll) }
            for m in methods {
                let model = try checked(c, file: dir + "/" + stem(method: m, hours: h) + ".safetensors", method: m, hours: h,
                                        simSource: source)
                if m != GtSExperiment.realOnly {
                    let extra = model.record.steps - sim.record.steps
                    guard model.record.notes["realUpdates"] == String(extra) else {
                        throw InputError(model.file, at: "training_record.steps",
                                         "\(model.record.steps) steps is not sim-only's \(sim.record.steps) + realUpdates \(model.record.notes["realUpdates"] ?? "?")")
                    }
                }
                models.append(model)
            }
        }
        return models
    }

    /// The step-matched sim-only checkpoint at `file`, checked against the config and against
    /// the sim-only model it continues: 0 real transitions, the sim phase's data, sim-only's
    /// steps + `extraSteps`, GtS's frozen prefixes.
    public static func loadStepMatched(_ c: GtSExperimentConfig, file: String, sim: GtSExperiment.TrainedModel,
                                       extraSteps: Int) throws -> GtSExperiment.TrainedModel {
        let m = try checked(c, file: file, method: GtSExperiment.simOnlyStepMatched, hours: 0)
        guard m.record.steps == sim.record.steps + extraSteps, m.record.notes["extraSimUpdates"] == String(extraSteps) else {
            throw InputError(file, at: "training_record.steps", "\(m.record.steps) steps, expected sim-only's \(sim.record.steps) + \(extraSteps)")
        }
        guard m.record.datasetHash == sim.record.datasetHash else {
            throw InputError(file, at: "datasetHash", "'\(m.record.datasetHash)' is not the sim phase's data '\(sim.record.datasetHash)'")
        }
        return m
    }

    /// Loads checkpoint `file` of `method` and checks what every GtS checkpoint of config `c`
    /// shares: the network, the planner settings and the method. `missing` says what to do when
    /// the file does not exist; `mismatch(key, found, expected)` builds the error for a check.
    static func loadMatching(_ c: GtSExperimentConfig, file: String, method: String, missing: String,
                             mismatch: (String, String, String) -> InputError) throws -> CollisionTrainingRecord {
        guard FileManager.default.fileExists(atPath: file) else { throw InputError(file, "missing: " + missing) }
        let (predictor, settings, record) = try LearnedPolicy.load(file)
        if predictor.config != c.modelConfig { throw mismatch("model_config", "\(predictor.config)", "\(c.modelConfig)") }
        if settings != c.policySettings { throw mismatch("policy_settings", "\(settings)", "\(c.policySettings)") }
        if record.notes["method"] != method { throw mismatch("training_record.notes.method", record.notes["method"] ?? "", method) }
        return record
    }

    /// Loads `file` and checks its metadata against what `c` trains for `method` at `hours`;
    /// `simSource` is the record of the config's `simModel` checkpoint (sim-only must be it, and
    /// the sim-based models count its sim transitions).
    static func checked(_ c: GtSExperimentConfig, file: String, method: String, hours: Double,
                        simSource: CollisionTrainingRecord? = nil) throws -> GtSExperiment.TrainedModel {
        func mismatch(_ key: String, _ found: String, _ expected: String) -> InputError {
            InputError(file, at: key, "'\(found)' does not match the config ('\(expected)'): trained with other settings")
        }
        let record = try loadMatching(c, file: file, method: method,
                                      missing: "--models needs every checkpoint the config trains (\(method)"
                                          + (hours > 0 ? " at \(GtSExperiment.fmtHours(hours))" : "") + ")",
                                      mismatch: mismatch)
        if method == GtSExperiment.simOnly, let source = simSource {
            // the loaded sim phase, copied: its own training settings, not the config's
            let expected = GtSSimModel.simOnlyRecord(source, file: c.simModel ?? "")
            var found = record
            found.notes[LearnedPolicy.settingsNote] = nil
            if found != expected { throw mismatch("training_record", "\(record)", "\(expected)") }
            return GtSExperiment.TrainedModel(method: method, hours: hours, file: file, record: record, curve: [])
        }
        var training = record.training
        training.frozenPrefixes = c.training.frozenPrefixes
        if training != c.training { throw mismatch("training_record.training", "\(record.training)", "\(c.training)") }
        let frozen = method == GtSExperiment.gts || method == GtSExperiment.simOnlyStepMatched ? CollisionPredictor.realPhaseFrozen
            : method == GtSExperiment.simOnly ? c.training.frozenPrefixes : []
        if record.training.frozenPrefixes != frozen {
            throw mismatch("training_record.training.frozenPrefixes", record.training.frozenPrefixes.joined(separator: ","),
                           frozen.joined(separator: ","))
        }
        let usesReal = hours > 0
        let real = usesReal ? c.realSteps(hours) : 0
        if record.realTransitions != real { throw mismatch("real_transitions", String(record.realTransitions), String(real)) }
        let sim = method == GtSExperiment.realOnly ? 0 : simSource?.simTransitions ?? c.simSteps
        if record.simTransitions != sim { throw mismatch("training_record.simTransitions", String(record.simTransitions), String(sim)) }
        if method == GtSExperiment.simOnly && record.notes["epochs"] != String(c.simEpochs) {
            throw mismatch("training_record.notes.epochs", record.notes["epochs"] ?? "", String(c.simEpochs))
        }
        if usesReal {
            let profile = record.notes["realProfile"] ?? DomainProfile.real.name
            if profile != c.realProfile { throw mismatch("training_record.notes.realProfile", profile, c.realProfile) }
            if record.notes["realHours"] != GtSExperiment.fmtHours(hours) {
                throw mismatch("training_record.notes.realHours", record.notes["realHours"] ?? "", GtSExperiment.fmtHours(hours))
            }
            if c.realUpdates > 0 && record.notes["realUpdates"] != String(c.realUpdates) {
                throw mismatch("training_record.notes.realUpdates", record.notes["realUpdates"] ?? "", String(c.realUpdates))
            }
        }
        return GtSExperiment.TrainedModel(method: method, hours: hours, file: file, record: record, curve: [])
    }
}
