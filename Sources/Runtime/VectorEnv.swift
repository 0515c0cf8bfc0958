import Dispatch
import Foundation
import Geometry

/// Many environments stepped together across the cores.
///
/// Environment `i` always runs on its own state with its own seed, and the environments are
/// split into fixed contiguous chunks (chunk `w` of `W` holds `[w*n/W, (w+1)*n/W)`), so results
/// are bit-identical whatever `threads` is (tested for 1 and 2). Environments may have different
/// models (worlds, robots, domains). Finished environments are skipped by `step` (their result is
/// nil) until `reset(_:seed:)` starts them again: no automatic reset, so no hidden seeds.
public struct VectorEnv: Sendable {
    public let models: [EnvModel]
    public var states: [EnvState]
    /// Worker threads used by `reset(seeds:)` and `step` (>= 1).
    public var threads: Int

    /// One environment per model.
    public init(models: [EnvModel], threads: Int = ProcessInfo.processInfo.activeProcessorCount) {
        precondition(!models.isEmpty, "VectorEnv needs at least one model")
        self.models = models
        self.states = models.map { EnvState(model: $0) }
        self.threads = max(1, threads)
    }

    /// `count` environments sharing one model.
    public init(model: EnvModel, count: Int, threads: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.init(models: [EnvModel](repeating: model, count: count), threads: threads)
    }

    /// Number of environments.
    public var count: Int { models.count }

    /// Resets every environment, environment `i` from `seeds[i]`.
    public mutating func reset(seeds: [UInt64]) {
        precondition(seeds.count == count, "one seed per environment")
        let models = self.models
        forEach { i, state in EnvDynamics.reset(models[i], &state, seed: seeds[i]) }
    }

    /// Resets environment `i` from `seed`.
    public mutating func reset(_ i: Int, seed: UInt64) {
        EnvDynamics.reset(models[i], &states[i], seed: seed)
    }

    /// Steps every unfinished environment with its action; nil for environments already done.
    public mutating func step(_ actions: [EnvAction]) -> [StepResult?] {
        precondition(actions.count == count, "one action per environment")
        var results = [StepResult?](repeating: nil, count: count)
        let models = self.models
        results.withUnsafeMutableBufferPointer { r in
            nonisolated(unsafe) let out = r.baseAddress!
            forEach { i, state in
                if !state.done { out[i] = EnvDynamics.step(models[i], &state, actions[i]) }
            }
        }
        return results
    }

    /// Runs `body` on every state over the fixed partition.
    mutating func forEach(_ body: @Sendable (Int, inout EnvState) -> Void) {
        VectorEnv.forEach(&states, threads: threads, body)
    }

    /// Runs `body` on every element of `items`, split into `threads` fixed contiguous chunks
    /// (element `i` only ever sees itself, so results do not depend on `threads`). Also the
    /// swarm's policy ticks (`fly --swarm N --policy`, App's `SwarmPolicyPilot`).
    public static func forEach<T>(_ items: inout [T], threads: Int, _ body: @Sendable (Int, inout T) -> Void) {
        let n = items.count
        let workers = max(1, min(threads, n))
        withoutActuallyEscaping(body) { body in
            items.withUnsafeMutableBufferPointer { s in
                nonisolated(unsafe) let base = s.baseAddress!
                let work: @Sendable (Int) -> Void = { w in
                    for i in (w * n / workers)..<((w + 1) * n / workers) { body(i, &base[i]) }
                }
                if workers == 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: workers, execute: work) }
            }
        }
    }
}
