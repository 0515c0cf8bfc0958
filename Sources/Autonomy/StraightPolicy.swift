import Geometry
import Runtime

/// Straight flight: yaw rate 0 always.
public struct StraightPolicy: Policy {
    public init() {}
    public var name: String { "straight" }
    public var isPrivileged: Bool { false }
    public mutating func reset(seed: UInt64) {}
    public mutating func act(_ observation: Observation, model: EnvModel) -> Double { 0 }
}
