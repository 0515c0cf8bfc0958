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
