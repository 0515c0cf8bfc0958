import Diagnostics
import Foundation
import Models
import Physics

/// Choosing how G is trained without the sweep's episodes (docs/ldm.md, "Session 6"): the data,
/// dynamics, density and G of `settings` with no visit rounds are learned once; each candidate
/// (settings that may differ only in the visit rounds and in G's own training settings) builds
/// its G from those pieces, and after every visit round the LDM filter at
/// `validationPercentile` flies the validation episodes (`validationEpisodes` from index
/// `validationFirstEpisode`, disjoint from the sweep's and the visit rounds'). A candidate with
/// several rounds is flown after every round, so a stopping rule can be applied to the scores.
public enum LDMFlightValidation {
    /// A named variant of the settings.
    public struct Candidate: Sendable {
        public var name: String
        public var settings: LDMFlightSettings
        public init(name: String, settings: LDMFlightSettings) {
            self.name = name
            self.settings = settings
        }
    }

    /// One candidate after `round` visit rounds (0 = G on the data states only), on the
    /// validation episodes.
    public struct Result: Sendable {
        public var candidate: String
        public var round: Int
        /// G's final backup MSE.
        public var backupLoss: Float
        public var result: LDMConditionResult
        public init(candidate: String, round: Int, backupLoss: Float, result: LDMConditionResult) {
            self.candidate = candidate
            self.round = round
            self.backupLoss = backupLoss
            self.result = result
        }

        /// The validation score: OOD step fraction + crash rate (estimates), lower is better.
        public var score: Double { result.oodFraction.estimate + result.crashRate.estimate }
    }

    /// The settings with the keys a candidate may change taken from `base`.
    static func fixedPart(_ s: LDMFlightSettings, base: LDMFlightSettings) -> LDMFlightSettings {
        var r = s
        r.ldmVisitRounds = base.ldmVisitRounds
        r.ldmVisitEpisodes = base.ldmVisitEpisodes
        r.ldmVisitPercentiles = base.ldmVisitPercentiles
        r.learning.ldm = base.learning.ldm
        return r
    }

    /// Flies the validation episodes with the LDM filter at `settings.validationPercentile` on
    /// `prepared` (on `settings.threads` threads over a `FixedPartition`: each episode depends
    /// only on its index, so the result does not depend on the thread count).
    public static func fly(prepared: LDMFlightExperiment.Prepared, robot: RobotDescription,
                           settings: LDMFlightSettings) throws -> LDMConditionResult {
        guard let level = prepared.models.levels.first(where: { $0.percentile == settings.validationPercentile }) else {
            throw InputError("validation", at: "validationPercentile", "no filter level at \(settings.validationPercentile)")
        }
        let spec = LDMFilterSpec(kind: .ldm, level: level)
        let episodes = FixedPartition.map(count: settings.validationEpisodes, threads: settings.threads) { k in
            LDMFlightExperiment.episode(spec: spec, prepared: prepared, robot: robot, settings: settings,
                                        index: settings.validationFirstEpisode + k).metrics
        }
        return LDMConditionResult(spec: spec, episodes: episodes)
    }

    /// Every candidate (and the pieces without visits, as round 0 of the first row) on the
    /// validation episodes, in order (candidate, round).
    /// With `saveModels`, the pieces of every row are written to `saveModels/<candidate>-r<round>`
    /// (`LDMFlightModelFiles`, stored with `ldmVisitRounds` = the round), so a sweep with the chosen
    /// settings can fly them (`experiment ldm --models`) instead of learning them again.
    public static func run(_ settings: LDMFlightSettings, candidates: [Candidate], robot: RobotDescription, saveModels: String? = nil,
                           log: (String) -> Void = { _ in }) throws -> [Result] {
        var base = settings
        base.ldmVisitRounds = 0
        try base.validate()
        for c in candidates {
            try c.settings.validate(source: c.name)
            guard fixedPart(c.settings, base: base) == base else {
                throw InputError(c.name, "a validation candidate may change only ldmVisitRounds, ldmVisitEpisodes, ldmVisitPercentiles and learning.ldm")
            }
        }
        let data = try LDMFlightExperiment.learningData(robot: robot, settings: base)
        let prepared = try LDMFlightExperiment.prepare(robot: robot, settings: base, data: data, log: log)
        var results: [Result] = []
        func record(_ name: String, _ round: Int, _ p: LDMFlightExperiment.Prepared, _ s: LDMFlightSettings) throws -> Result {
            let r = Result(candidate: name, round: round, backupLoss: p.models.ldm.finalLoss, result: try fly(prepared: p, robot: robot, settings: s))
            if let saveModels {
                var stored = s
                stored.ldmVisitRounds = round
                try LDMFlightModelFiles.save(p, settings: stored, to: saveModels + "/\(directoryName(name))-r\(round)")
            }
            log("validation \(name) round \(round): OOD \(r.result.oodFraction.formatted()), crash \(r.result.crashRate.formatted()), score \(Statistics.format(r.score, digits: 4))")
            results.append(r)
            return r
        }
        _ = try record("no visits", 0, prepared, base)
        for c in candidates {
            _ = try LDMFlightExperiment.visitRounds(prepared: prepared, trainStates: data.train.states, robot: robot, settings: c.settings,
                                                    log: log) { round, p in
                _ = try record(c.name, round, p, c.settings)
                return true
            }
        }
        return results
    }

    /// `name` with anything but letters, digits, '-' and '_' replaced by '-'.
    static func directoryName(_ name: String) -> String {
        String(name.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "-" })
    }

    /// A Markdown table of `results`.
    public static func table(_ results: [Result]) -> String {
        var out = "| candidate | visit rounds | G backup MSE | episodes | OOD step fraction | crash rate | score (OOD + crash) | fallback | progress |\n"
        out += "|---|---|---|---|---|---|---|---|---|\n"
        for r in results {
            let c = r.result
            out += "| \(r.candidate) | \(r.round) | \(String(format: "%.3f", r.backupLoss)) | \(c.episodes.count) | \(c.oodFraction.formatted()) | "
            out += "\(c.crashRate.formatted()) | \(Statistics.format(r.score, digits: 4)) | \(Statistics.format(c.fallbackFraction, digits: 3)) | "
            out += "\(c.progress.formatted()) |\n"
        }
        return out
    }
}
