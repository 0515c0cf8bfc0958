import Geometry
import Runtime

/// Random yaw: a fresh uniform yaw rate in [-max, max] every control step.
public struct RandomYawPolicy: Policy {
    var rng = RNG(seed: 0)
    public init() {}
    public var name: String { "random" }
    public var isPrivileged: Bool { false }
    public mutating func reset(seed: UInt64) { rng = RNG(seed: seed, stream: 0x5241_4E44) }
    public mutating func act(_ observation: Observation, model: EnvModel) -> Double {
        let m = model.settings.maxYawRate
        return rng.uniform(-m, m)
    }
}
