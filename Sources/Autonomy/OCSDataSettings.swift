import Foundation
import Geometry
import Physics
import Rendering
import Runtime
import World

/// How samples are drawn and labelled.
public struct OCSDataSettings: Codable, Sendable, Equatable {
    public var robot = "Robots/cf2x.urdf"
    public var imageWidth = 64
    public var imageHeight = 48
    /// Horizontal field of view, degrees.
    public var fieldOfView = 90.0
    /// Camera range, m (depth beyond it reads this).
    public var maxRange = 20.0
    /// The K primitives: yaw rates held for the whole horizon, deg/s.
    public var yawRatesDegrees: [Double] = [-40, -20, 0, 20, 40]
    /// Control steps of 0.25 s each primitive is flown (16 = 4 s = 1.6 m at 0.4 m/s).
    public var horizon = 16
    public var forwardSpeed = 0.4
    public var altitude = 0.4
    /// Poses are drawn uniformly in the world's bounds (0.5 m inside) and kept only if the
    /// nearest obstacle is between these distances (m) from the robot's centre.
    public var minClearance = 0.3
    public var maxClearance = 1.0
    /// Extra radius around the robot's collision cylinder in the labelling rollouts, m.
    public var margin = 0.0

    public init() {}

    var rolloutSettings: PrivilegedPlannerPolicy.Settings {
        var s = PrivilegedPlannerPolicy.Settings()
        s.horizon = horizon
        s.margin = margin
        s.clearanceWeight = 0
        s.yawWeight = 0
        return s
    }

    /// The env settings of the labelling rollouts and the camera (image size, field of view, GtS flight).
    public var envSettings: EnvSettings {
        var e = EnvSettings()
        e.imageWidth = imageWidth
        e.imageHeight = imageHeight
        e.fieldOfViewDegrees = fieldOfView
        e.maxRange = maxRange
        e.forwardSpeed = forwardSpeed
        e.altitude = altitude
        e.maxYawRate = max(e.maxYawRate, (yawRatesDegrees.map(abs).max() ?? 0) * .pi / 180)
        return e
    }
}
