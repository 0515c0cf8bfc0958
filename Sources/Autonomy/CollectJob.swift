import Diagnostics
import Foundation
import Physics
import Runtime
import World

/// `swiftlet collect`: one shard of exploration data written as a `.swcd` dataset.
public struct CollectJob: Sendable {
    public var worlds: String = "train"
    public var worldCount: Int = 10
    public var robot: String = "Robots/cf2x.urdf"
    public var domain: String = "sim"
    public var steps: Int = 10_000
    public var seed: UInt64 = 0
    public var shard: ShardSpec = .single
    public var exploration: String = "uniform"
    public var basePolicy: String = "straight"
    public var lanes: Int = 8
    public var out: String = "data"
    public var env = EnvSettings()
    /// Label horizon H (control steps) of the dataset.
    public var horizon = 12
    public var allowHeldOut = false
    /// Swarm lanes (`CollectionSwarm`; nil: single vehicles only).
    public var swarm: CollectionSwarm? = nil

    public init() {}

    /// A job that collects what `train collision` with `config` would collect in round 0: its
    /// robot, domain, camera size, frame stack, horizon, flight envelope and episode length, so
    /// the shards pass `CollisionShards`' checks for that config.
    public init(matching config: CollisionPipelineConfig) {
        robot = config.robot
        domain = config.domain
        env = config.env
        env.maxEpisodeTime = config.collectionEpisodeTime
        horizon = config.horizon
        lanes = config.lanes
        swarm = config.collectionSwarm
    }

    /// Runs the shard and writes `out/shard-i-of-n.swcd`; returns a one-paragraph summary.
    public func run(registry: PolicyRegistry = .standard, progress sink: Diagnostics.Progress.Sink = .standardError,
                    observer: TickObserver? = nil) throws -> String {
        guard steps > 0 else { throw InputError("--steps", "must be positive, got \(steps)") }
        guard lanes > 0 && lanes <= 4096 else { throw InputError("--lanes", "must be in 1...4096, got \(lanes)") }
        let profile = try DomainProfile.named(domain, source: "--domain")
        let specs = try WorldSet.specs(worlds, count: worldCount)
        let scenes = try WorldSet.scenes(specs, flag: "--worlds")
        if !allowHeldOut, let bad = scenes.firstIndex(where: WorldCatalog.isHeldOut) {
            throw InputError("--worlds", at: specs[bad], "is a held-out evaluation world; collecting on it would leak test data")
        }
        let description = try URDFLoader.load(path: robot)
        let models = try scenes.map { try EnvModel(scene: $0, robot: description, settings: env, domain: profile) }
        let kind: ExplorationKind
        switch exploration {
        case "uniform": kind = .uniformSequences
        case "gaussian": kind = .gaussianDefault(base: basePolicy, steps: steps)
        case "epsilon", "epsilon-greedy": kind = .epsilonDefault(base: basePolicy, steps: steps)
        default: throw InputError("--exploration", "expected uniform, gaussian or epsilon, got \"\(exploration)\"")
        }
        let settings = CollectionSettings(worlds: specs, env: env, domain: profile, steps: steps, seed: seed, shard: shard,
                                          exploration: kind, horizon: horizon, lanes: lanes, swarm: swarm)
        try OutputPath.prepareDirectory(out, source: "--out")
        let progress = Diagnostics.Progress(label: "collect \(shard.index)/\(shard.count)", total: steps, unit: "steps", sink: sink)
        let dataset = try Collector.run(settings, models: models, registry: registry, progress: progress, observer: observer)
        let path = (out as NSString).appendingPathComponent(shard.fileName)
        try dataset.write(to: path)
        let positives = dataset.labels.indices.filter { dataset.masks[$0] == 1 && dataset.labels[$0] == 1 }.count
        let known = dataset.masks.reduce(0) { $0 + Int($1) }
        return "wrote \(path): \(dataset.sampleCount) samples, \(dataset.frameCount) frames, \(dataset.info["episodes"] ?? "?") episodes, "
            + "\(dataset.info["collisions"] ?? "?") collisions\(Self.contactsNote(dataset)), positive labels \(positives)/\(known) known"
    }

    /// ` (K of them vehicle contacts)` for a dataset with swarm lanes, empty for single vehicles.
    static func contactsNote(_ dataset: CollisionDataset) -> String {
        dataset.info["vehicleContacts"].map { " (\($0) of them vehicle contacts)" } ?? ""
    }
}
