import Foundation
import Geometry

/// One query of the pre-memorisation task: fly from `start` (heading `yaw`, in level flight at
/// the forward speed) to `goal` in world `world` (an index into `PreMemTask.scenes`). Metres, radians.
public struct PreMemQuery: Sendable, Equatable {
    public var world: Int
    public var start: SIMD2<Double>
    public var yaw: Double
    public var goal: SIMD2<Double>

    public init(world: Int, start: SIMD2<Double>, yaw: Double, goal: SIMD2<Double>) {
        self.world = world
        self.start = start
        self.yaw = yaw
        self.goal = goal
    }
}
