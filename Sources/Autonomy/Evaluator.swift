import Dispatch
import Diagnostics
import Foundation
import Geometry
import Runtime

/// Flies policies over worlds and episodes and summarises the results.
///
/// Work items (policy, world, episode) are independent: each builds its policy fresh and resets
/// its env from `settings.episodeSeed(world:episode:)`, so every policy meets the same spawns
/// and domain draws, and results are identical for any thread count (fixed chunks).
public enum Evaluator {
    public static func run(_ settings: EvaluationSettings, models: [EnvModel], policies: [PolicySpec], domain: String,
                           progress: Diagnostics.Progress? = nil, observer: TickObserver? = nil) -> EvaluationReport {
        precondition(models.count == settings.worlds.count && settings.episodes > 0 && !policies.isEmpty)
        let perPolicy = models.count * settings.episodes
        let total = policies.count * perPolicy
        let flat = FixedPartition.map(count: total, threads: settings.threads) { item in
            let p = item / perPolicy, world = (item % perPolicy) / settings.episodes, e = item % settings.episodes
            defer { progress?.advance(by: 1) }
            return runEpisode(models[world], policy: policies[p], world: world, episode: e,
                              seed: settings.episodeSeed(world: world, episode: e), routeLength: settings.routeLength,
                              lane: item, observer: observer)
        }
        progress?.finish()
        let outcomes = (0..<policies.count).map { p in (0..<perPolicy).map { flat[p * perPolicy + $0] } }
        return EvaluationReport(settings: settings, domain: domain, policies: policies, outcomes: outcomes)
    }

    /// One episode of one policy.
    public static func runEpisode(_ model: EnvModel, policy spec: PolicySpec, world: Int, episode: Int, seed: UInt64,
                                  routeLength: Double, lane: Int = 0, observer: TickObserver? = nil) -> EpisodeOutcome {
        var env = Env(model: model)
        env.reset(seed: seed)
        var policy = spec.make()
        policy.reset(seed: RNG.mix(seed, 0x504F))
        var collided = false
        while true {
            // the policy borrows the env's observation; nothing holds it across the step unless an
            // observer wants it (then the frame buffer is copied once per tick)
            let a = policy.act(env.state.observation, model: model)
            let before = observer == nil ? nil : env.state.observation
            let r = env.step(.yawRate(a))
            if let observer, let before {
                observer(TickRecord(lane: lane, episode: episode, world: world, seed: seed, observation: before, action: a, result: r))
            }
            if r.done {
                collided = r.terminated
                break
            }
        }
        let d = env.state.distance
        return EpisodeOutcome(world: world, episode: episode, distance: d, collided: collided,
                              success: !collided && d >= routeLength - 1e-9, steps: env.state.controlSteps)
    }
}
