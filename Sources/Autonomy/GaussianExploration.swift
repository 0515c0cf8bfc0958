import Geometry
import Runtime

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
