import Autonomy
import Diagnostics
import Foundation
import Physics
import Recording
import Runtime

/// `collect --record` and `eval --record`: the jobs run with a `RecordingObserver`.
///
/// File names (`FILE.mcap` given): collection `FILE-lane<L>-ep<E>.mcap` (lane L's E-th episode),
/// evaluation `FILE-<policy>-w<W>-ep<E>.mcap` (world index W of the set, episode E).
public enum RecordedJobs {
    /// Runs the collection job with one log per episode; returns the job's summary and the logs.
    public static func collect(_ job: CollectJob, record: String, imageEncoding: ImageMessageEncoding = .cdr,
                               registry: PolicyRegistry) throws -> (String, [String]) {
        try OutputPath.prepareParent(of: record, source: "--record")
        let specs = try WorldSet.specs(job.worlds, count: job.worldCount)
        let profile = try DomainProfile.named(job.domain, source: "--domain")
        let robot = try URDFLoader.load(path: job.robot)
        let worlds = try zip(specs, WorldSet.scenes(specs)).map { spec, scene in
            RecordingObserver.World(spec: spec, model: try EnvModel(scene: scene, robot: robot, settings: job.env, domain: profile))
        }
        let exploration = job.exploration
        let rec = RecordingObserver(worlds: worlds, robot: job.robot, command: "collect", policy: { _ in "explore:" + exploration },
                                    imageEncoding: imageEncoding,
                                    path: { r in RecordingObserver.episodePath(record, "lane\(r.lane)-ep\(r.episode)") })
        let summary = try job.run(registry: registry, observer: rec.observer)
        return (summary, try rec.finish())
    }

    /// Runs the evaluation with one log per episode; returns the report and the logs.
    public static func eval(_ job: EvalJob, record: String, imageEncoding: ImageMessageEncoding = .cdr,
                            registry: PolicyRegistry) throws -> (EvaluationReport, [String]) {
        try OutputPath.prepareParent(of: record, source: "--record")
        let specs = try WorldSet.specs(job.worlds, count: job.worldCount)
        let profile = try DomainProfile.named(job.domain, source: "--domain")
        let robot = try URDFLoader.load(path: job.robot)
        let settings = EvaluationSettings(worlds: specs, episodes: job.episodes, routeLength: job.routeLength, seed: job.seed)
        let env = settings.env(job.env)
        let worlds = try zip(specs, WorldSet.scenes(specs)).map { spec, scene in
            RecordingObserver.World(spec: spec, model: try EnvModel(scene: scene, robot: robot, settings: env, domain: profile))
        }
        // the evaluator's work items: policy p covers items [p * perPolicy, (p + 1) * perPolicy)
        var names = job.policies
        if job.baselines { names += ["straight", "random", "privileged"].filter { !names.contains($0) } }
        let perPolicy = specs.count * job.episodes
        let policyNames = names.map { ($0 as NSString).lastPathComponent }
        let name: @Sendable (TickRecord) -> String = { r in
            let p = r.lane / max(1, perPolicy)
            return p < policyNames.count ? policyNames[p] : "policy\(p)"
        }
        let rec = RecordingObserver(worlds: worlds, robot: job.robot, command: "eval", policy: name, imageEncoding: imageEncoding,
                                    path: { r in
                                        // file names without the checkpoint's extension: FILE-gts-w0-ep1.mcap
                                        let policy = (name(r) as NSString).deletingPathExtension
                                        return RecordingObserver.episodePath(record, "\(policy)-w\(r.world)-ep\(r.episode)")
                                    })
        let report = try job.run(registry: registry, observer: rec.observer)
        return (report, try rec.finish())
    }
}
