import Geometry

/// Another vehicle for the viewer to draw besides the followed robot (a swarm's other members):
/// its pose, its past positions (oldest first) and whether it has crashed, in world metres.
public struct ViewerVehicle: Sendable {
    public var pose: Pose
    public var trail: [Vec3]
    public var crashed: Bool

    public init(pose: Pose, trail: [Vec3] = [], crashed: Bool = false) {
        self.pose = pose
        self.trail = trail
        self.crashed = crashed
    }

    /// Marker colour of a flying vehicle (magenta) and of a crashed one (red), and their trails.
    public static let color = ViewerColor(235, 70, 200)
    public static let crashedColor = ViewerColor(230, 40, 40)
    public static let trailColor = ViewerColor(235, 70, 200, 170)

    /// The marker colour for this vehicle.
    public var markerColor: ViewerColor { crashed ? ViewerVehicle.crashedColor : ViewerVehicle.color }
}
