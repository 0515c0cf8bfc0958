import Geometry
import Runtime

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
