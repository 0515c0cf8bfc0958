import Foundation
import Geometry
import Physics
import Rendering
import Runtime
import World

/// A sample's pose: world index, position (m) and heading (rad).
public struct OCSPose: Sendable, Equatable {
    public var world: Int
    public var x: Double
    public var y: Double
    public var yaw: Double

    public init(world: Int, x: Double, y: Double, yaw: Double) {
        self.world = world
        self.x = x
        self.y = y
        self.yaw = yaw
    }
}
