import Geometry
import Runtime

/// A value that moves linearly from `start` to `end` over `steps` steps, then stays at `end`.
public struct LinearSchedule: Sendable, Equatable, Codable {
    public var start: Double
    public var end: Double
    public var steps: Int

    public init(start: Double, end: Double, steps: Int) {
        self.start = start
        self.end = end
        self.steps = max(0, steps)
    }

    /// The value at global step `t` (t >= 0).
    public func value(at t: Int) -> Double {
        if steps == 0 || t >= steps { return end }
        return start + (end - start) * Double(max(0, t)) / Double(steps)
    }
}

/// GtS-style exploration: uniformly random yaw-rate *sequences*. A sequence of `horizon`
/// rates, each uniform in [-max, max], is drawn and executed in order; then the next one.
public struct UniformSequencePolicy: Policy {
    public let horizon: Int
    var rng = RNG(seed: 0)
    var sequence: [Double]
    var next: Int

    public init(horizon: Int = 12) {
        precondition(horizon > 0)
        self.horizon = horizon
        sequence = [Double](repeating: 0, count: horizon)
        next = horizon
    }

    public var name: String { "uniform-sequences" }
    public var isPrivileged: Bool { false }

    public mutating func reset(seed: UInt64) {
        rng = RNG(seed: seed, stream: 0x554E_4953)
        next = horizon
    }

    public mutating func act(_ observation: Observation, model: EnvModel) -> Double {
        if next == horizon {
            let m = model.settings.maxYawRate
            for h in 0..<horizon { sequence[h] = rng.uniform(-m, m) }
            next = 0
        }
        defer { next += 1 }
        return sequence[next]
    }
}

/// Gaussian exploration around a base policy: a = clamp(base + sigma(t) * max * N(0, 1)), with
/// sigma a fraction of the yaw-rate limit on a `LinearSchedule` over the global step count
/// `globalStep` (set by the collector, advanced by one per `act`).
public struct GaussianExploration: Policy {
    public var base: any Policy
    public let sigma: LinearSchedule
    public var globalStep: Int
    var rng = RNG(seed: 0)

    public init(base: any Policy, sigma: LinearSchedule, globalStep: Int = 0) {
        self.base = base
        self.sigma = sigma
        self.globalStep = globalStep
    }

    public var name: String { "gaussian(\(base.name))" }
    public var isPrivileged: Bool { base.isPrivileged }

    public mutating func reset(seed: UInt64) {
        rng = RNG(seed: seed, stream: 0x4741_5553)
        base.reset(seed: RNG.mix(seed, 1))
    }

    public mutating func act(_ observation: Observation, model: EnvModel) -> Double {
        let m = model.settings.maxYawRate
        let a = base.act(observation, model: model) + sigma.value(at: globalStep) * m * rng.normal()
        globalStep += 1
        return clamp(a, -m, m)
    }
}

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
