import Diagnostics
import Foundation
import Physics
import Runtime
import World

/// `swiftlet eval`: policies over a world set, Markdown + CSV with 95% confidence intervals.
public struct EvalJob: Sendable {
    public var policies: [String] = []
    public var baselines = true
    public var worlds: String = "held-out"
    public var worldCount: Int = 6
    public var episodes: Int = 5
    public var robot: String = "Robots/cf2x.urdf"
    public var domain: String = "sim"
    public var routeLength: Double = 30
    public var seed: UInt64 = 0
    public var out: String? = nil
    public var env = EnvSettings()

    public init() {}

    /// Runs the evaluation, writes `out/eval.md`, `out/eval.csv` and `out/eval-episodes.csv` (every
    /// episode) when `out` is set, and returns
    /// the Markdown table.
    public func run(registry: PolicyRegistry = .standard, progress sink: Diagnostics.Progress.Sink = .standardError,
                    observer: TickObserver? = nil) throws -> EvaluationReport {
        guard episodes > 0 && episodes <= 100_000 else { throw InputError("--episodes", "must be in 1...100000, got \(episodes)") }
        guard routeLength > 0 && routeLength.isFinite else { throw InputError("--route", "must be positive, got \(routeLength)") }
        let profile = try DomainProfile.named(domain, source: "--domain")
        var names = policies
        if baselines { names += ["straight", "random", "privileged"].filter { !names.contains($0) } }
        guard !names.isEmpty else { throw InputError("--policy", "no policy to evaluate (give --policy or keep the baselines)") }
        let specs = try names.map { try registry.resolve($0) }
        let worldSpecs = try WorldSet.specs(worlds, count: worldCount)
        let scenes = try WorldSet.scenes(worldSpecs, flag: "--worlds")
        let description = try URDFLoader.load(path: robot)
        let settings = EvaluationSettings(worlds: worldSpecs, episodes: episodes, routeLength: routeLength, seed: seed)
        for spec in specs { if let why = spec.validate(env) { throw InputError("--policy", at: spec.name, why) } }
        let models = try scenes.map { try EnvModel(scene: $0, robot: description, settings: settings.env(env), domain: profile) }
        if let out { try OutputPath.prepareDirectory(out, source: "--out") }
        let progress = Diagnostics.Progress(label: "eval", total: specs.count * models.count * episodes, unit: "episodes", sink: sink)
        let report = Evaluator.run(settings, models: models, policies: specs, domain: profile.name, progress: progress, observer: observer)
        if let out {
            try AtomicFile.write(report.markdown(), to: out + "/eval.md")
            try report.csv().write(to: out + "/eval.csv")
            try report.episodesCSV().write(to: out + "/eval-episodes.csv")
        }
        return report
    }
}
