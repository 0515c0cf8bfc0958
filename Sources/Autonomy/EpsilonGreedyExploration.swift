import Geometry
import Runtime

/// Epsilon-greedy exploration around a base policy: with probability epsilon(t) a uniform yaw
/// rate in [-max, max], otherwise the base policy's action (the base policy still sees every
/// step, so planners keep their warm start).
public struct EpsilonGreedyExploration: Policy {
    public var base: any Policy
    public let epsilon: LinearSchedule
    public var globalStep: Int
    var rng = RNG(seed: 0)

    public init(base: any Policy, epsilon: LinearSchedule, globalStep: Int = 0) {
        self.base = base
        self.epsilon = epsilon
        self.globalStep = globalStep
    }

    public var name: String { "epsilon-greedy(\(base.name))" }
    public var isPrivileged: Bool { base.isPrivileged }

    public mutating func reset(seed: UInt64) {
        rng = RNG(seed: seed, stream: 0x4550_5347)
        base.reset(seed: RNG.mix(seed, 1))
    }

    public mutating func act(_ observation: Observation, model: EnvModel) -> Double {
        let m = model.settings.maxYawRate
        let greedy = base.act(observation, model: model)
        let explore = rng.bernoulli(epsilon.value(at: globalStep))
        let random = rng.uniform(-m, m)
        globalStep += 1
        return explore ? random : greedy
    }
}
