import Autonomy
import Foundation
import Recording
import Runtime

/// `--record` for `collect` and `eval`: one MCAP log per episode, written from the runners'
/// per-tick `TickObserver` hook.
///
/// Lanes (collection) and work items (evaluation) run concurrently on worker threads, but each
/// lane runs its episodes one after the other, so every lane owns at most one open logger; the
/// lock only guards the table of open loggers, never the writing. Motor speeds are not in the
/// hook's `TickRecord` and are not logged here (everything needed to replay is).
public final class RecordingObserver: @unchecked Sendable {
    /// Per-world information: spec (for the metadata) and the model (settings, camera).
    public struct World: Sendable {
        public var spec: String
        public var model: EnvModel
        public init(spec: String, model: EnvModel) {
            self.spec = spec
            self.model = model
        }
    }

    let worlds: [World]
    let robot: String
    let command: String
    let policy: @Sendable (TickRecord) -> String
    let path: @Sendable (TickRecord) -> String
    private let lock = NSLock()
    private var open: [Int: (episode: Int, logger: EpisodeLogger)] = [:]
    private var written: [String] = []
    /// Camera frames as CDR `sensor_msgs/msg/Image` or JSON `foxglove.RawImage`.
    let imageEncoding: ImageMessageEncoding
    private var failure: Error? = nil

    /// `path(record)` names the log of the record's episode; `policy(record)` the policy flying it.
    public init(worlds: [World], robot: String, command: String, policy: @escaping @Sendable (TickRecord) -> String,
                imageEncoding: ImageMessageEncoding = .cdr, path: @escaping @Sendable (TickRecord) -> String) {
        self.worlds = worlds
        self.imageEncoding = imageEncoding
        self.robot = robot
        self.command = command
        self.policy = policy
        self.path = path
    }

    /// `FILE.mcap` + key -> `FILE-key.mcap`.
    public static func episodePath(_ base: String, _ key: String) -> String {
        let ext = (base as NSString).pathExtension
        let stem = ext.isEmpty ? base : String(base.dropLast(ext.count + 1))
        return "\(stem)-\(key).\(ext.isEmpty ? "mcap" : ext)"
    }

    /// The hook to hand to `Collector`/`Evaluator` (through the jobs' `observer:`).
    public var observer: TickObserver {
        { [self] record in self.handle(record) }
    }

    func handle(_ r: TickRecord) {
        lock.lock()
        var entry = open[r.lane]
        lock.unlock()
        do {
            if entry == nil || entry!.episode != r.episode {
                try entry?.logger.close()
                let w = worlds[r.world]
                let p = path(r)
                let logger = try EpisodeLogger(path: p, model: w.model, seed: r.seed, initial: r.observation,
                                               source: EpisodeSource(world: w.spec, robot: robot, command: command, policy: policy(r)),
                                               imageEncoding: imageEncoding)
                entry = (r.episode, logger)
                lock.lock()
                open[r.lane] = entry
                written.append(p)
                lock.unlock()
            }
            let logger = entry!.logger
            try logger.tick(action: .yawRate(r.action), before: r.observation.robot, step: r.observation.step,
                            after: r.result.observation, motorRPM: nil, events: r.result.events)
            if r.result.done {
                try logger.close()
                lock.lock()
                open[r.lane] = nil
                lock.unlock()
            }
        } catch {
            lock.lock()
            if failure == nil { failure = error }
            lock.unlock()
        }
    }

    /// Closes the logs still open (episodes cut by a step budget) and returns the files written;
    /// rethrows the first write error.
    public func finish() throws -> [String] {
        lock.lock()
        defer { lock.unlock() }
        for (_, e) in open { try e.logger.close() }
        open = [:]
        if let failure { throw failure }
        return written.sorted()
    }
}
